// `npm run scaffold` end to end, in a throw-away copy of the repository (the real tree is never touched):
// a fifth operator subgraph (Action Logement) touches only its folder, its SDL file and its supergraph.yaml
// entry; the seven subgraphs compose; its generated test passes; the hub with seven subgraphs answers through
// the gateway. Runs on SQLite, or on PostgreSQL when DATABASE_URL is set (the harness uses throw-away schemas).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT } from '../subgraphs/runtime/registry.ts';
import { scaffold, ScaffoldError } from '../schema/scaffold.ts';

const NAME = 'action-logement';
const ARGS = [NAME, '--operator-label', 'Action Logement', '--slice', 'housing', '--port', '4007'];
/** What the hub needs to run: sources, SDL, reference data, harness, configuration. */
const COPIED =
  /^(schema|subgraphs|gateway|queries|test\/support)\/|^(package\.json|tsconfig\.json|vitest\.config\.ts)$/;

let tmp: string;

/** Tracked and untracked (not ignored) files, as in the working tree; a plain copy when git is unavailable. */
function copyRepository(to: string): void {
  let files: string[] | undefined;
  try {
    files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    })
      .split('\n')
      .filter((f) => COPIED.test(f) && existsSync(join(ROOT, f)));
  } catch {
    /* not a git checkout */
  }
  if (files?.length) {
    for (const f of files) {
      mkdirSync(dirname(join(to, f)), { recursive: true });
      cpSync(join(ROOT, f), join(to, f));
    }
  } else {
    for (const entry of [
      'schema',
      'subgraphs',
      'gateway',
      'queries',
      'test/support',
      'package.json',
      'tsconfig.json',
      'vitest.config.ts',
    ]) {
      cpSync(join(ROOT, entry), join(to, entry), {
        recursive: true,
        filter: (src) => !/\/(\.data|node_modules)(\/|$)/.test(src),
      });
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'), 'dir');
}

/** sha256 of every file under `dir` (node_modules excluded), by relative path. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.name === 'node_modules' || e.name === '.data') continue;
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.set(relative(dir, full), createHash('sha256').update(readFileSync(full)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>) {
  return {
    added: [...after.keys()].filter((f) => !before.has(f)).sort(),
    removed: [...before.keys()].filter((f) => !after.has(f)).sort(),
    modified: [...after.keys()].filter((f) => before.has(f) && before.get(f) !== after.get(f)).sort(),
  };
}

/** The parent's environment without vitest's own variables (the children are separate runs). */
function childEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'),
  );
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0' };
}

