// `npm run query`: the analysts' command line, run as a child process against the whole hub.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVariables, csvField, findRowPath, parseVarValue, toCsv, toTable } from '../queries/run.ts';
import { ROOT } from '../subgraphs/runtime/registry.ts';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const execFileAsync = promisify(execFile);

async function query(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', 'queries/run.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, GATEWAY_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const csvLines = (text: string) => text.split('\r\n').filter(Boolean);

/** A groupement as the CSV test reads it. */
interface Group {
  siren: string;
  name: string;
}

describe('CSV flattening (unit)', () => {
  it('escapes fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Saint-Étienne, Loire')).toBe('"Saint-Étienne, Loire"');
    expect(csvField('le "Bassin"')).toBe('"le ""Bassin"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(
      toCsv({
        columns: ['a', 'b'],
        rows: [
          ['1', 'x,y'],
          ['', '"'],
        ],
      }),
    ).toBe('a,b\r\n1,"x,y"\r\n,""""\r\n');
  });

  it('picks the deepest unambiguous list, repeats the parents and joins inner lists', () => {
    const data = {
      t: {
        total: 2,
        nodes: [
          {
            id: 'a',
            region: { name: 'R' },
            tags: ['x', 'y'],
            groups: [
              { siren: '1', name: 'G1' },
              { siren: '2', name: null },
            ],
          },
          { id: 'b', region: null, tags: [], groups: [] },
        ],
      },
    };
    expect(findRowPath(data)).toEqual(['t', 'nodes', 'groups']);
    const rows = toTable(data);
    expect(rows.columns).toEqual([
      't.total',
      't.nodes.id',
      't.nodes.region.name',
      't.nodes.tags',
      't.nodes.groups.siren',
      't.nodes.groups.name',
    ]);
    // An empty list keeps its parent as one row with empty cells.
    expect(rows.rows).toEqual([
      ['2', 'a', 'R', 'x; y', '1', 'G1'],
      ['2', 'a', 'R', 'x; y', '2', ''],
      ['2', 'b', '', '', '', ''],
    ]);
    // Two lists side by side: rows stop at their parent, the lists of objects joined field by field, aligned.
    const both = toTable({
      nodes: [
        {
          id: 'a',
          d: [
            { c: '01', n: 'Ain' },
            { c: '69', n: null },
          ],
          g: [{ s: '1' }],
        },
      ],
    });
    expect(both.rowPath).toEqual(['nodes']);
    expect(both.rows).toEqual([['a', '01; 69', 'Ain; ', '1']]);
    expect(toTable({ nodes: [{ id: 'a', g: [{ s: '1' }] }] }, ['nodes']).rows).toEqual([['a', '1']]);
    expect(toTable({ commune: { code: '01053' } })).toEqual({
      rowPath: [],
      columns: ['commune.code'],
      rows: [['01053']],
    });
  });

  it('parses --var values as JSON when they parse, else as strings, over the file and --variables', () => {
    expect([
      parseVarValue('10'),
      parseVarValue('true'),
      parseVarValue('"84"'),
      parseVarValue('84a'),
      parseVarValue('["01"]'),
    ]).toEqual([10, true, '84', '84a', ['01']]);
    expect(
      buildVariables(
        { a: 1, b: 2, c: 3 },
        {
          variables: '{"b": 20, "c": 30}',
          vars: [
            ['c', '300'],
            ['d', 'x'],
          ],
        },
      ),
    ).toEqual({ a: 1, b: 20, c: 300, d: 'x' });
  });
});

