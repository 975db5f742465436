// `npm run check`: a subgraph's proposed SDL composed with the others and compared with the released API schema.
// Every test works on temporary copies of the SDL files: the real schema/ files are never touched.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { check, formatReport, type CheckReport } from '../schema/check.ts';
import { compose, sourcesFromList, supergraphFileContent } from '../schema/compose.ts';
import { readSubgraphList, ROOT } from '../subgraphs/runtime/registry.ts';

const execFileAsync = promisify(execFile);

let dir: string;
let config: string;
let baseline: string;
let territoriesSdl: string;

// A snapshot of the hub: the SDL files of supergraph.yaml copied to a temp dir, and the supergraph they
// compose to as the release to compare with (so that work in progress elsewhere cannot change the outcome).
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
  const list = readSubgraphList(undefined, {});
  let yaml = 'subgraphs:\n';
  for (const s of list) {
    copyFileSync(s.sdlFile, join(dir, basename(s.sdlFile)));
    yaml += `  ${s.name}:\n    routing_url: ${s.url}\n    schema:\n      file: ./${basename(s.sdlFile)}\n`;
  }
  config = join(dir, 'supergraph.yaml');
  writeFileSync(config, yaml);
  const composed = compose(sourcesFromList(readSubgraphList(config, {})));
  if (!composed.ok) throw new Error(`the SDL files of schema/ do not compose: ${JSON.stringify(composed.errors)}`);
  baseline = join(dir, 'supergraph.graphql');
  writeFileSync(baseline, supergraphFileContent(composed.supergraphSdl));
  territoriesSdl = readFileSync(join(dir, 'territories.graphql'), 'utf8');
});

/** Applies `edit` to the body of one type definition (`type Name …{` up to its closing `}`) of the SDL. */
function editType(sdl: string, typeName: string, edit: (body: string) => string): string {
  const start = new RegExp(`^(type|enum|input|interface) ${typeName}\\b[^{]*\\{`, 'm').exec(sdl);
  if (!start) throw new Error(`no type ${typeName} in the SDL`);
  const open = start.index + start[0].length;
  const close = sdl.indexOf('\n}', open);
  const body = sdl.slice(open, close);
  const edited = edit(body);
  if (edited === body) throw new Error(`the edit of ${typeName} changed nothing`);
  return sdl.slice(0, open) + edited + sdl.slice(close);
}

let counter = 0;
function proposal(sdl: string): string {
  const file = join(dir, `proposed-${++counter}.graphql`);
  writeFileSync(file, sdl);
  return file;
}

const checkTerritories = (sdl: string, acceptBreaking = false) =>
  check({
    subgraph: 'territories',
    sdlFile: proposal(sdl),
    config,
    baselineSdl: readFileSync(baseline, 'utf8'),
    acceptBreaking,
  });

