// Operator-scoped writes: create (idempotent by reference), update, delete, validation field by field,
// live aggregates and list order, origin OPERATOR surviving sample reloads, one transaction per write.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import { importCsv } from '../../runtime/import.ts';
import type { KitDB, Row } from '../../runtime/records.ts';
import { sampleScale } from '../../runtime/sample.ts';
import { createOne } from '../../runtime/writes.ts';
import { investmentProjectSpec } from '../records.ts';
import { generateRecords } from '../sample.ts';
import type { Kysely } from 'kysely';
import attractiveness from '../subgraph.ts';
import type { AttractivenessContext } from '../resolvers.ts';
import {
  CREATE_INVESTMENT,
  DELETE_INVESTMENT,
  ENV,
  UPDATE_INVESTMENT,
  db,
  investmentInput,
  run,
  fieldsOf,
  snapshot,
  token,
} from './support.ts';
import { verifyAuthorization } from '../../runtime/auth.ts';

let sg: TestSubgraph<AttractivenessContext>;
let writer: string;
beforeAll(async () => {
  sg = await startTestSubgraph(attractiveness);
  writer = await token();
});
afterAll(() => sg?.stop());

const TERRITORY = '2023-2027:ti-8412';
const SLICE = `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { attractiveness {
  summary { recordCount amountEur serviceCount mobilised }
  services { service { id } recordCount amountEur lastDate dataset { nature } }
  investments(first: 200) { totalCount nodes { reference date dataset { nature } } } } } } }`;
const slice = async (id = TERRITORY) => {
  const { data, errors } = await run<{ _entities: { attractiveness: SliceAnswer }[] }>(sg, undefined, SLICE, {
    r: [{ __typename: 'Territory', id }],
  });
  expect(errors).toBeUndefined();
  return data!._entities[0]!.attractiveness;
};
interface ServiceAnswer {
  service: { id: string };
  recordCount: number;
  dataset: { nature: string };
}
/** The SLICE query's answer for one territory. */
interface SliceAnswer {
  summary: { recordCount: number; amountEur: number | null; serviceCount: number; mobilised: boolean };
  services: ServiceAnswer[];
  investments: { totalCount: number; nodes: { reference: string; date: string; dataset: { nature: string } }[] };
}
/** What a create or update answers (the record's fields as each test reads them). */
interface Written {
  created: boolean;
  updated: boolean;
  record: Record<string, unknown>;
}
type Deleted = { deleteInvestmentProject: { reference: string; deleted: boolean } };
const investmentService = (s: { services: ServiceAnswer[] }) =>
  s.services.find((m) => m.service.id === 'attractiveness:investissement-etranger')!;
const byRecency = (a: { date: string; reference: string }, b: { date: string; reference: string }) =>
  a.date === b.date ? a.reference.localeCompare(b.reference) : a.date < b.date ? 1 : -1;

