// The whole panier de services through the gateway: every territory in one request, real figures
// across subgraphs, and request/statement counts that do not grow with the number of territories.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readOperation, QUERIES_DIR } from '../gateway/operations.ts';
import { loadPerimeters } from '../subgraphs/runtime/perimeters.ts';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub?.stop());
// No test leaves requests running into the next one (whose counters they would inflate).
afterEach(() => hub?.settled());

const SLICES = ['financing', 'recruitment', 'attractiveness', 'engineering'] as const;
/** An operator's slice of queries/territory-panier.graphql's answer, as these tests read it. */
interface Slice {
  summary: { operator: string } | null;
  services: { dataset: { nature: string } }[];
  datasets: { nature: string; publisher: string | null; licence: string | null; date: string | null }[];
}
/** What these tests read of queries/territory-panier.graphql's answer. */
interface Panier {
  territory: {
    id: string;
    groupements: unknown[];
    dataset: { nature: string };
    financing:
      | (Slice & {
          departments: { pge: { dataset: { nature: string } } }[];
          financings: { nodes: { company: { name: string } }[] };
        })
      | null;
    recruitment: Slice | null;
    attractiveness: Slice | null;
    engineering: Slice | null;
  } | null;
}
const OPERATORS = {
  financing: 'BPIFRANCE',
  recruitment: 'FRANCE_TRAVAIL',
  attractiveness: 'BUSINESS_FRANCE',
  engineering: 'BANQUE_DES_TERRITOIRES',
};

