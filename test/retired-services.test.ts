// Catalogue services an operator no longer runs (the VTE aid left Bpifrance for Banque des Territoires; Transitions
// collectives and Sites clés en main are State tools): each operator's numbered migration moves the records it
// declared under them to `retired_record`, whole, and leaves everything else alone. On the dialect of the run.
import type { Kysely, Migration } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../subgraphs/runtime/database.ts';
import { migrate } from '../subgraphs/runtime/migrations.ts';
import type { KitDB } from '../subgraphs/runtime/records.ts';
import { migrations as attractivenessMigrations } from '../subgraphs/attractiveness/migrations/index.ts';
import { migrations as financingMigrations } from '../subgraphs/financing/migrations/index.ts';
import { migrations as recruitmentMigrations } from '../subgraphs/recruitment/migrations/index.ts';
import { SERVICE_BY_ID as ATTRACTIVENESS_SERVICES } from '../subgraphs/attractiveness/catalogue.ts';
import { serviceById as FINANCING_SERVICES } from '../subgraphs/financing/catalogue.ts';
import { SERVICE_BY_ID as RECRUITMENT_SERVICES } from '../subgraphs/recruitment/catalogue.ts';
import { POSTGRES_URL } from './support/harness.ts';
import { testSchema } from './support/schemas.ts';

type Row = Record<string, string | number | null>;

interface Case {
  subgraph: string;
  migrations: Record<string, Migration>;
  migration: string;
  table: string;
  retired: string;
  kept: string;
  services: Map<string, unknown>;
  row: (reference: string, serviceId: string, origin: 'SAMPLE' | 'OPERATOR') => Row;
}

const CASES: Case[] = [
  {
    subgraph: 'financing',
    migrations: financingMigrations,
    migration: '004_retired_services',
    table: 'financing',
    retired: 'financing:vte',
    kept: 'financing:aide-innovation',
    services: FINANCING_SERVICES,
    row: (reference, service_id, origin) => ({
      reference,
      territory_id: '2023-2027:ti-8412',
      siren: '356000000',
      company_name: 'Déclarée SA',
      company_naf: '25.62B',
      service_id,
      instrument: 'GRANT',
      amount_eur: 4000,
      date: '2024-03-01',
      year: 2024,
      status: 'PAID',
      origin,
    }),
  },
  {
    subgraph: 'recruitment',
    migrations: recruitmentMigrations,
    migration: '005_retired_services',
    table: 'recruitment_action',
    retired: 'recruitment:transitions-collectives',
    kept: 'recruitment:formation',
    services: RECRUITMENT_SERVICES,
    row: (reference, service_id, origin) => ({
      reference,
      territory_id: '2023-2027:ti-8412',
      service_id,
      title: 'Parcours de reconversion',
      date: '2024-03-01',
      year: 2024,
      status: 'COMPLETED',
      participants: 12,
      hires: 5,
      companies: 3,
      naf_code: '25.62B',
      sector: 'Travail des métaux',
      employer_siren: null,
      employer_name: null,
      origin,
    }),
  },
  {
    subgraph: 'attractiveness',
    migrations: attractivenessMigrations,
    migration: '004_retired_services',
    table: 'site_promotion',
    retired: 'attractiveness:sites-cles-en-main',
    kept: 'attractiveness:promotion-internationale',
    services: ATTRACTIVENESS_SERVICES,
    row: (reference, service_id, origin) => ({
      reference,
      territory_id: '2019-2022:ti-8403',
      phase: '2019-2022',
      region_code: '84',
      service_id,
      date: '2021-02-01',
      year: 2021,
      origin,
      site_name: 'Parc industriel des Forges',
      commune_name: 'Bourg-en-Bresse',
      hectares: 42.5,
      event: 'Labellisation',
    }),
  },
];

const opened: Database<unknown>[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.splice(0).map((d) => d.close()));
});

describe.each(CASES)('$subgraph: records declared under a retired service', (c) => {
  it(`${c.retired} is no longer in the catalogue, and migration ${c.migration} retires its declared records`, async () => {
    expect(c.services.has(c.retired)).toBe(false);
    expect(c.services.has(c.kept)).toBe(true);
    expect(Object.keys(c.migrations)).toContain(c.migration);

    const database = await openDatabase<unknown>({
      name: c.subgraph,
      url: POSTGRES_URL ?? 'sqlite::memory:',
      schema: testSchema(`retired_${c.subgraph}`),
    });
    opened.push(database);
    // The tables of the day, as migrations see them.
    const db = database.db as Kysely<KitDB>;
    // The database as the released version left it: every migration before this one; then up to this one.
    const released = Object.fromEntries(Object.entries(c.migrations).filter(([name]) => name < c.migration));
    const upTo = Object.fromEntries(Object.entries(c.migrations).filter(([name]) => name <= c.migration));
    await migrate(database, c.subgraph, released);
    const rows = [
      c.row('DECL-RETIRED-1', c.retired, 'OPERATOR'),
      c.row('DECL-RETIRED-2', c.retired, 'OPERATOR'),
      c.row('DECL-KEPT-1', c.kept, 'OPERATOR'),
      c.row('SAMPLE-RETIRED-1', c.retired, 'SAMPLE'),
    ];
    await db.insertInto(c.table).values(rows).execute();

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await migrate(database, c.subgraph, upTo)).toEqual([c.migration]);
    // Whoever upgrades is told what left and why.
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\[${c.subgraph}\\] 2 declared record\\(s\\) of ${c.table} named ${c.retired}.*DECL-RETIRED-1, DECL-RETIRED-2`,
        ),
      ),
    ]);

    // Declared records of the retired service left the served table; the rest stayed (sample rows are replaced by
    // the next sample reload, which the new data version triggers).
    const left = await db.selectFrom(c.table).select(['reference']).orderBy('reference').execute();
    expect(left.map((r) => r.reference)).toEqual(['DECL-KEPT-1', 'SAMPLE-RETIRED-1']);

    // They are kept whole, readable, with the reason.
    const retired = await db
      .selectFrom('retired_record')
      .select(['table_name', 'reference', 'service_id', 'reason', 'record'])
      .orderBy('reference')
      .execute();
    expect(retired.map((r) => [r.table_name, r.reference, r.service_id])).toEqual([
      [c.table, 'DECL-RETIRED-1', c.retired],
      [c.table, 'DECL-RETIRED-2', c.retired],
    ]);
    expect(JSON.parse(String(retired[0]!.record))).toEqual(rows[0]);
    expect(retired[0]!.reason).toMatch(/state:|engineering:aide-recrutement-vte/);

    // Applied once: a restart runs nothing and retires nothing more.
    expect(await migrate(database, c.subgraph, upTo)).toEqual([]);
    expect((await db.selectFrom('retired_record').select('reference').execute()).length).toBe(2);
  });
});