describe('createInvestmentProject', () => {
  test('creates an OPERATOR record with a REAL dataset; it shows at once in the summary, services and the ordered list; delete removes it', async () => {
    const before = await slice();
    const input = investmentInput({ reference: 'BFOP-IDE-2025-LIVE-1', date: '2024-06-15' });
    const { data, errors } = await run<{ createInvestmentProject: Written }>(sg, writer, CREATE_INVESTMENT, { input });
    expect(errors).toBeUndefined();
    expect(data!.createInvestmentProject).toMatchObject({
      created: true,
      updated: false,
      record: {
        reference: input.reference,
        service: { id: 'attractiveness:investissement-etranger' },
        investor: { name: input.investorName, country: { code: 'DE', name: 'Allemagne' } },
        sector: 'Plasturgie',
        naf: '22.29A',
        kind: 'EXTENSION',
        jobsCreated: 25,
        jobsSaved: 10,
        investmentEur: 3_500_000,
        date: '2024-06-15',
        year: 2024,
        status: 'DECIDED',
        dataset: {
          id: 'attractiveness-operator-declared',
          nature: 'REAL',
          publisher: 'Business France',
          licence: 'Licence Ouverte / Etalab 2.0 (declared by the operator)',
        },
      },
    });
    const row = await db(sg)
      .selectFrom('investment_project')
      .selectAll()
      .where('reference', '=', input.reference)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ origin: 'OPERATOR', phase: '2023-2027', region_code: '84', year: 2024 });

    const after = await slice();
    expect(after.summary.recordCount).toBe(before.summary.recordCount + 1);
    expect(after.summary.amountEur).toBe((before.summary.amountEur ?? 0) + 3_500_000);
    expect(investmentService(after).recordCount).toBe((investmentService(before)?.recordCount ?? 0) + 1);
    // Most recent first, the new record in its place; every page still walks the whole list.
    const nodes = after.investments.nodes;
    expect(nodes.map((n) => n.reference)).toEqual([...nodes].sort(byRecency).map((n) => n.reference));
    expect(nodes.find((n) => n.reference === input.reference)!.dataset.nature).toBe('REAL');
    expect(after.investments.totalCount).toBe(before.investments.totalCount + 1);

    const deleted = await run<Deleted>(sg, writer, DELETE_INVESTMENT, { reference: input.reference });
    expect(deleted.data!.deleteInvestmentProject).toEqual({ reference: input.reference, deleted: true });
    expect(await slice()).toEqual(before);
    const again = await run<Deleted>(sg, writer, DELETE_INVESTMENT, { reference: input.reference });
    expect(again.errors).toBeUndefined();
    expect(again.data!.deleteInvestmentProject).toEqual({ reference: input.reference, deleted: false });
  });

  test('a territory whose only records are declared ones: services carry the REAL dataset', async () => {
    const empty = (
      await run<{ attractivenessTerritories: { id: string }[] }>(
        sg,
        undefined,
        '{ attractivenessTerritories(phase: PHASE_2023_2027, mobilised: false) { id } }',
      )
    ).data!.attractivenessTerritories[0]!.id;
    const input = investmentInput({ reference: 'BFOP-IDE-2025-ALONE', territoryId: empty });
    expect((await run(sg, writer, CREATE_INVESTMENT, { input })).errors).toBeUndefined();
    const s = await slice(empty);
    expect(s.summary).toEqual({ recordCount: 1, amountEur: 3_500_000, serviceCount: 1, mobilised: true });
    expect(investmentService(s).dataset.nature).toBe('REAL');
    await run(sg, writer, DELETE_INVESTMENT, { reference: input.reference });
    expect((await slice(empty)).summary.mobilised).toBe(false);
  });

  test('idempotent by reference: the same values again → created: false; other values → CONFLICT, nothing changed', async () => {
    const input = investmentInput({ reference: 'BFOP-IDE-2025-IDEM' });
    expect(
      (await run<{ createInvestmentProject: Written }>(sg, writer, CREATE_INVESTMENT, { input })).data!
        .createInvestmentProject.created,
    ).toBe(true);
    const before = await snapshot(sg);
    const same = await run<{ createInvestmentProject: Written }>(sg, writer, CREATE_INVESTMENT, { input });
    expect(same.errors).toBeUndefined();
    expect(same.data!.createInvestmentProject).toMatchObject({
      created: false,
      updated: false,
      record: { reference: input.reference, investmentEur: 3_500_000 },
    });
    const conflict = await run(sg, writer, CREATE_INVESTMENT, { input: { ...input, investmentEur: 4_000_000 } });
    expect(conflict.data).toBeNull();
    expect(conflict.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(conflict.errors![0]!.message).toMatch(/already exists with other values/);
    expect(await snapshot(sg)).toEqual(before);
  });

  test('validation errors say field by field what is wrong, and nothing is written', async () => {
    const before = await snapshot(sg);
    const bad = await run(sg, writer, CREATE_INVESTMENT, {
      input: investmentInput({
        reference: 'BFOP-BAD-1',
        investmentEur: -5,
        date: '2024-13-01',
        naf: 'abc',
        jobsCreated: -1,
        investorName: '  ',
      }),
    });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const fields = Object.fromEntries(fieldsOf(bad).map((p) => [p.field, p.message]));
    expect(fields).toEqual({
      investorName: 'is required',
      naf: '"abc" is not a NAF rév. 2 code such as 22.29A',
      jobsCreated: '-1 is below the minimum of 0',
      investmentEur: '-5 is below the minimum of 0',
      date: '"2024-13-01" is not a date (YYYY-MM-DD)',
    });
    // Referential checks: unknown territory, a service of another kind, a date outside the phase, a French "foreign" investor.
    const refs = await run(sg, writer, CREATE_INVESTMENT, {
      input: investmentInput({
        reference: 'BFOP-BAD-2',
        territoryId: '2023-2027:ti-9999',
        serviceId: 'attractiveness:export',
        date: '2021-05-05',
        investorCountry: 'FR',
      }),
    });
    expect(
      fieldsOf(refs)
        .map((p) => p.field)
        .sort(),
    ).toEqual(['date', 'investorCountry', 'serviceId', 'territoryId']);
    const other = await run(sg, writer, CREATE_INVESTMENT, {
      input: investmentInput({
        reference: 'BFOP-BAD-3',
        territoryId: 'ti-8412',
        serviceId: 'financing:pret',
        sector: 'Astrologie',
        investorCountry: 'QQ',
      }),
    });
    // Type and referential problems come together (one round of corrections).
    expect(
      fieldsOf(other)
        .map((p) => p.field)
        .sort(),
    ).toEqual(['investorCountry', 'sector', 'serviceId', 'territoryId']);
    const refs2 = await run(sg, writer, CREATE_INVESTMENT, {
      input: investmentInput({
        reference: 'BFOP-BAD-3',
        territoryId: 'ti-8412',
        serviceId: 'financing:pret',
        investorCountry: 'QQ',
      }),
    });
    expect(refs2.errors![0]!.extensions!.fields).toEqual([
      {
        field: 'territoryId',
        message: '"ti-8412" is not a territory id (<phase>:<ANCT code>, e.g. 2023-2027:ti-8412)',
      },
      {
        field: 'serviceId',
        message:
          'unknown service "financing:pret": not in the attractiveness catalogue (expected attractiveness:investissement-etranger)',
      },
      { field: 'investorCountry', message: '"QQ" is not an ISO 3166-1 alpha-2 country code (e.g. DE)' },
    ]);
    // The hub's sample references are reserved: FORBIDDEN naming the field (the same rule in every operator).
    const reserved = await run(sg, writer, CREATE_INVESTMENT, {
      input: investmentInput({ reference: 'BF-IDE-2023-8412-0001' }),
    });
    expect(reserved.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'reference' });
    expect(reserved.errors![0]!.message).toMatch(/reserved for the hub's sample records/);
    expect(await snapshot(sg)).toEqual(before);
  });
});

