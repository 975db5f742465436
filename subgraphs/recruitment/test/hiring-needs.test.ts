// Real hiring needs (France Travail BMO 2024) of a territory, through its employment basins, checked against the
// published file read independently; withheld cells stay withheld; batched in a constant number of statements.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import { loadPerimeters } from '../../runtime/perimeters.ts';
import type { RecruitmentContext } from '../resolvers.ts';
import recruitment from '../subgraph.ts';

interface Figure {
  value: number | null;
  withheld: boolean;
  withheldCells: number;
}
interface Figures {
  projects: Figure;
}
interface Occupation extends Figures {
  code: string;
  industrial: boolean;
  family: { label: string };
}
/** The hiring needs of a territory, as QUERY (or a narrower query) selects them. */
interface HiringNeeds {
  year: number;
  nature: string;
  total: { projects: Figure };
  industrial: { projects: Figure };
  families: (Figures & { code: string })[];
  occupations: Occupation[];
  ouvriers: Occupation[];
  coverage: {
    basinCount: number;
    communeCount: number;
    communesInBasins: number;
    populationShare: number;
    territoryShareOfBasins: number;
  };
  datasets: { nature: string }[];
}
type Answer = { _entities: { recruitment: { hiringNeeds: HiringNeeds } }[] };

const csv = (file: string) =>
  parse(readFileSync(new URL(`../data/${file}`, import.meta.url)), { columns: true }) as Record<string, string>[];
const bmo = csv('bmo_2024_open_data.csv');
const basinOf = new Map(csv('bassin_emploi_bmo.csv').map((r) => [r.code_commune_insee!, r.code_bassin_BMO!]));
const perimeters = new Map(loadPerimeters().map((t) => [t.id, t]));
const INDUSTRIAL = /^[C-H]/;

/** What the file says for a territory: the rows of the basins of its communes. */
function published(territoryId: string, keep: (r: Record<string, string>) => boolean = () => true) {
  const basins = new Set(
    perimeters
      .get(territoryId)!
      .communeCodes.map((c) => basinOf.get(c))
      .filter(Boolean),
  );
  const rows = bmo.filter((r) => basins.has(r.BE24!) && keep(r));
  const withheld = rows.filter((r) => r.met === '*').length;
  const values = rows.filter((r) => r.met !== '*');
  return {
    basins,
    rows,
    projects: {
      value: values.length ? values.reduce((n, r) => n + Number(r.met), 0) : null,
      withheld: withheld > 0,
      withheldCells: withheld,
    },
  };
}

let sub: TestSubgraph<RecruitmentContext>;
beforeAll(async () => {
  sub = await startTestSubgraph(recruitment);
});
afterAll(() => sub?.stop());

const QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Territory { id recruitment { hiringNeeds {
  year nature
  total { projects { value withheld withheldCells } difficult { value withheld } seasonal { value withheld } }
  industrial { projects { value withheld withheldCells } }
  families { code label projects { value withheld withheldCells } industrialProjects { value } }
  occupations(first: 300) { code name industrial family { code } projects { value withheld withheldCells } }
  basins { code surveyed projects { value } }
  coverage { basinCount communeCount communesInBasins populationShare territoryShareOfBasins }
  datasets { id nature licence }
} } } } }`;
const run = (ids: string[]) => sub.execute<Answer>(QUERY, { r: ids.map((id) => ({ __typename: 'Territory', id })) });

describe('hiring needs (BMO 2024)', () => {
  it("sums the published figures of the territory's basins, REAL for one basin and DERIVED for several", async () => {
    const ids = ['2023-2027:ti-8402', '2023-2027:ti-8412', '2019-2022:ti-8403', '2023-2027:ti-3201'];
    const { data, errors } = await run(ids);
    expect(errors).toBeUndefined();
    for (const [i, id] of ids.entries()) {
      const h = data!._entities[i]!.recruitment.hiringNeeds;
      const expected = published(id);
      expect(h.year).toBe(2024);
      expect([id, h.total.projects]).toEqual([id, expected.projects]);
      expect([id, h.industrial.projects]).toEqual([
        id,
        published(id, (r) => INDUSTRIAL.test(r['Code métier BMO']!)).projects,
      ]);
      expect(h.coverage.basinCount).toBe(expected.basins.size);
      expect(h.nature).toBe(expected.basins.size > 1 ? 'DERIVED' : 'REAL');
      expect(h.datasets.map((d) => d.nature)).toEqual(expected.basins.size > 1 ? ['REAL', 'DERIVED'] : ['REAL']);
      // Families add up to the total; each family's figure is the file's.
      for (const f of h.families)
        expect([f.code, f.projects]).toEqual([f.code, published(id, (r) => r.Famille_met === f.code).projects]);
      expect(h.families.reduce((n, f) => n + (f.projects.value ?? 0), 0)).toBe(h.total.projects.value);
    }
    expect(data!._entities.map((e) => e.recruitment.hiringNeeds.nature)).toContain('DERIVED');
  });

  it('keeps withheld cells withheld: null with a flag, never 0', async () => {
    // A territory in one basin where the file withholds some occupations' projects.
    const id = [...perimeters.keys()].find((t) => {
      const p = published(t);
      return p.basins.size === 1 && p.rows.some((r) => r.met === '*');
    })!;
    const { data } = await run([id]);
    const h = data!._entities[0]!.recruitment.hiringNeeds;
    const starred = published(id)
      .rows.filter((r) => r.met === '*')
      .map((r) => r['Code métier BMO']);
    expect(starred.length).toBeGreaterThan(0);
    const byCode = new Map<string, Occupation>(h.occupations.map((o) => [o.code, o]));
    for (const code of starred)
      expect(byCode.get(code!)?.projects).toEqual({ value: null, withheld: true, withheldCells: 1 });
    expect(h.total.projects.withheld).toBe(true);
    expect(h.total.projects.withheldCells).toBe(starred.length);
    // Most projects first, withheld last.
    const values = h.occupations.map((o) => o.projects.value ?? -1);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('makes the industrial occupations easy to pick out', async () => {
    const { data } = await sub.execute<Answer>(
      `{ _entities(representations: [{ __typename: "Territory", id: "2023-2027:ti-8402" }]) { ... on Territory { recruitment { hiringNeeds {
        industrial { projects { value } }
        occupations(industrial: true, first: 300) { code industrial projects { value } }
        ouvriers: occupations(family: "I", first: 300) { code family { code label } }
      } } } } }`,
    );
    const h = data!._entities[0]!.recruitment.hiringNeeds;
    expect(h.occupations.length).toBeGreaterThan(10);
    expect(h.occupations.every((o) => o.industrial && INDUSTRIAL.test(o.code))).toBe(true);
    expect(h.occupations.reduce((n, o) => n + (o.projects.value ?? 0), 0)).toBe(h.industrial.projects.value);
    expect(new Set(h.ouvriers.map((o) => o.family.label))).toEqual(new Set(["Ouvriers des secteurs de l'industrie"]));
  });

  it('says how much of the territory the basins cover, and how much of the basins is the territory', async () => {
    const ids = loadPerimeters().map((t) => t.id);
    const { data, errors, statements } = await run(ids);
    expect(errors).toBeUndefined();
    for (const e of data!._entities) {
      const c = e.recruitment.hiringNeeds.coverage;
      expect(c.communesInBasins).toBeLessThanOrEqual(c.communeCount);
      expect(c.populationShare).toBeGreaterThan(0);
      expect(c.populationShare).toBeLessThanOrEqual(1);
      expect(c.territoryShareOfBasins).toBeGreaterThan(0);
      expect(c.territoryShareOfBasins).toBeLessThanOrEqual(1);
    }
    // Every territory of both phases in a constant number of statements (groups, occupations, coverage, the territories
    // with their basins).
    expect(statements).toBeLessThanOrEqual(6);
  });

  it('refuses bad arguments, naming them', async () => {
    for (const args of ['first: 0', 'first: 301', 'family: "industry"']) {
      const { errors } = await sub.execute(
        `{ _entities(representations: [{ __typename: "Territory", id: "2023-2027:ti-8402" }]) { ... on Territory { recruitment { hiringNeeds { occupations(${args}) { code } } } } } }`,
      );
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0]?.message).toMatch(args.split(':')[0]!);
    }
  });
});
