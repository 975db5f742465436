// No euro counted twice in a territory's panier: every service is mobilised by one operator slice only, each slice's
// summary.amountEur is the sum of its own services, and the VTE hiring aid is held by one operator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const SLICES = ['financing', 'recruitment', 'attractiveness', 'engineering'] as const;

/** What the test reads of a slice: its euros and those of its services. */
interface Slice {
  summary: { amountEur: number | null };
  services: { service: { id: string }; amountEur: number | null }[];
}
type PanierNode = { id: string } & Record<(typeof SLICES)[number], Slice>;
interface PanierPage {
  territories: {
    totalCount: number;
    nodes: PanierNode[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub?.stop());

const slice = (name: string) => `${name} { summary { amountEur } services { service { id } amountEur } }`;
const PANIERS = `query($phase: Phase!, $after: String) { territories(phase: $phase, first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id
  ${SLICES.map(slice).join('\n  ')}
} } }`;

describe('the euros of a panier', () => {
  it('add up over the four slices with no service, hence no euro, in two of them', async () => {
    for (const phase of ['PHASE_2019_2022', 'PHASE_2023_2027']) {
      const nodes: PanierNode[] = [];
      let after: string | null = null;
      let totalCount = 0;
      do {
        const { data, errors }: { data?: PanierPage; errors?: unknown } = await post<PanierPage>(
          hub.gatewayUrl,
          PANIERS,
          {
            phase,
            after,
          },
        );
        expect(errors).toBeUndefined();
        nodes.push(...data!.territories.nodes);
        totalCount = data!.territories.totalCount;
        after = data!.territories.pageInfo.hasNextPage ? data!.territories.pageInfo.endCursor : null;
      } while (after);
      expect(nodes).toHaveLength(totalCount);
      const problems: string[] = [];
      for (const t of nodes) {
        const owner = new Map<string, string>();
        let total = 0;
        let byService = 0;
        for (const name of SLICES) {
          const s = t[name];
          for (const m of s.services) {
            if (owner.has(m.service.id))
              problems.push(`${t.id}: ${m.service.id} in ${owner.get(m.service.id)} and ${name}`);
            owner.set(m.service.id, name);
            byService += m.amountEur ?? 0;
          }
          const own = s.services.reduce((n, m) => n + (m.amountEur ?? 0), 0);
          if (Math.abs((s.summary.amountEur ?? 0) - own) > 0.01)
            problems.push(`${t.id}: ${name} summary ${s.summary.amountEur} ≠ its services ${own}`);
          total += s.summary.amountEur ?? 0;
        }
        if (Math.abs(total - byService) > 0.01) problems.push(`${t.id}: panier ${total} ≠ services ${byService}`);
      }
      expect(problems).toEqual([]);
    }
  });

  it('holds the VTE hiring aid in one operator slice, with the 4,000 € / 8,000 € rule', async () => {
    type Entry = { id: string; name: string };
    const { data, errors } = await post<{
      services: (Entry & { aidTypes: string[]; operator: string | null })[];
      financingCatalogue: Entry[];
      recruitmentCatalogue: Entry[];
      attractivenessCatalogue: Entry[];
      engineeringCatalogue: Entry[];
      territory: { engineering: { vteAids: { nodes: { amountEur: number; green: boolean }[] } } } | null;
    }>(
      hub.gatewayUrl,
      `{
        services(axis: RECRUIT) { id operator name aidTypes }
        financingCatalogue { id name } recruitmentCatalogue { id name } attractivenessCatalogue { id name } engineeringCatalogue { id name }
        territory(id: "2023-2027:ti-8402") { engineering { vteAids(first: 200) { nodes { amountEur green } } } }
      }`,
    );
    expect(errors).toBeUndefined();
    const aid = /aide au recrutement d'un VTE/i;
    const operatorEntries = [
      ...data!.financingCatalogue,
      ...data!.recruitmentCatalogue,
      ...data!.attractivenessCatalogue,
      ...data!.engineeringCatalogue,
    ].filter((s) => aid.test(s.name) || /:vte$/.test(s.id));
    expect(operatorEntries.map((s) => s.id)).toEqual(['engineering:aide-recrutement-vte']);
    // In the catalogue across operators, the only VTE grant is that entry; the scheme itself is the State's.
    const grants = data!.services.filter((s) => /VTE/.test(s.name) && s.aidTypes.includes('GRANT') && s.operator);
    expect(grants.map((s) => s.id)).toEqual(['engineering:aide-recrutement-vte', 'engineering:mobili-jeune-vte']);
    const aids = data!.territory!.engineering.vteAids.nodes;
    expect(aids.length).toBeGreaterThan(0);
    expect(aids.every((a) => a.amountEur === (a.green ? 8000 : 4000))).toBe(true);
  });
});
