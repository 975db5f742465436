// The programme subgraph: one catalogue across operators and the State, and the programme's facts,
// checked against the data files read independently, and through the gateway against the operators' catalogues.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';

const csv = (name: string) =>
  parse(readFileSync(new URL(`../data/${name}.csv`, import.meta.url)), { columns: true }) as Record<string, string>[];
const catalogue = csv('catalogue');
const split = (v: string) => v.split(';').filter(Boolean);

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub?.stop());

const SERVICES = `query($axis: Axis, $operator: String, $carrier: String, $audience: Audience) {
  services(axis: $axis, operator: $operator, carrier: $carrier, audience: $audience) {
    id name operator carrier carrierKind axes audiences aidTypes startDate submissionDeadline recurrence amountRule
    inFranceRelance officialUrl sourceQuote alsoListedAs source { id kind title date }
  }
}`;
const gql = async <T>(query: string, variables?: Record<string, unknown>) => post<T>(hub.gatewayUrl, query, variables);

/** A service of the SERVICES selection, as the tests read it. */
interface Service {
  id: string;
  name: string;
  operator: string | null;
  carrier: string;
  carrierKind: string;
  submissionDeadline: string | null;
  sourceQuote: string | null;
  source: { kind: string; title: string };
}
interface Services {
  services: Service[];
}
interface Facts {
  programme: {
    milestones: { date: string; quote: string; source: { kind: string } }[];
    commitments: { value: number; unit: string; atLeast: boolean }[];
    phases: { id: string; territoryCount: number; source: { kind: string } }[];
  };
  phases: { phase: string; territoryCount: number }[];
}

/** A catalogue entry as the drift check reads it. */
interface Entry {
  name: string;
  operator: string | null;
  axes: string[];
}

