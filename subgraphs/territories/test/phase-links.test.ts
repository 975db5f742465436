// Both phases joined (Territory.otherPhase), through the gateway, on ANCT's real perimeters. The expected links are
// computed here from the reference CSVs and the COG 2026 package, independently of the subgraph's own code.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';

const require = createRequire(import.meta.url);
const PHASES = ['2019-2022', '2023-2027'] as const;

/** territory id → SIRENs of its groupements, from the official CSVs. */
const perimeters = new Map<string, string[]>();
for (const phase of PHASES) {
  const rows = parse(readFileSync(new URL(`../../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)), {
    columns: true,
  }) as Record<string, string>[];
  for (const r of rows) {
    const id = `${phase}:${r.id_ti}`;
    perimeters.set(id, [...(perimeters.get(id) ?? []), r.siren_groupement!]);
  }
}

// COG 2026 as packaged: member communes of EPCI/EPT, single-commune groupements by the commune's SIREN, populations.
const cog = (file: string) => require(`@etalab/decoupage-administratif/data/${file}.json`) as Record<string, unknown>[];
const communes = cog('communes').filter((c) => c.type === 'commune-actuelle') as {
  code: string;
  siren?: string;
  population?: number;
}[];
const populationOf = new Map(communes.map((c) => [c.code, c.population ?? 0]));
const membersOf = new Map<string, string[]>(communes.filter((c) => c.siren).map((c) => [c.siren!, [c.code]]));
for (const g of [...cog('epci'), ...cog('ept')] as { code: string; membres: { code: string }[] }[])
  membersOf.set(
    g.code,
    g.membres.map((m) => m.code),
  );
const population = (sirens: string[]) =>
  [...new Set(sirens.flatMap((s) => membersOf.get(s) ?? []))].reduce((sum, c) => sum + populationOf.get(c)!, 0);

interface Expected {
  other: string;
  sirens: string[];
  shared: number;
  share: number;
  otherShare: number;
}
function expectedLinks(id: string): Expected[] {
  const own = perimeters.get(id)!;
  const links: Expected[] = [];
  for (const [other, theirs] of perimeters) {
    if (other.slice(0, 9) === id.slice(0, 9)) continue;
    const sirens = own.filter((s) => theirs.includes(s)).sort();
    if (!sirens.length) continue;
    const shared = population(sirens);
    links.push({ other, sirens, shared, share: shared / population(own), otherShare: shared / population(theirs) });
  }
  return links.sort((a, b) => b.shared - a.shared || a.other.localeCompare(b.other));
}

interface Link {
  territory: { id: string; name: string };
  sharedSirens: string[];
  sharedPopulation: number;
  populationShare: number;
  otherPopulationShare: number;
  nature: string;
  datasets: { id: string; nature: string }[];
}
interface Node {
  id: string;
  otherPhase: Link[];
}
const LINKS = `otherPhase { territory { id name } sharedSirens sharedPopulation populationShare otherPopulationShare
  nature datasets { id nature } }`;
const PAGE = `query($phase: Phase, $first: Int) { territories(phase: $phase, first: $first) { nodes { id ${LINKS} } } }`;

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories'] });
}, 120_000);
afterAll(() => hub?.stop());

const page = async (phase: string, first: number) => {
  const { data, errors } = await post<{ territories: { nodes: Node[] } }>(hub.gatewayUrl, PAGE, { phase, first });
  expect(errors).toBeUndefined();
  return data!.territories.nodes;
};

describe('Territory.otherPhase (both phases joined)', () => {
  it('continues Bourg-en-Bresse 2019-2022:ti-8403 as 2023-2027:ti-8402, with the shared SIRENs and shares', async () => {
    const { data, errors } = await post<{ a: Node; b: Node }>(
      hub.gatewayUrl,
      `{ a: territory(id: "2019-2022:ti-8403") { id ${LINKS} } b: territory(id: "2023-2027:ti-8402") { id ${LINKS} } }`,
    );
    expect(errors).toBeUndefined();
    const [expected] = expectedLinks('2019-2022:ti-8403');
    expect(expected!.sirens).toEqual(['200070555', '200071751']);
    expect(data!.a.otherPhase).toHaveLength(1);
    const link = data!.a.otherPhase[0]!;
    expect(link.territory).toEqual({ id: '2023-2027:ti-8402', name: 'Bassin de Bourg-en-Bresse' });
    expect(link.sharedSirens).toEqual(expected!.sirens);
    expect(link.sharedPopulation).toBe(expected!.shared);
    expect(link.populationShare).toBeCloseTo(expected!.share, 9);
    expect(link.otherPopulationShare).toBeCloseTo(expected!.otherShare, 9);
    // Derived from the real perimeters and populations, and says so.
    expect(link.nature).toBe('DERIVED');
    expect(link.datasets.map((d) => [d.id, d.nature])).toEqual([
      ['anct-perimetres-ti', 'REAL'],
      ['cog-2026', 'REAL'],
    ]);
    // And back.
    expect(data!.b.otherPhase.map((l) => [l.territory.id, l.sharedSirens])).toEqual([
      ['2019-2022:ti-8403', expected!.sirens],
    ]);
  });

  it('links every territory of both phases as the CSVs say: symmetric, and empty with no shared groupement', async () => {
    const nodes = [...(await page('PHASE_2019_2022', 200)), ...(await page('PHASE_2023_2027', 200))];
    expect(nodes).toHaveLength(perimeters.size);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    let partial = 0;
    let empty = 0;
    for (const node of nodes) {
      const expected = expectedLinks(node.id);
      expect([node.id, node.otherPhase.map((l) => [l.territory.id, l.sharedSirens, l.sharedPopulation])]).toEqual([
        node.id,
        expected.map((e) => [e.other, e.sirens, e.shared]),
      ]);
      node.otherPhase.forEach((l, i) => {
        expect(l.populationShare).toBeCloseTo(expected[i]!.share, 9);
        expect(l.otherPopulationShare).toBeCloseTo(expected[i]!.otherShare, 9);
        if (l.populationShare < 1) partial++;
        // Symmetric: the other territory links back, with the same SIRENs and the shares swapped.
        const back = byId.get(l.territory.id)!.otherPhase.find((b) => b.territory.id === node.id);
        expect(back?.sharedSirens).toEqual(l.sharedSirens);
        expect(back?.populationShare).toBeCloseTo(l.otherPopulationShare, 12);
      });
      if (!expected.length) {
        expect(node.otherPhase).toEqual([]);
        empty++;
      }
    }
    // The real lists have territories with no counterpart and links that cover part of a territory only.
    expect(empty).toBeGreaterThan(0);
    expect(partial).toBeGreaterThan(0);
  });

  it('costs the same statements for a page of 183 territories as for 10', async () => {
    const run = async (first: number, cold = true) => {
      await hub.settled();
      if (cold) hub.forgetReferences();
      hub.resetCounters();
      const nodes = await page('PHASE_2023_2027', first);
      await hub.settled();
      return { count: nodes.length, counters: hub.counters().territories! };
    };
    const few = await run(10);
    const all = await run(200);
    expect([few.count, all.count]).toEqual([10, 183]);
    expect(all.counters).toEqual(few.counters);
    // The page (rows and count), the links of the page, the linked territories: one statement each.
    expect(all.counters).toEqual({ requests: 1, statements: 3 });
    // The linked territories are reference rows the process holds once read.
    expect((await run(200, false)).counters).toEqual({ requests: 1, statements: 2 });
  });
});
