// The territories subgraph against the official ANCT lists, on SQLite or PostgreSQL (DATABASE_URL).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetReferences } from '../../runtime/loaders.ts';
import { startTestSubgraph, type Result, type TestSubgraph } from '../../../test/support/harness.ts';
import type { TerritoriesContext } from '../resolvers.ts';
import territories from '../subgraph.ts';

// The official lists, read independently of the subgraph's own loading code.
const official = (phase: string) =>
  parse(readFileSync(new URL(`../../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)), {
    columns: true,
  }) as Record<string, string>[];
const sirensOf = (rows: Record<string, string>[]) => {
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.id_ti!, [...(map.get(r.id_ti!) ?? []), r.siren_groupement!]);
  return map;
};

let subgraph: TestSubgraph<TerritoriesContext>;
beforeAll(async () => {
  subgraph = await startTestSubgraph(territories);
});
afterAll(() => subgraph?.stop());

const PAGE = `query($first: Int, $after: String, $phase: Phase, $region: String, $department: String, $search: String) {
  territories(first: $first, after: $after, phase: $phase, region: $region, department: $department, search: $search) {
    totalCount nodes { id code name phase region { code } groupements { siren } } pageInfo { hasNextPage endCursor }
  }
}`;

/** A territory of the PAGE selection. */
interface PageNode {
  id: string;
  code: string;
  name: string;
  phase: string;
  region: { code: string };
  groupements: { siren: string }[];
}
interface Page {
  territories: {
    totalCount: number;
    nodes: PageNode[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

async function allPages(variables: Record<string, unknown>) {
  const nodes: PageNode[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { data, errors }: Result<Page> = await subgraph.execute<Page>(PAGE, {
      ...variables,
      first: 50,
      after,
    });
    expect(errors).toBeUndefined();
    nodes.push(...data!.territories.nodes);
    totals.add(data!.territories.totalCount);
    pages++;
    if (!data!.territories.pageInfo.hasNextPage)
      return { nodes, pages, totals: [...totals], endCursor: data!.territories.pageInfo.endCursor };
    after = data!.territories.pageInfo.endCursor;
  }
}

describe('territories of both phases', () => {
  it('has the 149 territories of 2019-2022 and the 183 of 2023-2027', async () => {
    const { data } = await subgraph.execute<{ phases: { label: string; territoryCount: number }[] }>(
      '{ phases { label territoryCount } }',
    );
    expect(data!.phases).toEqual([
      { label: '2019-2022', territoryCount: new Set(official('2019-2022').map((r) => r.id_ti)).size },
      { label: '2023-2027', territoryCount: new Set(official('2023-2027').map((r) => r.id_ti)).size },
    ]);
    expect(data!.phases.map((p) => p.territoryCount)).toEqual([149, 183]);
  });

  it('pages through a whole phase with cursors, each territory once, with its official groupements', async () => {
    for (const phase of ['2019-2022', '2023-2027']) {
      const enumValue = `PHASE_${phase.replace('-', '_')}`;
      const { nodes, pages, totals, endCursor } = await allPages({ phase: enumValue });
      const expected = sirensOf(official(phase));
      // Every page, the first and those after a cursor, tells the same total; so does the empty page after the last.
      expect(totals).toEqual([expected.size]);
      const beyond = await subgraph.execute<Page>(PAGE, { phase: enumValue, first: 50, after: endCursor });
      expect(beyond.data!.territories).toEqual({
        totalCount: expected.size,
        nodes: [],
        pageInfo: { hasNextPage: false, endCursor: null },
      });
      expect(pages).toBe(Math.ceil(expected.size / 50));
      expect(new Set(nodes.map((n) => n.id)).size).toBe(expected.size);
      for (const node of nodes) {
        expect(node.id).toBe(`${phase}:${node.code}`);
        expect(node.phase).toBe(enumValue);
        expect(node.groupements.map((g) => g.siren).sort()).toEqual([...expected.get(node.code)!].sort());
      }
    }
  });

  it('counts territories per region as the official list does', async () => {
    const rows = official('2023-2027');
    const perRegion = new Map<string, Set<string>>();
    for (const r of rows) perRegion.set(r.insee_reg!, (perRegion.get(r.insee_reg!) ?? new Set()).add(r.id_ti!));
    for (const [region, ids] of perRegion) {
      const { data } = await subgraph.execute<Page>(PAGE, { phase: 'PHASE_2023_2027', region, first: 1 });
      expect([region, data!.territories.totalCount]).toEqual([region, ids.size]);
    }
    // Auvergne-Rhône-Alpes (84) has 24 territories in the second phase.
    expect(perRegion.get('84')!.size).toBe(24);
  });

  it('gives the groupements of named territories', async () => {
    const { data } = await subgraph.execute<{
      territory: { name: string; communeCount: number; groupements: unknown[]; departments: unknown[] } | null;
    }>(
      `{ territory(id: "2023-2027:ti-8402") { name population communeCount groupements { siren name nature } departments { code } } }`,
    );
    const territory = data!.territory!;
    expect(territory.name).toBe('Bassin de Bourg-en-Bresse');
    expect(territory.groupements).toEqual([
      { siren: '200070555', name: 'CC de la Veyle', nature: 'CC' },
      { siren: '200071751', name: 'CA du Bassin de Bourg-en-Bresse', nature: 'CA' },
    ]);
    expect(territory.departments).toEqual([{ code: '01' }]);
    expect(territory.communeCount).toBeGreaterThan(50);
  });

  it('keeps phase-scoped codes apart: ti-0101 is Cap Excellence, then Basse-Terre', async () => {
    const { data } = await subgraph.execute(
      `{ a: territory(id: "2019-2022:ti-0101") { name } b: territory(id: "2023-2027:ti-0101") { name } }`,
    );
    expect(data).toEqual({ a: { name: "Communauté d'agglomération Cap Excellence" }, b: { name: 'Basse-Terre' } });
  });

  it('finds the territories of a commune and of a groupement', async () => {
    // Bourg-en-Bresse (01053) is a member of the CA du Bassin de Bourg-en-Bresse.
    const { data } = await subgraph.execute<{
      territoriesByCommune: { id: string }[];
      territoriesByGroupement: { id: string; phase: string }[];
      commune: { name: string; department: unknown; territories: { id: string }[] } | null;
    }>(`{
      territoriesByCommune(insee: "01053", phase: PHASE_2023_2027) { id }
      territoriesByGroupement(siren: "200071751") { id phase }
      commune(insee: "01053") { name department { code name } territories { id } }
    }`);
    expect(data!.territoriesByCommune).toEqual([{ id: '2023-2027:ti-8402' }]);
    const expected = [
      ...official('2019-2022').map((r) => ['2019-2022', r] as const),
      ...official('2023-2027').map((r) => ['2023-2027', r] as const),
    ]
      .filter(([, r]) => r.siren_groupement === '200071751')
      .map(([phase, r]) => `${phase}:${r.id_ti}`);
    expect(data!.territoriesByGroupement.map((t) => t.id)).toEqual(expected);
    const commune = data!.commune!;
    expect(commune.name).toBe('Bourg-en-Bresse');
    expect(commune.department).toEqual({ code: '01', name: 'Ain' });
    expect(commune.territories.map((t) => t.id)).toEqual(expected);
  });

  it('filters by department and by accent-insensitive name search', async () => {
    const { data } = await subgraph.execute<Page>(PAGE, { search: 'drome', phase: 'PHASE_2023_2027' });
    expect(data!.territories.nodes.map((n) => n.name)).toContain('Ardèche Drôme Nord');
    for (const n of data!.territories.nodes)
      expect(
        n.name
          .normalize('NFD')
          .replace(/\p{Diacritic}/gu, '')
          .toLowerCase(),
      ).toContain('drome');
    const ain = await subgraph.execute<Page>(PAGE, { department: '01', phase: 'PHASE_2023_2027', first: 100 });
    const expected = new Set(
      official('2023-2027')
        .filter((r) => r.insee_dep!.split(';').includes('01'))
        .map((r) => r.id_ti),
    );
    expect(new Set(ain.data!.territories.nodes.map((n) => n.code))).toEqual(expected);
    const none = await subgraph.execute<Page>(PAGE, { search: '100%_' });
    expect(none.data!.territories.totalCount).toBe(0);
  });

  it('sums population over groupements and communes over their members', async () => {
    const { data } = await subgraph.execute<{
      territory: {
        population: number;
        communeCount: number;
        groupements: { population: number; communeCount: number }[];
        communes: { code: string }[];
      } | null;
    }>(
      `{ territory(id: "2023-2027:ti-8401") { population communeCount groupements { population communeCount } communes { code } } }`,
    );
    const t = data!.territory!;
    expect(t.population).toBe(t.groupements.reduce((s, g) => s + g.population, 0));
    expect(t.communeCount).toBe(t.groupements.reduce((s, g) => s + g.communeCount, 0));
    expect(t.communes).toHaveLength(t.communeCount);
  });
});

describe('entity resolution', () => {
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Territory { id name region { name } groupements { siren } } } }`;
  interface Entities {
    _entities: ({ id: string; name: string; region: { name: string }; groupements: unknown[] } | null)[];
  }

  it('resolves any number of territories with the same number of SQL statements, then from memory', async () => {
    const ids = official('2023-2027').map((r) => `2023-2027:${r.id_ti}`);
    const all = [...new Set(ids)];
    const representations = all.map((id) => ({ __typename: 'Territory', id }));
    forgetReferences(subgraph.prepared.database.db);
    const few = await subgraph.execute<Entities>(ENTITIES, { r: representations.slice(0, 10) });
    const many = await subgraph.execute<Entities>(ENTITIES, { r: representations });
    expect(many.errors).toBeUndefined();
    expect(many.data!._entities).toHaveLength(183);
    expect(many.data!._entities.every((t) => t && t.name && t.region.name && t.groupements.length > 0)).toBe(true);
    // One statement for the batch (the 10, then the 173 others): the territories, with their region and groupements
    // on their rows.
    expect(few.statements).toBe(1);
    expect(many.statements).toBe(few.statements);
    // Reference rows: the process holds them, the same answer costs no statement.
    const again = await subgraph.execute<Entities>(ENTITIES, { r: representations });
    expect(again.data).toEqual(many.data);
    expect(again.statements).toBe(0);
  });

  it('resolves an unknown reference to null', async () => {
    const { data } = await subgraph.execute<Entities>(ENTITIES, {
      r: [{ __typename: 'Territory', id: '2023-2027:ti-9999' }],
    });
    expect(data!._entities).toEqual([null]);
  });
});

describe('bad input gets a clear error', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown id', '{ territory(id: "2023-2027:ti-9999") { id } }', /territory "2023-2027:ti-9999" not found/],
    [
      'ambiguous bare code',
      '{ territory(id: "ti-0101") { id } }',
      /names a territory in each phase.*2019-2022:ti-0101/,
    ],
    ['malformed id', '{ territory(id: "hello") { id } }', /not a territory id/],
    ['malformed SIREN', '{ territoriesByGroupement(siren: "12345") { id } }', /siren: "12345" is not a SIREN/],
    ['SIREN checksum', '{ territoriesByGroupement(siren: "200071752") { id } }', /checksum/],
    ['malformed INSEE', '{ territoriesByCommune(insee: "1053") { id } }', /insee: "1053" is not an INSEE commune code/],
    ['unknown commune', '{ territoriesByCommune(insee: "99999") { id } }', /commune "99999" not found/],
    ['first too large', '{ territories(first: 1000) { totalCount } }', /first: must be between 1 and 200 \(got 1000\)/],
    ['first zero', '{ territories(first: 0) { totalCount } }', /first: must be between 1/],
    ['forged cursor', '{ territories(after: "bm9wZQ") { totalCount } }', /after: .* is not a cursor/],
    ['unknown region', '{ territories(region: "99") { totalCount } }', /region "99" not found/],
    ['malformed department', '{ territories(department: "ABC") { totalCount } }', /not an INSEE department code/],
  ];
  it.each(cases)('%s', async (_name, query, message) => {
    const { data, errors } = await subgraph.execute<{ territory?: unknown; territories?: unknown }>(query);
    expect(errors?.[0]?.message).toMatch(message);
    expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(errors?.[0]?.extensions?.code);
    expect(data?.territory ?? data?.territories ?? null).toBeNull();
  });
});