describe('`npm run query` against the hub', () => {
  let hub: TestHub;
  let dir: string;
  beforeAll(async () => {
    hub = await startTestHub();
    dir = mkdtempSync(join(tmpdir(), 'query-cli-'));
  });
  afterAll(() => hub?.stop());

  it('prints the JSON response of queries/territories.graphql with the variables of its file', async () => {
    const run = await query('queries/territories.graphql', '--url', hub.gatewayUrl);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const body = JSON.parse(run.stdout);
    // The file says {"phase": "PHASE_2023_2027", "region": "84", "first": 10}.
    const expected = await post(hub.gatewayUrl, readFileSync(join(ROOT, 'queries/territories.graphql'), 'utf8'), {
      phase: 'PHASE_2023_2027',
      region: '84',
      first: 10,
    });
    expect(body).toEqual({ data: expected.data });
    expect(body.data.territories.nodes).toHaveLength(10);
    expect(body.data.territories.nodes.map((n: { name: string }) => n.name)).toContain('Bassin de Bourg-en-Bresse');
  });

  it('writes CSV rows of a nested list, parents repeated, and --out writes to a file', async () => {
    const file = join(dir, 'groupements.graphql');
    writeFileSync(
      file,
      `# variables: {"region": "84", "first": 3}
query Groupements($region: String, $first: Int) {
  territories(phase: PHASE_2023_2027, region: $region, first: $first) {
    totalCount
    nodes { id name region { name } groupements { siren name } }
  }
}
`,
    );
    const out = join(dir, 'groupements.csv');
    const [run, toFile, perTerritory] = await Promise.all([
      query(file, '--format', 'csv', '--url', hub.gatewayUrl),
      query(file, '--format', 'csv', '--url', hub.gatewayUrl, '--out', out),
      query(file, '--format', 'csv', '--url', hub.gatewayUrl, '--list', 'territories.nodes'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/one per territories\.nodes\.groupements/);
    const lines = csvLines(run.stdout);
    expect(lines[0]).toBe(
      'territories.totalCount,territories.nodes.id,territories.nodes.name,territories.nodes.region.name,territories.nodes.groupements.siren,territories.nodes.groupements.name',
    );
    const { data } = await post<{
      territories: {
        totalCount: number;
        nodes: { id: string; name: string; region: { name: string }; groupements: Group[] }[];
      };
    }>(hub.gatewayUrl, readFileSync(file, 'utf8'), { region: '84', first: 3 });
    const { territories } = data!;
    const expected = territories.nodes.flatMap((n) =>
      n.groupements.map((g) =>
        [territories.totalCount, n.id, n.name, n.region.name, g.siren, g.name]
          .map((v) => csvField(String(v)))
          .join(','),
      ),
    );
    expect(lines.slice(1)).toEqual(expected);
    expect(lines).toContain(
      '24,2023-2027:ti-8402,Bassin de Bourg-en-Bresse,Auvergne-Rhône-Alpes,200071751,CA du Bassin de Bourg-en-Bresse',
    );
    expect([toFile.code, toFile.stdout]).toEqual([0, '']);
    expect(readFileSync(out, 'utf8')).toBe(run.stdout);
    // --list territories.nodes: one row per territory, its groupements joined in the cells.
    expect(csvLines(perTerritory.stdout)).toHaveLength(1 + territories.nodes.length);
    expect(csvLines(perTerritory.stdout)).toContain(
      '24,2023-2027:ti-8402,Bassin de Bourg-en-Bresse,Auvergne-Rhône-Alpes,200070555; 200071751,CC de la Veyle; CA du Bassin de Bourg-en-Bresse',
    );
  });

  it('lets --var override the variables of the file', async () => {
    const [json, csv] = await Promise.all([
      query('queries/territories.graphql', '--url', hub.gatewayUrl, '--var', 'first=2', '--var', 'search=bourg'),
      query(
        'queries/territories.graphql',
        '--url',
        hub.gatewayUrl,
        '--format',
        'csv',
        '--var',
        'first=1',
        '--var',
        'region="84"',
        '--var',
        'search=bourg',
      ),
    ]);
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body.data.territories.nodes.map((n: { id: string }) => n.id)).toEqual(['2023-2027:ti-8402']);
    expect(csv.code).toBe(0);
    const lines = csvLines(csv.stdout);
    expect(lines).toHaveLength(2);
    // Two lists side by side in a node (departments, groupements): one row per territory, lists joined.
    expect(lines[0]!.split(',')).toEqual(
      expect.arrayContaining([
        'territories.nodes.name',
        'territories.nodes.departments.code',
        'territories.nodes.groupements.siren',
      ]),
    );
    expect(lines[1]).toContain(',Bassin de Bourg-en-Bresse,');
    expect(lines[1]).toContain(',200070555; 200071751,CC de la Veyle; CA du Bassin de Bourg-en-Bresse,CC; CA,');
  });

  it('prints GraphQL errors with their path on stderr and exits 1, still writing partial data', async () => {
    const file = join(dir, 'unknown.graphql');
    writeFileSync(file, `query { territories(first: 1) { totalCount } territory(id: "2023-2027:ti-9999") { name } }`);
    const [json, invalid] = await Promise.all([
      query(file, '--url', hub.gatewayUrl),
      query('queries/territories.graphql', '--url', hub.gatewayUrl, '--var', 'phase=NOPE'),
    ]);
    expect(json.code).toBe(1);
    expect(json.stderr).toContain('at territory: territory "2023-2027:ti-9999" not found [NOT_FOUND]');
    expect(JSON.parse(json.stdout).data).toEqual({ territories: { totalCount: 332 }, territory: null });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(
      /Variable "\$phase" got invalid value "NOPE"; Value "NOPE" does not exist in "Phase" enum. \[BAD_USER_INPUT\]/,
    );
  });

  it('exits 2 with a clear message when the gateway cannot be reached, the file is unknown or the usage is wrong', async () => {
    const [down, missing, badFormat, badList] = await Promise.all([
      query('queries/territories.graphql', '--url', 'http://127.0.0.1:9/graphql'),
      query('queries/nope.graphql', '--url', hub.gatewayUrl),
      query('queries/territories.graphql', '--format', 'xlsx'),
      query('queries/territories.graphql', '--url', hub.gatewayUrl, '--format', 'csv', '--list', 'territories.edges'),
    ]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('cannot reach the gateway at http://127.0.0.1:9/graphql');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('operation file not found: queries/nope.graphql');
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format must be json or csv');
    expect(badList.code).toBe(2);
    expect(badList.stderr).toContain('--list territories.edges: the response data has no "territories.edges"');
  });
});
