// Provenance on every figure: every aggregate type of the supergraph (*Summary, *Total, *Totals) carries the datasets
// it is computed from and its nature, and the nature follows the records it adds (SAMPLE, DERIVED, MIXED).
import { readFileSync } from 'node:fs';
import { parse, print, type ObjectTypeDefinitionNode } from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERGRAPH_FILE } from '../subgraphs/runtime/registry.ts';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const SECRET = 'provenance-test-secret-at-least-32-characters';
// Aggregates by name, and the figure types whose name does not say so (PhaseLink: shared population and shares).
const AGGREGATE = /(Summary|Total|Totals)$|^PhaseLink$/;

let hub: TestHub;
let previousSecret: string | undefined;
beforeAll(async () => {
  // The subgraphs verify write tokens with the process's JWT_SECRET.
  previousSecret = process.env.JWT_SECRET;
  process.env.JWT_SECRET = SECRET;
  hub = await startTestHub({ gatewayEnv: { JWT_SECRET: SECRET } });
});
afterAll(async () => {
  await hub?.stop();
  if (previousSecret === undefined) delete process.env.JWT_SECRET;
  else process.env.JWT_SECRET = previousSecret;
});

const token = (operator: string, scope: string) =>
  new SignJWT({ operator, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('test-provenance')
    .setAudience('territoires-industrie-hub')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + 300)
    .sign(new TextEncoder().encode(SECRET));

/** Datasets agree with the nature: SAMPLE only sample, DERIVED only real, MIXED both. */
/** An aggregate's provenance, as the queries below select it. */
interface Labelled {
  nature: string;
  datasets: { nature: string }[];
}

function consistent(p: Labelled): boolean {
  const natures = new Set(p.datasets.map((d) => d.nature));
  if (!p.datasets.length) return false;
  if (p.nature === 'SAMPLE') return [...natures].every((n) => n === 'SAMPLE');
  if (p.nature === 'DERIVED' || p.nature === 'REAL') return [...natures].every((n) => n === 'REAL' || n === 'DERIVED');
  if (p.nature === 'MIXED') return natures.has('SAMPLE') && (natures.has('REAL') || natures.has('DERIVED'));
  return false;
}

describe('provenance on every aggregate', () => {
  it('finds nature and datasets on every *Summary, *Total and *Totals type of the supergraph', () => {
    const types = parse(readFileSync(SUPERGRAPH_FILE, 'utf8')).definitions.filter(
      (d): d is ObjectTypeDefinitionNode => d.kind === 'ObjectTypeDefinition' && AGGREGATE.test(d.name.value),
    );
    // The walk sees the aggregates the issue listed, and any new one.
    expect(types.map((t) => t.name.value)).toEqual(
      expect.arrayContaining([
        'PanierSummary',
        'PanierTotal',
        'InvestmentTotals',
        'CountryInvestmentTotal',
        'EngineeringKindTotal',
        'SectorInvestmentTotal',
        'PhaseSummary',
        'FinancingTotal',
        'PhaseLink',
      ]),
    );
    const typeOf = (t: ObjectTypeDefinitionNode, name: string) => {
      const field = t.fields?.find((f) => f.name.value === name);
      return field ? print(field.type) : 'missing';
    };
    const missing = types.flatMap((t) =>
      [
        ['nature', 'DataNature!'],
        ['datasets', '[Dataset!]!'],
      ]
        .filter(([name, type]) => typeOf(t, name!) !== type)
        .map(([name, type]) => `${t.name.value}.${name}: ${type} (found ${typeOf(t, name!)})`),
    );
    expect(missing).toEqual([]);
  });

  it('labels the sample totals SAMPLE, with their sample datasets', async () => {
    const { data, errors } = await post<{
      phases: Labelled[];
      financingTotals: (Labelled & { key: string })[];
      recruitmentTotals: Labelled[];
      attractivenessTotals: Labelled[];
      engineeringTotals: Labelled[];
    }>(
      hub.gatewayUrl,
      `{
        phases { nature datasets { nature } }
        financingTotals(by: PHASE) { key amountEur nature datasets { id nature } }
        recruitmentTotals(by: REGION) { nature datasets { nature } }
        attractivenessTotals(by: PHASE) { nature datasets { nature } }
        engineeringTotals(by: TERRITORY) { nature datasets { nature } }
      }`,
    );
    expect(errors).toBeUndefined();
    // 1.3 billion euros of sample financings for 2019-2022: never to be read as the programme's real 1.3 Md€.
    expect(data!.financingTotals.find((t) => t.key === '2019-2022')).toMatchObject({
      nature: 'SAMPLE',
    });
    const all = [
      ...data!.phases,
      ...data!.financingTotals,
      ...data!.recruitmentTotals,
      ...data!.attractivenessTotals,
      ...data!.engineeringTotals,
    ];
    expect(all.filter((p) => !consistent(p))).toEqual([]);
    expect(data!.phases.every((p) => p.nature === 'DERIVED')).toBe(true);
    expect(data!.financingTotals.every((p) => p.nature === 'SAMPLE')).toBe(true);
  });

  it("labels a territory's aggregates, and turns its summary MIXED when the operator declares a record", async () => {
    const id = '2023-2027:ti-8412';
    const QUERY = `query($id: ID!) { territory(id: $id) {
      financing { summary { nature datasets { id nature } } totalsByService { nature datasets { nature } } }
      recruitment { summary { nature datasets { nature } } }
      attractiveness { summary { nature datasets { nature } } investmentTotals { nature datasets { nature } byCountry { nature } bySector { nature } } }
      engineering { summary { nature datasets { nature } } totals { nature datasets { nature } } }
    } }`;
    interface Answer {
      territory: {
        financing: { summary: Labelled; totalsByService: Labelled[] };
        recruitment: { summary: Labelled };
        attractiveness: { summary: Labelled; investmentTotals: Labelled };
        engineering: { summary: Labelled; totals: Labelled[] };
      };
    }
    const before = await post<Answer>(hub.gatewayUrl, QUERY, { id });
    expect(before.errors).toBeUndefined();
    const t = before.data!.territory;
    const aggregates = [
      t.financing.summary,
      ...t.financing.totalsByService,
      t.recruitment.summary,
      t.attractiveness.summary,
      t.attractiveness.investmentTotals,
      t.engineering.summary,
      ...t.engineering.totals,
    ];
    expect(aggregates.filter((p) => !consistent(p))).toEqual([]);
    expect(t.financing.summary.nature).toBe('SAMPLE');

    const bearer = await token('BPIFRANCE', 'financing:write');
    const created = await post(
      hub.gatewayUrl,
      'mutation($input: FinancingInput!) { createFinancing(input: $input) { created } }',
      {
        input: {
          reference: 'TEST-PROVENANCE-1',
          territoryId: id,
          companySiren: '512345604',
          companyName: 'Décolletage du Genevois (test)',
          companyNaf: '25.62B',
          serviceId: 'financing:fonds-propres',
          instrument: 'EQUITY',
          amountEur: 250_000,
          date: '2024-06-15',
          status: 'GRANTED',
        },
      },
      { authorization: `Bearer ${bearer}` },
    );
    expect(created.errors).toBeUndefined();
    const after = await post<Answer>(hub.gatewayUrl, QUERY, { id });
    expect(after.errors).toBeUndefined();
    const summary = after.data!.territory.financing.summary;
    expect(summary.nature).toBe('MIXED');
    expect(summary.datasets.map((d) => d.nature).sort()).toEqual(['REAL', 'SAMPLE']);
    const fundsRow = after.data!.territory.financing.totalsByService.find((x) => x.nature !== 'SAMPLE');
    expect(fundsRow && consistent(fundsRow)).toBe(true);
    await post(
      hub.gatewayUrl,
      'mutation { deleteFinancing(reference: "TEST-PROVENANCE-1") { deleted } }',
      {},
      { authorization: `Bearer ${bearer}` },
    );
  });
});