describe('panier de services', () => {
  // 332 full paniers: minutes on a busy machine. The budget is the work's, not a speed target.
  it(
    'returns the whole panier of every territory of both phases in one request each',
    { timeout: 900_000 },
    async ({ signal }) => {
      const panier = readOperation(`${QUERIES_DIR}/territory-panier.graphql`);
      const ids = loadPerimeters().map((t) => t.id);
      expect(ids).toHaveLength(332);
      const failures: string[] = [];
      for (let i = 0; i < ids.length && !signal.aborted; i += 8) {
        await Promise.all(
          ids.slice(i, i + 8).map(async (id) => {
            const { status, data, errors } = await post<Panier>(hub.gatewayUrl, panier.query, { id });
            const t = data?.territory;
            const ok =
              status === 200 &&
              !errors &&
              t?.id === id &&
              t.groupements.length > 0 &&
              SLICES.every(
                (s) =>
                  t[s]?.summary?.operator === OPERATORS[s] &&
                  Array.isArray(t[s]!.services) &&
                  t[s]!.datasets.length > 0,
              );
            if (!ok) failures.push(`${id}: ${status} ${JSON.stringify(errors ?? '').slice(0, 200)}`);
          }),
        );
      }
      expect(failures).toEqual([]);
    },
  );

  it('labels every dataset: sample records are SAMPLE, published figures REAL or DERIVED', async () => {
    const panier = readOperation(`${QUERIES_DIR}/territory-panier.graphql`);
    const { data, errors } = await post<Panier>(hub.gatewayUrl, panier.query, { id: '2023-2027:ti-8402' });
    expect(errors).toBeUndefined();
    const t = data!.territory!;
    for (const slice of SLICES) {
      for (const d of t[slice]!.datasets) {
        expect(['REAL', 'DERIVED', 'SAMPLE']).toContain(d.nature);
        expect(d.publisher && d.licence && d.date).toBeTruthy();
      }
      for (const s of t[slice]!.services) expect(s.dataset.nature).toBe('SAMPLE');
    }
    expect(t.dataset.nature).toBe('REAL');
    for (const d of t.financing!.departments) expect(d.pge.dataset.nature).toBe('REAL');
    const sampleCompanies = t.financing!.financings.nodes.map((f) => f.company.name);
    for (const name of sampleCompanies) expect(name).toMatch(/\(échantillon\)$/);
  });

  it("adds up a territory's real job seekers from its communes, across two subgraphs", async () => {
    // The territories subgraph gives the communes, the recruitment subgraph the series:
    // recompute the December 2024 figure from the France Travail file itself.
    const { data, errors } = await post<{
      territory: {
        communes: { code: string }[];
        recruitment: { jobSeekers: unknown[]; jobSeekerCoverage: { communesWithData: number } };
      };
    }>(
      hub.gatewayUrl,
      `query($id: ID!) { territory(id: $id) {
      communes { code }
      recruitment { jobSeekers(from: "2024-12", to: "2024-12") { month value } jobSeekerCoverage { communesWithData } }
    } }`,
      { id: '2023-2027:ti-8402' },
    );
    expect(errors).toBeUndefined();
    const communes = new Set(data!.territory.communes.map((c) => c.code));
    const rows = (
      parse(readFileSync(new URL('../subgraphs/recruitment/data/emploi_demandeur.csv', import.meta.url)), {
        columns: true,
      }) as Record<string, string>[]
    ).filter((r) => r.YEAR === 'decembre_2024' && communes.has(r.codgeo!));
    // Precondition: no commune of this territory is repeated in the file (repeats have their own rule).
    expect(new Set(rows.map((r) => r.codgeo)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(0);
    expect(data!.territory.recruitment.jobSeekerCoverage.communesWithData).toBe(rows.length);
    expect(data!.territory.recruitment.jobSeekers).toEqual([
      { month: '2024-12', value: rows.reduce((s, r) => s + Number(r.Demandeurs_Emploi), 0) },
    ]);
  });

  it('costs five subgraph fetches (territories once) and at most 8 SQL statements, 11 on reference rows not yet read', async () => {
    const panier = readOperation(`${QUERIES_DIR}/territory-panier.graphql`);
    const read = async (id: string) => {
      await hub.settled();
      hub.resetCounters();
      const { data, errors } = await post<Panier & { territory: { financing: { departments: unknown[] } } }>(
        hub.gatewayUrl,
        panier.query,
        { id },
      );
      await hub.settled();
      expect([id, errors, data!.territory!.financing.departments.length > 0]).toEqual([id, undefined, true]);
      return { data, counters: hub.counters() };
    };
    const cold = [];
    const warm = [];
    for (const id of ['2023-2027:ti-8402', '2019-2022:ti-8403']) {
      hub.forgetReferences();
      const first = await read(id);
      const again = await read(id);
      expect(again.data).toEqual(first.data);
      cold.push(first.counters);
      warm.push(again.counters);
    }
    expect([cold[1], warm[1]]).toEqual([cold[0], warm[0]]);
    // What a panier costs once the subgraphs hold its reference rows (published data written only at load, read
    // once per process: runtime/loaders.ts referenceLoader).
    expect(warm[0]).toEqual({
      // The territory with its region, departments and groupements on its row: reference. No second fetch for the
      // names of financing's departments: financing answers the shareable Department.name (schema/CONVENTIONS.md).
      territories: { requests: 1, statements: 0 },
      // Summary, services (the kit's summary tables); the page of financings (rows and counts). The departments with
      // their context: reference.
      financing: { requests: 1, statements: 2 },
      // Summary and services (summary tables); the page of actions. The territory with its series, coverage and
      // basins: reference.
      recruitment: { requests: 1, statements: 2 },
      // Summary, services and investment totals (summary tables); the page of investments.
      attractiveness: { requests: 1, statements: 2 },
      // Summary and services (summary tables); the pages of supports and of VTE aids (one table).
      engineering: { requests: 1, statements: 2 },
      programme: { requests: 0, statements: 0 },
    });
    // Reference rows not read yet: one statement each.
    expect(cold[0]).toEqual({
      ...warm[0],
      territories: { requests: 1, statements: 1 },
      financing: { requests: 1, statements: 3 },
      recruitment: { requests: 1, statements: 3 },
    });
  });

  it('makes as many subgraph requests and SQL statements for 183 territories as for 10', async () => {
    const overview = readOperation(`${QUERIES_DIR}/phase-overview.graphql`);
    const small = overview.query.replace('first: 200', 'first: 10');
    const run = async (query: string) => {
      await hub.settled();
      hub.resetCounters();
      const { data, errors } = await post<{ territories: { nodes: unknown[] } }>(hub.gatewayUrl, query, {
        phase: 'PHASE_2023_2027',
      });
      expect(errors).toBeUndefined();
      await hub.settled();
      return { count: data!.territories.nodes.length, counters: hub.counters() };
    };
    const few = await run(small);
    const all = await run(overview.query);
    expect([few.count, all.count]).toEqual([10, 183]);
    expect(all.counters).toEqual(few.counters);
    // One request per subgraph the query reads (the territories and the four operators), a handful of statements each.
    const touched = Object.entries(all.counters).filter(([, c]) => c.requests > 0);
    expect(touched.map(([name]) => name).sort()).toEqual(
      ['attractiveness', 'engineering', 'financing', 'recruitment', 'territories'].sort(),
    );
    for (const [name, c] of touched) {
      expect([name, c.requests]).toEqual([name, 1]);
      expect(c.statements).toBeLessThanOrEqual(5);
    }
  });
});