/** Runs `node <args>` in the copy, bounded in time; the child is killed (by its pid) on timeout. */
function run(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: tmp, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // Without colour codes, so that the output can be matched.
    child.stdout.on('data', (c) => (stdout += String(c).replace(/\x1b\[[0-9;]*m/g, '')));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not finish within ${timeoutMs / 1000}s\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hub-scaffold-'));
  copyRepository(tmp);
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm run scaffold', () => {
  it('is the package script', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.scaffold).toBe('tsx schema/scaffold.ts');
  });

  it('refuses bad arguments with exit code 2 and writes nothing', () => {
    const before = snapshot(tmp);
    const attempt = (options: Partial<Parameters<typeof scaffold>[0]>) => {
      try {
        scaffold({ name: NAME, operatorLabel: 'Action Logement', slice: 'housing', port: 4007, root: tmp, ...options });
      } catch (error) {
        expect(error).toBeInstanceOf(ScaffoldError);
        return { code: (error as ScaffoldError).exitCode, message: (error as Error).message };
      }
      throw new Error('scaffold accepted bad arguments');
    };
    expect(attempt({ name: 'ActionLogement' })).toMatchObject({
      code: 2,
      message: expect.stringContaining('kebab-case'),
    });
    expect(attempt({ name: 'engineering' })).toMatchObject({
      code: 2,
      message: expect.stringContaining('already listed'),
    });
    expect(attempt({ name: 'runtime' })).toMatchObject({ code: 2, message: expect.stringContaining('reserved') });
    expect(attempt({ port: 4005 })).toMatchObject({
      code: 2,
      message: expect.stringContaining('subgraph "engineering"'),
    });
    expect(attempt({ slice: 'engineering' })).toMatchObject({
      code: 2,
      message: expect.stringContaining('Territory.engineering'),
    });
    expect(attempt({ operatorLabel: 'Action "Logement"' })).toMatchObject({
      code: 2,
      message: expect.stringContaining('--operator-label'),
    });
    expect(changes(before, snapshot(tmp))).toEqual({ added: [], removed: [], modified: [] });
  });

  it('adds the subgraph folder, its SDL file and one supergraph.yaml entry, nothing else', async () => {
    const before = snapshot(tmp);
    const yamlBefore = readFileSync(join(tmp, 'schema/supergraph.yaml'), 'utf8');
    const { code, stdout, stderr } = await run(['--import', 'tsx', 'schema/scaffold.ts', ...ARGS], 30_000);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('composition of 7 subgraphs: OK');
    expect(stdout).toContain('npm run compose');

    const { added, removed, modified } = changes(before, snapshot(tmp));
    expect(removed).toEqual([]);
    expect(modified).toEqual(['schema/supergraph.yaml']);
    expect(added.filter((f) => !f.startsWith(`subgraphs/${NAME}/`))).toEqual([`schema/${NAME}.graphql`]);
    for (const f of [
      'subgraph.ts',
      'main.ts',
      'db.ts',
      'load.ts',
      'loaders.ts',
      'resolvers.ts',
      'migrations/index.ts',
      'test/slice.test.ts',
    ]) {
      expect(added).toContain(`subgraphs/${NAME}/${f}`);
    }
    expect(added.some((f) => /^subgraphs\/action-logement\/migrations\/001_/.test(f))).toBe(true);

    // supergraph.yaml: the old text with four lines inserted, the five entries unchanged.
    const yamlAfter = readFileSync(join(tmp, 'schema/supergraph.yaml'), 'utf8');
    const [oldLines, newLines] = [yamlBefore.split('\n'), yamlAfter.split('\n')];
    const at = newLines.findIndex((l, i) => l !== oldLines[i]);
    expect(newLines.slice(at, at + 4).join('\n')).toBe(
      `  ${NAME}:\n    routing_url: http://127.0.0.1:4007/graphql\n    schema:\n      file: ./${NAME}.graphql`,
    );
    expect([...newLines.slice(0, at), ...newLines.slice(at + 4)]).toEqual(oldLines);
    const config = parseYaml(yamlAfter) as { subgraphs: Record<string, unknown> };
    expect(Object.keys(config.subgraphs)).toEqual([
      ...Object.keys((parseYaml(yamlBefore) as typeof config).subgraphs),
      NAME,
    ]);

    // The SDL: Federation 2, the Territory entity, the slice, every element described, the new Operator value.
    const sdl = readFileSync(join(tmp, `schema/${NAME}.graphql`), 'utf8');
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(sdl).toContain('type Territory @key(fields: "id")');
    expect(sdl).toMatch(/\n {2}housing: HousingSlice\n/);
    expect(sdl).toMatch(/\n {2}ACTION_LOGEMENT\n/);
    expect(readFileSync(join(tmp, `subgraphs/${NAME}/catalogue.ts`), 'utf8')).toContain('Mobili-Jeune VTE');
  });

  it('composes seven subgraphs with `npm run compose`, ACTION_LOGEMENT in the Operator enum', async () => {
    const { code, stdout, stderr } = await run(['--import', 'tsx', 'schema/compose.ts'], 30_000);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain(`programme, ${NAME}`);
    const supergraph = readFileSync(join(tmp, 'schema/supergraph.graphql'), 'utf8');
    expect(supergraph).toContain(`name: "${NAME}", url: "http://127.0.0.1:4007/graphql"`);
    expect(supergraph).toMatch(/enum Operator[^}]*ACTION_LOGEMENT/);
  });

  it('passes the generated test of the new subgraph (batching and provenance)', async () => {
    const config = readFileSync(join(tmp, 'vitest.config.ts'), 'utf8');
    expect(config).toContain("'subgraphs/*/test/**/*.test.ts'");
    const { code, stdout, stderr } = await run(['node_modules/vitest/vitest.mjs', 'run', `subgraphs/${NAME}`], 60_000);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/Tests\s+\S*\s*6 passed/);
  }, 70_000);

  it('answers through the gateway with seven subgraphs', async () => {
    writeFileSync(
      join(tmp, 'hub-check.ts'),
      `
import { post } from './test/support/harness.ts';
import { startTestHub } from './test/support/hub.ts';
const hub = await startTestHub();
try {
  const r = await post(hub.gatewayUrl, \`{ territory(id: "2023-2027:ti-8402") { name housing { summary { operator recordCount } } engineering { operator } }
    housingCatalogue { id operator } }\`);
  console.log(JSON.stringify({ subgraphs: [...hub.subgraphs.keys()].sort(), status: r.status, data: r.data, errors: r.errors }));
} finally {
  await hub.stop();
}
process.exit(0);
`,
    );
    const { code, stdout, stderr } = await run(['--import', 'tsx', 'hub-check.ts'], 80_000);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.subgraphs).toEqual([
      'action-logement',
      'attractiveness',
      'engineering',
      'financing',
      'programme',
      'recruitment',
      'territories',
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.data.territory.name).toBe('Bassin de Bourg-en-Bresse');
    expect(result.data.territory.housing.summary).toEqual({
      operator: 'ACTION_LOGEMENT',
      recordCount: expect.any(Number),
    });
    expect(result.data.territory.engineering).toEqual({ operator: 'BANQUE_DES_TERRITOIRES' });
    expect(result.data.housingCatalogue).toEqual([{ id: 'housing:mobili-jeune-vte', operator: 'ACTION_LOGEMENT' }]);
  }, 90_000);
});
