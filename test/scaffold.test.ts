// `npm run scaffold` end to end, in a throw-away copy of the repository (the real tree is never touched):
// a new operator subgraph (Action Logement) touches only its folder, its SDL file, its supergraph.yaml entry and the
// Operator enum of the other SDLs; the seven subgraphs compose; the copy typechecks and is formatted; the generated
// operator has the kit's shape and its own tests pass (writes over HTTP through the gateway with a signed token,
// batching, provenance, pages, import); the whole hub answers and takes a write through the gateway.
// Runs on SQLite, or on PostgreSQL when DATABASE_URL is set (the harness uses throw-away schemas).
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
/** Subgraphs declaring the Operator enum: each gains the new value (two lines), nothing else. */
const OPERATOR_SDLS = ['attractiveness', 'engineering', 'financing', 'programme', 'recruitment'].map(
  (n) => `schema/${n}.graphql`,
);
/** What the hub needs to run: sources, SDL, reference data, harness, configuration. */
const COPIED =
  /^(schema|subgraphs|gateway|queries|test\/support)\/|^(package\.json|tsconfig\.json|vitest\.config\.ts|\.prettierrc\.json|\.prettierignore|test\/operator-shape\.test\.ts)$/;

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
      '.prettierrc.json',
      '.prettierignore',
      'test/operator-shape.test.ts',
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

  it('refuses bad arguments with exit code 2 and writes nothing', async () => {
    const before = snapshot(tmp);
    const attempt = async (options: Partial<Parameters<typeof scaffold>[0]>) => {
      try {
        await scaffold({
          name: NAME,
          operatorLabel: 'Action Logement',
          slice: 'housing',
          port: 4007,
          root: tmp,
          ...options,
        });
      } catch (error) {
        expect(error).toBeInstanceOf(ScaffoldError);
        return { code: (error as ScaffoldError).exitCode, message: (error as Error).message };
      }
      throw new Error('scaffold accepted bad arguments');
    };
    expect(await attempt({ name: 'ActionLogement' })).toMatchObject({
      code: 2,
      message: expect.stringContaining('kebab-case'),
    });
    expect(await attempt({ name: 'engineering' })).toMatchObject({
      code: 2,
      message: expect.stringContaining('already listed'),
    });
    expect(await attempt({ name: 'runtime' })).toMatchObject({ code: 2, message: expect.stringContaining('reserved') });
    expect(await attempt({ port: 4005 })).toMatchObject({
      code: 2,
      message: expect.stringContaining('subgraph "engineering"'),
    });
    expect(await attempt({ slice: 'engineering' })).toMatchObject({
      code: 2,
      message: expect.stringContaining('Territory.engineering'),
    });
    expect(await attempt({ operatorLabel: 'Action "Logement"' })).toMatchObject({
      code: 2,
      message: expect.stringContaining('--operator-label'),
    });
    expect(changes(before, snapshot(tmp))).toEqual({ added: [], removed: [], modified: [] });
  });

  it('adds the subgraph folder, its SDL file, one supergraph.yaml entry and the Operator value, nothing else', async () => {
    const before = snapshot(tmp);
    const sdlBefore = new Map(OPERATOR_SDLS.map((f) => [f, readFileSync(join(tmp, f), 'utf8')]));
    const yamlBefore = readFileSync(join(tmp, 'schema/supergraph.yaml'), 'utf8');
    const { code, stdout, stderr } = await run(['--import', 'tsx', 'schema/scaffold.ts', ...ARGS], 240_000);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('composition of 7 subgraphs: OK');
    expect(stdout).toContain('npm run compose');

    const { added, removed, modified } = changes(before, snapshot(tmp));
    expect(removed).toEqual([]);
    expect(modified).toEqual([...OPERATOR_SDLS, 'schema/supergraph.yaml'].sort());
    // Each other SDL: the old text with two lines (description, value) at the end of `enum Operator`.
    for (const [file, old] of sdlBefore) {
      const [oldLines, newLines] = [old.split('\n'), readFileSync(join(tmp, file), 'utf8').split('\n')];
      const at = newLines.findIndex((l, i) => l !== oldLines[i]);
      expect([file, newLines.slice(at, at + 2)]).toEqual([
        file,
        ['  "Action Logement (operator added by the action-logement subgraph)."', '  ACTION_LOGEMENT'],
      ]);
      expect(newLines[at + 2]).toBe('}');
      expect(
        newLines
          .slice(0, at)
          .reverse()
          .find((l) => l.startsWith('enum ')),
      ).toBe('enum Operator {');
      expect([...newLines.slice(0, at), ...newLines.slice(at + 2)]).toEqual(oldLines);
    }
    expect(added.filter((f) => !f.startsWith(`subgraphs/${NAME}/`))).toEqual([`schema/${NAME}.graphql`]);
    for (const f of [
      'subgraph.ts',
      'main.ts',
      'db.ts',
      'records.ts',
      'repository.ts',
      'loaders.ts',
      'resolvers.ts',
      'catalogue.ts',
      'sample.ts',
      'load.ts',
      'migrations/index.ts',
      'import-samples/README.md',
      'import-samples/mobilisations-valid.csv',
      'test/slice.test.ts',
      'test/writes.test.ts',
      'test/import.test.ts',
      'README.md',
    ]) {
      expect(added).toContain(`subgraphs/${NAME}/${f}`);
    }
    expect(added.some((f) => /^subgraphs\/action-logement\/migrations\/001_/.test(f))).toBe(true);

    // supergraph.yaml: the old text with four lines inserted, the other entries unchanged.
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
    // The record kind: writes, a paginated and filtered list.
    for (const field of [
      'createHousingMobilisation(',
      'updateHousingMobilisation(',
      'deleteHousingMobilisation(',
      'mobilisations(',
      'type HousingMobilisationConnection',
    ])
      expect(sdl).toContain(field);
    expect(readFileSync(join(tmp, `subgraphs/${NAME}/catalogue.ts`), 'utf8')).toContain('Mobili-Jeune VTE');
  }, 300_000);

  it('composes seven subgraphs with `npm run compose`, ACTION_LOGEMENT in the Operator enum', async () => {
    const { code, stdout, stderr } = await run(['--import', 'tsx', 'schema/compose.ts'], 240_000);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain(`programme, ${NAME}`);
    const supergraph = readFileSync(join(tmp, 'schema/supergraph.graphql'), 'utf8');
    expect(supergraph).toContain(`name: "${NAME}", url: "http://127.0.0.1:4007/graphql"`);
    expect(supergraph).toMatch(/enum Operator[^}]*ACTION_LOGEMENT/);
  }, 300_000);

  it('typechecks and is formatted, as `npm test` checks them', async () => {
    const tsc = await run(['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'], 240_000);
    expect(tsc.code, `${tsc.stdout}\n${tsc.stderr}`).toBe(0);
    const prettier = await run(['node_modules/prettier/bin/prettier.cjs', '--check', `subgraphs/${NAME}`], 60_000);
    expect(prettier.code, `${prettier.stdout}\n${prettier.stderr}`).toBe(0);
  }, 300_000);

  it("has the kit's operator folder shape (test/operator-shape.test.ts)", async () => {
    const { code, stdout, stderr } = await run(
      ['node_modules/vitest/vitest.mjs', 'run', 'test/operator-shape.test.ts', '-t', `subgraphs/${NAME} has`],
      120_000,
    );
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/Tests\s+1 passed/);
  }, 130_000);

  it('passes its generated tests: writes over HTTP with a signed token, batching, provenance, pages, import', async () => {
    const config = readFileSync(join(tmp, 'vitest.config.ts'), 'utf8');
    expect(config).toContain("'subgraphs/*/test/**/*.test.ts'");
    const { code, stdout, stderr } = await run(['node_modules/vitest/vitest.mjs', 'run', `subgraphs/${NAME}`], 400_000);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/Test Files\s+3 passed/);
    expect(stdout).toMatch(/Tests\s+18 passed/);
  }, 420_000);

  it('answers through the gateway with seven subgraphs, and takes a write with a signed token', async () => {
    writeFileSync(
      join(tmp, 'hub-check.ts'),
      `
import { post } from './test/support/harness.ts';
import { startTestHub } from './test/support/hub.ts';
import { signToken, TEST_JWT_ENV } from './test/support/token.ts';
const hub = await startTestHub({ env: TEST_JWT_ENV });
try {
  const read = () => post(hub.gatewayUrl, \`{ territory(id: "2023-2027:ti-8402") { name housing { summary { operator recordCount nature } } engineering { operator } }
    housingCatalogue { id operator } }\`);
  const before = await read();
  const input = { reference: 'HUB-CHECK-1', territoryId: '2023-2027:ti-8402', serviceId: 'housing:mobili-jeune-vte',
    beneficiaryName: 'Apprenti de Bourg (test)', amountEur: 1200, date: '2024-05-02', status: 'DONE' };
  const CREATE = 'mutation($input: HousingMobilisationInput!) { createHousingMobilisation(input: $input) { created mobilisation { reference dataset { nature } } } }';
  const anonymous = await post(hub.gatewayUrl, CREATE, { input });
  const token = await signToken({ operator: 'ACTION_LOGEMENT', scope: 'action-logement:write' });
  const created = await post(hub.gatewayUrl, CREATE, { input }, { authorization: \`Bearer \${token}\` });
  const after = await read();
  console.log(JSON.stringify({ subgraphs: [...hub.subgraphs.keys()].sort(), status: before.status, data: before.data, errors: before.errors,
    anonymous: anonymous.errors?.[0]?.extensions?.code, created: created.data, createdErrors: created.errors, after: after.data }));
} finally {
  await hub.stop();
}
process.exit(0);
`,
    );
    const { code, stdout, stderr } = await run(['--import', 'tsx', 'hub-check.ts'], 120_000);
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
      nature: 'SAMPLE',
    });
    expect(result.data.territory.engineering).toEqual({ operator: 'BANQUE_DES_TERRITOIRES' });
    expect(result.data.housingCatalogue).toEqual([{ id: 'housing:mobili-jeune-vte', operator: 'ACTION_LOGEMENT' }]);
    // The write: refused without a token, created with the operator's token, counted (and no longer SAMPLE only).
    expect(result.anonymous).toBe('UNAUTHENTICATED');
    expect(result.createdErrors).toBeUndefined();
    expect(result.created.createHousingMobilisation).toEqual({
      created: true,
      mobilisation: { reference: 'HUB-CHECK-1', dataset: { nature: 'REAL' } },
    });
    expect(result.after.territory.housing.summary.recordCount).toBe(
      result.data.territory.housing.summary.recordCount + 1,
    );
    expect(['MIXED', 'DERIVED']).toContain(result.after.territory.housing.summary.nature);
  }, 130_000);
});