const paths = (changes: CheckReport['breaking']) => changes.map((c) => c.path);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', 'schema/check.ts', ...args], {
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('schema check', () => {
  it('passes the unchanged SDL with no change at all', async () => {
    const report = await checkTerritories(territoriesSdl);
    expect(report).toMatchObject({
      status: 'passed',
      exitCode: 0,
      breaking: [],
      dangerous: [],
      safe: [],
      compositionErrors: [],
    });
    expect(report.subgraphs).toContain('territories');
    expect(formatReport(report)).toContain('✓ No change to the API schema.');
  });

  it('catches a removed field as breaking, with its path and subgraph', async () => {
    const sdl = editType(territoriesSdl, 'Territory', (b) =>
      b.replace(/\n\s*"Population: sum[^\n]*\n\s*population: Int!/, ''),
    );
    const report = await checkTerritories(sdl);
    expect(report.exitCode).toBe(1);
    expect(report.status).toBe('breaking');
    expect(report.breaking).toEqual([
      expect.objectContaining({ path: 'Territory.population', type: 'FIELD_REMOVED', subgraphs: ['territories'] }),
    ]);
    expect(report.breaking[0]!.explanation).toMatch(/Queries selecting Territory.population will be rejected/);
    // Groupement.population and Commune.population are left alone.
    expect(paths(report.safe)).toEqual([]);
  });

  it('catches a retyped field', async () => {
    const sdl = editType(territoriesSdl, 'Territory', (b) => b.replace('population: Int!', 'population: Float!'));
    const report = await checkTerritories(sdl);
    expect(report.exitCode).toBe(1);
    expect(report.breaking).toEqual([
      expect.objectContaining({ path: 'Territory.population', type: 'FIELD_TYPE_CHANGED' }),
    ]);
    expect(report.breaking[0]!.message).toContain("from 'Int!' to 'Float!'");
  });

  it('catches an argument made required', async () => {
    const sdl = editType(territoriesSdl, 'Query', (b) =>
      b.replace(/\n    region: String\n/, '\n    region: String!\n'),
    );
    const report = await checkTerritories(sdl);
    expect(report.exitCode).toBe(1);
    expect(report.breaking).toEqual([
      expect.objectContaining({ path: 'Query.territories.region', type: 'FIELD_ARGUMENT_TYPE_CHANGED' }),
    ]);
    expect(report.breaking[0]!.explanation).toMatch(/became required/);
  });

  it('catches an enum value removed', async () => {
    const sdl = editType(territoriesSdl, 'GroupementNature', (b) =>
      b.replace(/\n\s*"Établissement public territorial[^\n]*\n\s*EPT/, ''),
    );
    const report = await checkTerritories(sdl);
    expect(report.exitCode).toBe(1);
    expect(report.breaking).toEqual([
      expect.objectContaining({ path: 'GroupementNature.EPT', type: 'ENUM_VALUE_REMOVED' }),
    ]);
  });

  it('reports an added optional field as safe', async () => {
    const sdl = editType(
      territoriesSdl,
      'Territory',
      (b) => `${b}\n  "Short name used in the programme's maps."\n  shortName: String`,
    );
    const report = await checkTerritories(sdl);
    expect(report).toMatchObject({ status: 'passed', exitCode: 0, breaking: [], dangerous: [] });
    expect(report.safe.map((c) => [c.path, c.type])).toEqual(
      expect.arrayContaining([['Territory.shortName', 'FIELD_ADDED']]),
    );
    expect(report.safe.every((c) => c.subgraphs.includes('territories'))).toBe(true);
  });

  it('reports dangerous changes (enum value added, optional argument added) without failing', async () => {
    let sdl = editType(
      territoriesSdl,
      'GroupementNature',
      (b) => `${b}\n  "Pôle d'équilibre territorial et rural."\n  PETR`,
    );
    sdl = editType(sdl, 'Query', (b) =>
      b.replace('territoriesByCommune(', 'territoriesByCommune(\n    "Year of the perimeter."\n    year: Int'),
    );
    const report = await checkTerritories(sdl);
    expect(report).toMatchObject({ status: 'passed', exitCode: 0, breaking: [] });
    expect(report.dangerous.map((c) => [c.path, c.type])).toEqual(
      expect.arrayContaining([
        ['GroupementNature.PETR', 'ENUM_VALUE_ADDED'],
        ['Query.territoriesByCommune.year', 'FIELD_ARGUMENT_ADDED'],
      ]),
    );
    expect(formatReport(report)).toMatch(
      /Dangerous changes \(2\):[\s\S]*GroupementNature.PETR[\s\S]*must handle the new one/,
    );
  });

  it('lists breaking changes as accepted with acceptBreaking', async () => {
    const sdl = editType(territoriesSdl, 'Territory', (b) => b.replace('population: Int!', 'population: Int'));
    const report = await checkTerritories(sdl, true);
    expect(report).toMatchObject({ status: 'accepted', exitCode: 0 });
    expect(paths(report.breaking)).toEqual(['Territory.population']);
    expect(formatReport(report)).toContain('Breaking changes ACCEPTED with --accept-breaking (1)');
  });
});

describe('`npm run check` exit codes', () => {
  const options = () => ['--config', config, '--against', baseline];

  it('exits 0 on the unchanged SDL', async () => {
    const run = await cli('territories', ...options());
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('✓ No change to the API schema.');
  });

  it('exits 0 on the work tree as it is (the committed supergraph has no breaking change pending)', async () => {
    const run = await cli('territories');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✓ No (change|breaking change)/);
  });

  it('exits 1 on a breaking change, naming its path; --accept-breaking turns it into 0', async () => {
    const file = proposal(
      editType(territoriesSdl, 'Territory', (b) => b.replace('population: Int!', 'population: String!')),
    );
    // Three CLI runs at once: each one composes the whole graph.
    const [refused, accepted, json] = await Promise.all([
      cli('territories', '--sdl', file, ...options()),
      cli('territories', '--sdl', file, '--accept-breaking', ...options()),
      cli('territories', '--sdl', file, '--json', ...options()),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Breaking changes \(1\):\n\s+✗ Territory.population {2}\[FIELD_TYPE_CHANGED\]/);
    expect(refused.stderr).toContain("changed type from 'Int!' to 'String!'");
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('Breaking changes ACCEPTED with --accept-breaking (1)');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as CheckReport;
    expect(report).toMatchObject({ status: 'breaking', exitCode: 1, subgraph: 'territories' });
    expect(report.breaking.map((c) => [c.path, c.type, c.level])).toEqual([
      ['Territory.population', 'FIELD_TYPE_CHANGED', 'breaking'],
    ]);
  });

  it('exits 2 on a composition error, naming the subgraph', async () => {
    const file = proposal(
      territoriesSdl.replace('type Territory @key(fields: "id") {', 'type Territory @key(fields: "nope") {'),
    );
    const [run, json] = await Promise.all([
      cli('territories', '--sdl', file, ...options()),
      cli('territories', '--sdl', file, '--json', ...options()),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Composition failed with \d+ error/);
    expect(run.stderr).toMatch(/\[territories\] KEY_INVALID_FIELDS/);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).compositionErrors).toContainEqual(
      expect.objectContaining({ subgraphs: ['territories'], code: 'KEY_INVALID_FIELDS' }),
    );
  });

  it('exits 2 on an unknown subgraph, listing the known ones', async () => {
    const run = await cli('nope', ...options());
    expect(run.code).toBe(2);
    const known = readSubgraphList(config, {})
      .map((s) => s.name)
      .join(', ');
    expect(run.stderr).toContain(`unknown subgraph "nope". Known subgraphs (from ${config}): ${known}`);
  });

  it('exits 2 on bad usage', async () => {
    const [none, missing, unknown] = await Promise.all([
      cli(),
      cli('territories', '--sdl', join(dir, 'missing.graphql')),
      cli('territories', '--frobnicate'),
    ]);
    expect(none.code).toBe(2);
    expect([missing.code, unknown.code]).toEqual([2, 2]);
    expect(missing.stderr).toContain('SDL file not found');
    expect(unknown.stderr).toContain('unknown option --frobnicate');
  });
});