describe('updateInvestmentProject and deleteInvestmentProject', () => {
  test('update changes the given fields (validated as a whole); same values → updated: false; unknown → NOT_FOUND', async () => {
    const input = investmentInput({ reference: 'BFOP-IDE-2025-UPD', investmentEur: 1_000_000 });
    await run(sg, writer, CREATE_INVESTMENT, { input });
    const before = await slice();
    const up = await run<{ updateInvestmentProject: Written }>(sg, writer, UPDATE_INVESTMENT, {
      reference: input.reference,
      patch: { investmentEur: 2_500_000, status: 'IN_PROGRESS' },
    });
    expect(up.errors).toBeUndefined();
    expect(up.data!.updateInvestmentProject).toMatchObject({
      created: false,
      updated: true,
      record: { investmentEur: 2_500_000, status: 'IN_PROGRESS', jobsCreated: 25 },
    });
    expect((await slice()).summary.amountEur).toBe((before.summary.amountEur ?? 0) + 1_500_000);
    const same = await run<{ updateInvestmentProject: Written }>(sg, writer, UPDATE_INVESTMENT, {
      reference: input.reference,
      patch: { status: 'IN_PROGRESS' },
    });
    expect(same.errors).toBeUndefined();
    expect(same.data!.updateInvestmentProject.updated).toBe(false);

    const bad = await run(sg, writer, UPDATE_INVESTMENT, {
      reference: input.reference,
      patch: { jobsSaved: -3, date: '2030-01-01' },
    });
    expect(fieldsOf(bad).map((p) => p.field)).toEqual(['jobsSaved', 'date']);
    const missing = await run(sg, writer, UPDATE_INVESTMENT, { reference: 'BFOP-NOPE', patch: { status: 'DECIDED' } });
    expect(missing.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const sample = await run(sg, writer, UPDATE_INVESTMENT, {
      reference: generateRecords(sampleScale()).investments[0]!.reference,
      patch: { status: 'DECIDED' },
    });
    expect(sample.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'reference' });
  });

  test('moving a record to another territory updates both territories', async () => {
    const input = investmentInput({ reference: 'BFOP-IDE-2025-MOVE' });
    await run(sg, writer, CREATE_INVESTMENT, { input });
    const target = '2023-2027:ti-8402';
    const [from, to] = [await slice(), await slice(target)];
    const moved = await run(sg, writer, UPDATE_INVESTMENT, {
      reference: input.reference,
      patch: { territoryId: target, date: '2023-01-02' },
    });
    expect(moved.errors).toBeUndefined();
    const [from2, to2] = [await slice(), await slice(target)];
    expect(from2.investments.totalCount).toBe(from.investments.totalCount - 1);
    expect(to2.investments.totalCount).toBe(to.investments.totalCount + 1);
    expect(to2.investments.nodes.map((n: { reference: string }) => n.reference)).toEqual(
      [...to2.investments.nodes].sort(byRecency).map((n: { reference: string }) => n.reference),
    );
    const row = await db(sg)
      .selectFrom('investment_project')
      .selectAll()
      .where('reference', '=', input.reference)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ territory_id: target, region_code: '84', year: 2023 });
  });

  test('sample records cannot be deleted through the API', async () => {
    const reference = generateRecords(sampleScale()).investments[0]!.reference;
    const before = await snapshot(sg);
    const answer = await run(sg, writer, DELETE_INVESTMENT, { reference });
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'reference' });
    expect(await snapshot(sg)).toEqual(before);
  });
});

