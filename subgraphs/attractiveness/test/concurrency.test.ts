// Business France's writes the user's way: over HTTP, through the gateway, with a real signed token, on the suite's
// dialect. The kit's shared write tests (test/support/record-writes.ts), once per record kind, and a keyset cursor
// that stays valid across a write.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { recordWriteTests } from '../../../test/support/record-writes.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import type { AttractivenessDB } from '../db.ts';
import { exportSupportSpec, investmentProjectSpec, sitePromotionSpec } from '../records.ts';

const T = '2023-2027:ti-8412';
let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories', 'attractiveness'], env: TEST_JWT_ENV });
  token = await signToken({ operator: 'BUSINESS_FRANCE', scope: 'attractiveness:write' });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});

const db = () => hub.subgraphs.get('attractiveness')!.test.prepared.database.db as unknown as Kysely<AttractivenessDB>;

interface SliceAnswer {
  summary: { recordCount: number; amountEur: number | null; serviceCount: number };
  services: { service: { id: string }; recordCount: number }[];
  investments: { totalCount: number };
  exportSupports: { totalCount: number };
  sitePromotions: { totalCount: number };
}

/** The territory's summary, services and page totals, through the gateway, equal what the three tables hold. */
async function consistent() {
  const r = await post<{ territory: { attractiveness: SliceAnswer } }>(
    hub.gatewayUrl,
    `query($id: ID!) { territory(id: $id) { attractiveness {
      summary { recordCount amountEur serviceCount } services { service { id } recordCount }
      investments(first: 1) { totalCount } exportSupports(first: 1) { totalCount } sitePromotions(first: 1) { totalCount } } } }`,
    { id: T },
  );
  expect(r.errors).toBeUndefined();
  const [investments, exports, sites] = await Promise.all([
    db().selectFrom('investment_project').selectAll().where('territory_id', '=', T).execute(),
    db().selectFrom('export_support').selectAll().where('territory_id', '=', T).execute(),
    db().selectFrom('site_promotion').selectAll().where('territory_id', '=', T).execute(),
  ]);
  const slice = r.data!.territory.attractiveness;
  expect(slice.investments.totalCount).toBe(investments.length);
  expect(slice.exportSupports.totalCount).toBe(exports.length);
  expect(slice.sitePromotions.totalCount).toBe(sites.length);
  expect(slice.summary.recordCount).toBe(investments.length + exports.length + sites.length);
  expect(slice.summary.amountEur).toBe(investments.reduce((s, i) => s + Number(i.investment_eur), 0));
  const perService = new Map<string, number>();
  for (const row of [...investments, ...exports, ...sites])
    perService.set(row.service_id, (perService.get(row.service_id) ?? 0) + 1);
  expect(Object.fromEntries(slice.services.map((s) => [s.service.id, s.recordCount]))).toEqual(
    Object.fromEntries(perService),
  );
}

describe('investment project writes (record kit)', () => {
  recordWriteTests({
    subgraph: 'attractiveness',
    spec: investmentProjectSpec,
    hub: () => hub,
    token: () => token,
    mutations: {
      create: 'createInvestmentProject',
      update: 'updateInvestmentProject',
      delete: 'deleteInvestmentProject',
      input: 'InvestmentProjectInput',
      patch: 'InvestmentProjectPatch',
    },
    input: (reference, variant) => ({
      reference,
      territoryId: T,
      serviceId: 'attractiveness:investissement-etranger',
      investorName: 'Testwerk GmbH (test)',
      investorCountry: 'DE',
      sector: 'Plasturgie',
      naf: '22.29A',
      kind: 'EXTENSION',
      jobsCreated: 25,
      jobsSaved: 10,
      investmentEur: 1_000_000 + variant,
      date: '2025-06-30',
      status: 'DETECTED',
    }),
    patches: [{ status: 'DECIDED' }, { investmentEur: 777_777 }, { investorName: 'Patchwerk AG (test)' }],
    consistent,
    prefix: 'KIT-IDE',
  });
});