describe('one catalogue across operators', () => {
  it('lists every entry of the data file, each with its source, in file order', async () => {
    const { data, errors, headers } = await gql<Services>(SERVICES);
    expect(errors).toBeUndefined();
    expect(data!.services.map((s) => s.id)).toEqual(catalogue.map((r) => r.id));
    for (const s of data!.services) {
      expect(s.source.title).toBeTruthy();
      // A programme document is quoted; an operator's general offer is said to be one, with no quote.
      if (s.source.kind === 'PROGRAMME_DOCUMENT') expect(s.sourceQuote, s.id).toBeTruthy();
      else expect([s.id, s.source.kind, s.sourceQuote]).toEqual([s.id, 'OPERATOR_OFFER', null]);
    }
    // The programme's side holds data the territories will write: the operators' one-minute cache.
    expect(headers.get('cache-control')).toBe('max-age=60, public');
  });

  it('has the State tools under their real carrier, with no operator, each named in a programme document', async () => {
    const { data } = await gql<Services>(SERVICES, { carrier: 'etat' });
    const { data: all } = await gql<Services>(SERVICES);
    const state = all!.services.filter((s) => s.id.startsWith('state:'));
    expect(state.map((s) => s.name)).toEqual(catalogue.filter((r) => r.id!.startsWith('state:')).map((r) => r.name));
    for (const s of state) {
      expect([s.id, s.operator, s.source.kind]).toEqual([s.id, null, 'PROGRAMME_DOCUMENT']);
      expect(s.carrierKind).not.toBe('OPERATOR');
    }
    const byId = new Map(state.map((s) => [s.id, s]));
    expect(byId.get('state:transitions-collectives')!.carrier).toMatch(/Ministère du Travail/);
    expect(byId.get('state:au-coeur-des-territoires')!.carrier).toMatch(/Cnam/);
    expect(byId.get('state:sites-industriels-cles-en-main')!.submissionDeadline).toBe('2021-03-31');
    // The carrier filter is accent-insensitive: "etat" finds every carrier naming « État ».
    expect(data!.services.map((s) => s.id)).toEqual(catalogue.filter((r) => /État/.test(r.carrier!)).map((r) => r.id));
  });

  it('filters by axis, operator and audience as the data file says', async () => {
    const cases: [Record<string, string>, (r: Record<string, string>) => boolean][] = [
      [{ axis: 'RECRUIT' }, (r) => split(r.axes!).includes('RECRUIT')],
      [{ operator: 'BANQUE_DES_TERRITOIRES' }, (r) => r.operator === 'BANQUE_DES_TERRITOIRES'],
      [{ audience: 'EPCI' }, (r) => split(r.audiences!).includes('epci')],
      [
        { axis: 'ATTRACT', audience: 'PRIVATE_SECTOR' },
        (r) => split(r.axes!).includes('ATTRACT') && split(r.audiences!).includes('private_sector'),
      ],
    ];
    for (const [variables, keep] of cases) {
      const { data, errors } = await gql<Services>(SERVICES, variables);
      expect(errors).toBeUndefined();
      const expected = catalogue.filter(keep).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(data!.services.map((s) => s.id)).toEqual(expected);
    }
  });

  it('keeps every operator catalogue entry, with the same name, operator and axes', async () => {
    type Listed = Entry & { id: string };
    const { data, errors } = await gql<{
      financingCatalogue: Listed[];
      recruitmentCatalogue: Listed[];
      attractivenessCatalogue: Listed[];
      engineeringCatalogue: Listed[];
      services: (Listed & { alsoListedAs: string[] })[];
    }>(`{
      financingCatalogue { id name operator axes }
      recruitmentCatalogue { id name operator axes }
      attractivenessCatalogue { id name operator axes }
      engineeringCatalogue { id name operator axes }
      services { id name operator axes alsoListedAs }
    }`);
    expect(errors).toBeUndefined();
    // No operator slice lists a State tool any more: no entry is known under another id.
    expect(data!.services.filter((s) => s.alsoListedAs.length)).toEqual([]);
    const ours = new Map<string, Listed>(data!.services.map((s) => [s.id, s]));
    const operatorEntries = [
      ...data!.financingCatalogue,
      ...data!.recruitmentCatalogue,
      ...data!.attractivenessCatalogue,
      ...data!.engineeringCatalogue,
    ];
    expect(operatorEntries.length).toBeGreaterThan(15);
    const drift = operatorEntries.flatMap((o) => {
      const s = ours.get(o.id);
      if (!s) return [`${o.id}: missing from services`];
      const shape = (x: Entry) => JSON.stringify([x.name, x.operator, [...x.axes].sort()]);
      return shape(s) === shape(o) ? [] : [`${o.id}: ${shape(s)} ≠ ${shape(o)}`];
    });
    expect(drift).toEqual([]);
  });

  it("makes each operator's catalogue entry say where it comes from, as the programme's catalogue does", async () => {
    const fields = '{ id dataset { id title note } }';
    type Sourced = { id: string; dataset: { id: string; title: string; note: string } };
    const { data, errors } = await gql<Record<string, Sourced[]>>(`{
      financingCatalogue ${fields} recruitmentCatalogue ${fields} attractivenessCatalogue ${fields} engineeringCatalogue ${fields}
    }`);
    expect(errors).toBeUndefined();
    const source = new Map(catalogue.flatMap((r) => [r.id!, ...split(r.also_listed_as!)].map((id) => [id, r.source!])));
    const entries = Object.values(data!).flat();
    const offers = entries.filter((e) => source.get(e.id) === 'operator-offer');
    expect(offers.length).toBeGreaterThan(5);
    const wrong = entries.filter(
      (e) => (source.get(e.id) === 'operator-offer') !== /-offre-generale$/.test(e.dataset.id),
    );
    expect(wrong.map((e) => `${e.id}: ${e.dataset.id}`)).toEqual([]);
    for (const e of offers) expect(e.dataset.title).toMatch(/non nommé dans les documents du programme/);
  });

  it('gives one service by id, resolves it in 2 statements, and refuses unknown or malformed ids', async () => {
    const { data } = await gql<{ service: unknown }>(
      '{ service(id: "state:fonds-friches") { name carrier officialUrl source { id } } }',
    );
    const row = catalogue.find((r) => r.id === 'state:fonds-friches')!;
    expect(data!.service).toEqual({
      name: row.name,
      carrier: row.carrier,
      officialUrl: row.official_url,
      source: { id: row.source },
    });
    hub.resetCounters();
    await gql(SERVICES);
    expect(hub.counters().programme).toEqual({ requests: 1, statements: 2 });
    const unknown = await gql('{ service(id: "state:nope") { name } }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const malformed = await gql('{ service(id: "Fonds friches") { name } }');
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const carrier = await gql('{ services(carrier: "") { id } }');
    expect(carrier.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const operator = await gql('{ services(operator: "POLE_EMPLOI") { id } }');
    expect(operator.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'operator' });
  });
});

describe("the programme's facts", () => {
  const FACTS = `{
    programme {
      milestones { date event quote source { id kind } }
      commitments { id value unit atLeast announcedOn quote source { id kind } }
      phases { id phase territoryCount start end quote source { id kind } }
    }
    phases { phase territoryCount }
  }`;

  it('serves the announced commitments with their document and passage', async () => {
    const { data, errors } = await gql<Facts>(FACTS);
    expect(errors).toBeUndefined();
    const expected = csv('commitments').map((r) => ({
      id: r.id,
      value: Number(r.value),
      unit: r.unit,
      atLeast: r.at_least === 'true',
      announcedOn: r.announced_on,
      quote: r.quote,
      source: { id: r.document, kind: 'PROGRAMME_DOCUMENT' },
    }));
    expect(data!.programme.commitments).toEqual(expected);
    const units = data!.programme.commitments.map((c) => `${c.value} ${c.unit}${c.atLeast ? '+' : ''}`);
    expect(units).toEqual(expect.arrayContaining(['1300000000 EUR', '17 ENGAGEMENTS', '1000 ACTIONS+']));
  });

  it('serves the milestones in date order, each quoted from a programme document', async () => {
    const { data } = await gql<Facts>(FACTS);
    const dates = data!.programme.milestones.map((m) => m.date);
    expect(dates).toEqual([...dates].sort());
    expect(dates).toEqual(csv('milestones').map((r) => r.date));
    for (const m of data!.programme.milestones) {
      expect(m.source.kind).toBe('PROGRAMME_DOCUMENT');
      expect(m.quote.length).toBeGreaterThan(20);
    }
  });

  it("gives each phase's territory count, equal to the official lists for both contract phases", async () => {
    const { data } = await gql<Facts>(FACTS);
    expect(data!.programme.phases.map((p) => p.id)).toEqual(csv('stages').map((r) => r.id));
    for (const official of data!.phases) {
      const ours = data!.programme.phases.find((p) => p.id === `phase-${official.phase.slice(6).replace('_', '-')}`);
      expect([official.phase, ours?.territoryCount, ours?.source.kind]).toEqual([
        official.phase,
        official.territoryCount,
        'OPEN_DATA',
      ]);
    }
  });
});