describe('export supports and site promotions', () => {
  test('create, read back with the REAL dataset, delete', async () => {
    const exp = await run<{ createExportSupport: Written }>(
      sg,
      writer,
      `mutation($i: ExportSupportInput!) { createExportSupport(input: $i) { created record {
      reference company { siren name naf } offer targetCountry { code name } status dataset { nature } } } }`,
      {
        i: {
          reference: 'BFOP-EXP-2025-1',
          territoryId: TERRITORY,
          serviceId: 'attractiveness:export',
          companySiren: '732829320',
          companyName: 'Fonderie test',
          naf: '24.10Z',
          offer: 'TRADE_FAIR',
          targetCountry: 'VN',
          date: '2025-03-03',
          status: 'COMPLETED',
        },
      },
    );
    expect(exp.errors).toBeUndefined();
    expect(exp.data!.createExportSupport.record).toMatchObject({
      offer: 'TRADE_FAIR',
      targetCountry: { code: 'VN', name: 'Viêt Nam' },
      dataset: { nature: 'REAL' },
    });
    const badSiren = await run(
      sg,
      writer,
      `mutation($i: ExportSupportInput!) { createExportSupport(input: $i) { created } }`,
      {
        i: {
          reference: 'BFOP-EXP-2025-2',
          territoryId: TERRITORY,
          serviceId: 'attractiveness:investissement-etranger',
          companySiren: '123456789',
          companyName: 'X',
          naf: '24.10Z',
          offer: 'VIE',
          targetCountry: 'US',
          date: '2025-03-03',
          status: 'PLANNED',
        },
      },
    );
    // The bad SIREN and the service of another kind, in one answer.
    expect(fieldsOf(badSiren).map((p) => p.field)).toEqual(['companySiren', 'serviceId']);

    const site = await run<{ createSitePromotion: Written }>(
      sg,
      writer,
      `mutation($i: SitePromotionInput!) { createSitePromotion(input: $i) { created record { reference hectares service { id } dataset { nature } } } }`,
      {
        i: {
          reference: 'BFOP-SIT-2025-1',
          territoryId: TERRITORY,
          serviceId: 'attractiveness:promotion-internationale',
          siteName: 'Zone test',
          communeName: 'Commune test',
          hectares: 12.5,
          date: '2025-04-04',
          event: 'Global Industrie',
        },
      },
    );
    expect(site.errors).toBeUndefined();
    expect(site.data!.createSitePromotion).toMatchObject({
      created: true,
      record: { hectares: 12.5, dataset: { nature: 'REAL' } },
    });
    type References = { nodes: { reference: string }[] };
    const s = await run<{
      _entities: { attractiveness: { exportSupports: References; sitePromotions: References } }[];
    }>(
      sg,
      undefined,
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { attractiveness {
      exportSupports(first: 200) { nodes { reference } } sitePromotions(first: 200) { nodes { reference } } } } } }`,
      { r: [{ __typename: 'Territory', id: TERRITORY }] },
    );
    expect(s.errors).toBeUndefined();
    const { exportSupports, sitePromotions } = s.data!._entities[0]!.attractiveness;
    expect(exportSupports.nodes.map((n) => n.reference)).toContain('BFOP-EXP-2025-1');
    expect(sitePromotions.nodes.map((n) => n.reference)).toContain('BFOP-SIT-2025-1');
    const d1 = await run(
      sg,
      writer,
      'mutation { deleteExportSupport(reference: "BFOP-EXP-2025-1") { deleted } deleteSitePromotion(reference: "BFOP-SIT-2025-1") { deleted } }',
    );
    expect(d1.data).toEqual({ deleteExportSupport: { deleted: true }, deleteSitePromotion: { deleted: true } });
  });
});

describe('sample reloads', () => {
  test('replace only the SAMPLE rows: operator records survive, in their place', async () => {
    const input = investmentInput({ reference: 'BFOP-IDE-2025-KEEP', date: '2025-01-01' });
    await run(sg, writer, CREATE_INVESTMENT, { input });
    const before = await slice();
    const operatorRows = await db(sg)
      .selectFrom('investment_project')
      .selectAll()
      .where('origin', '=', 'OPERATOR')
      .orderBy('reference')
      .execute();
    await db(sg)
      .transaction()
      .execute((trx) => attractiveness.load(trx as unknown as Kysely<KitDB>));
    expect(
      await db(sg)
        .selectFrom('investment_project')
        .selectAll()
        .where('origin', '=', 'OPERATOR')
        .orderBy('reference')
        .execute(),
    ).toEqual(operatorRows);
    const samples = await db(sg)
      .selectFrom('investment_project')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('origin', '=', 'SAMPLE')
      .executeTakeFirstOrThrow();
    expect(Number(samples.n)).toBe(generateRecords(sampleScale()).investments.length);
    expect(await slice()).toEqual(before);
    const datasets = await run<{ attractivenessDatasets: unknown[] }>(
      sg,
      undefined,
      '{ attractivenessDatasets { id nature publisher } }',
    );
    expect(datasets.data!.attractivenessDatasets).toContainEqual({
      id: 'attractiveness-operator-declared',
      nature: 'REAL',
      publisher: 'Business France',
    });
  });
});

describe('one transaction per write', () => {
  const context = async () => ({
    ...attractiveness.context(sg.prepared.database),
    identity: () => verifyAuthorization(`Bearer ${writer}`, ENV),
  });

  test('a failure in afterWrite leaves nothing behind', async () => {
    const before = await snapshot(sg);
    const spec = {
      ...investmentProjectSpec,
      afterWrite: async () => {
        throw new Error('simulated failure after the insert');
      },
    };
    await expect(
      createOne(await context(), spec, investmentInput({ reference: 'BFOP-IDE-2025-FAIL' })),
    ).rejects.toThrow('simulated failure');
    expect(await snapshot(sg)).toEqual(before);
  });

  test('a constraint error mid-transaction (after the insert) leaves nothing behind', async () => {
    const before = await snapshot(sg);
    const spec = {
      ...investmentProjectSpec,
      afterWrite: async (trx: Kysely<KitDB>, rows: Row[]) => {
        // Same primary key again: the database refuses it.
        await trx.insertInto('investment_project').values(rows[0]!).execute();
      },
    };
    await expect(
      createOne(await context(), spec, investmentInput({ reference: 'BFOP-IDE-2025-DUP' })),
    ).rejects.toThrow();
    expect(await snapshot(sg)).toEqual(before);
  });

  test('an import whose refresh fails writes nothing', async () => {
    const before = await snapshot(sg);
    const csv =
      'reference,territoryId,serviceId,investorName,investorCountry,sector,naf,kind,jobsCreated,investmentEur,date,status\n' +
      'BFOP-IDE-2025-IMPFAIL,2023-2027:ti-8412,attractiveness:investissement-etranger,Test Ltd,GB,Chimie,20.59Z,CREATION,3,100000,2025-01-01,DETECTED\n';
    await expect(
      importCsv(db(sg), investmentProjectSpec, csv, {
        afterWrite: async () => {
          throw new Error('refresh failed');
        },
      }),
    ).rejects.toThrow('refresh failed');
    expect(await snapshot(sg)).toEqual(before);
  });
});