describe('export support writes (record kit)', () => {
  recordWriteTests({
    subgraph: 'attractiveness',
    spec: exportSupportSpec,
    hub: () => hub,
    token: () => token,
    mutations: {
      create: 'createExportSupport',
      update: 'updateExportSupport',
      delete: 'deleteExportSupport',
      input: 'ExportSupportInput',
      patch: 'ExportSupportPatch',
    },
    input: (reference, variant) => ({
      reference,
      territoryId: T,
      serviceId: 'attractiveness:export',
      companySiren: '732829320',
      companyName: `Fonderie test ${variant}`,
      naf: '24.10Z',
      offer: 'TRADE_FAIR',
      targetCountry: 'VN',
      date: '2025-03-03',
      status: 'PLANNED',
    }),
    patches: [{ status: 'COMPLETED' }, { offer: 'VIE' }, { targetCountry: 'JP' }],
    consistent,
    prefix: 'KIT-EXP',
  });
});

describe('site promotion writes (record kit)', () => {
  recordWriteTests({
    subgraph: 'attractiveness',
    spec: sitePromotionSpec,
    hub: () => hub,
    token: () => token,
    mutations: {
      create: 'createSitePromotion',
      update: 'updateSitePromotion',
      delete: 'deleteSitePromotion',
      input: 'SitePromotionInput',
      patch: 'SitePromotionPatch',
    },
    input: (reference, variant) => ({
      reference,
      territoryId: T,
      serviceId: 'attractiveness:promotion-internationale',
      siteName: 'Zone test',
      communeName: 'Commune test',
      hectares: 10 + variant,
      date: '2025-04-04',
      event: 'Global Industrie',
    }),
    patches: [{ event: 'Hannover Messe (Hanovre)' }, { hectares: 99.5 }, { siteName: 'Parc patché (test)' }],
    consistent,
    prefix: 'KIT-SIT',
  });
});

describe('cursors', () => {
  const PAGE = `query($id: ID!, $after: String) { territory(id: $id) { attractiveness {
    investments(first: 3, after: $after) { nodes { reference date } pageInfo { endCursor } } } } }`;
  type PageAnswer = {
    territory: {
      attractiveness: {
        investments: { nodes: { reference: string; date: string }[]; pageInfo: { endCursor: string } };
      };
    };
  };
  const page = async (after?: string) => {
    const r = await post<PageAnswer>(hub.gatewayUrl, PAGE, { id: T, after });
    expect(r.errors).toBeUndefined();
    return r.data!.territory.attractiveness.investments;
  };

  it('a cursor stays valid across a write before it in the territory: no record skipped or repeated', async () => {
    const expected = await db()
      .selectFrom('investment_project')
      .select(['reference', 'date'])
      .where('territory_id', '=', T)
      .orderBy('date', 'desc')
      .orderBy('reference')
      .limit(6)
      .execute();
    const first = await page();
    expect(first.nodes).toEqual(expected.slice(0, 3));
    // The most recent record of all, so first of the list: a position-based cursor would shift, a keyset one does not.
    const recent = await post(
      hub.gatewayUrl,
      `mutation($input: InvestmentProjectInput!) { createInvestmentProject(input: $input) { created } }`,
      {
        input: {
          reference: 'KIT-IDE-RECENT',
          territoryId: T,
          serviceId: 'attractiveness:investissement-etranger',
          investorName: 'Récent SA (test)',
          investorCountry: 'BE',
          sector: 'Plasturgie',
          naf: '22.29A',
          kind: 'CREATION',
          jobsCreated: 1,
          investmentEur: 1,
          date: '2027-12-31',
          status: 'DETECTED',
        },
      },
      { authorization: `Bearer ${token}` },
    );
    expect(recent.errors).toBeUndefined();
    expect((await page(first.pageInfo.endCursor)).nodes).toEqual(expected.slice(3, 6));
    const removed = await post(
      hub.gatewayUrl,
      `mutation { deleteInvestmentProject(reference: "KIT-IDE-RECENT") { deleted } }`,
      {},
      { authorization: `Bearer ${token}` },
    );
    expect(removed.errors).toBeUndefined();
  });
});
