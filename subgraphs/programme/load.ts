// Loads the programme's catalogue and facts (data/*.csv) into its database.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import { writeDatasets } from '../runtime/migrations.ts';
import { searchable } from '../territories/db.ts';
import { dataFiles, DATASETS, readProgrammeData } from './catalogue.ts';
import { joinList, type ProgrammeDB } from './db.ts';

/** Changes when a data file changes. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  for (const file of dataFiles()) hash.update(file);
  hash.update('loader-v1');
  return hash.digest('hex').slice(0, 16);
}

export async function load(db: Kysely<ProgrammeDB>): Promise<void> {
  const data = readProgrammeData();
  for (const table of ['programme_phase', 'commitment', 'milestone', 'panier_service', 'programme_document'] as const)
    await db.deleteFrom(table).execute();
  await insertMany(db, 'programme_document', data.documents);
  await insertMany(
    db,
    'panier_service',
    data.catalogue.map((s) => ({
      id: s.id,
      position: s.position,
      name: s.name,
      operator: s.operator,
      carrier: s.carrier,
      search_carrier: searchable(s.carrier),
      carrier_kind: s.carrierKind,
      axes: joinList(s.axes),
      description: s.description,
      audiences: joinList(s.audiences),
      aid_types: joinList(s.aidTypes),
      start_date: s.startDate,
      submission_deadline: s.submissionDeadline,
      recurrence: s.recurrence,
      amount_rule: s.amountRule,
      in_france_relance: s.inFranceRelance === null ? null : s.inFranceRelance ? 1 : 0,
      official_url: s.officialUrl,
      source: s.source,
      source_quote: s.sourceQuote,
      also_listed_as: joinList(s.alsoListedAs),
    })),
  );
  await insertMany(
    db,
    'milestone',
    data.milestones.map((m, position) => ({ position, ...m })),
  );
  await insertMany(
    db,
    'commitment',
    data.commitments.map((c, position) => ({
      id: c.id,
      position,
      label: c.label,
      value: c.value,
      unit: c.unit,
      at_least: c.atLeast ? 1 : 0,
      announced_on: c.announcedOn,
      document: c.document,
      quote: c.quote,
    })),
  );
  await insertMany(
    db,
    'programme_phase',
    data.stages.map((s, position) => ({
      id: s.id,
      position,
      name: s.name,
      start_month: s.start,
      end_month: s.end,
      phase: s.phase,
      territory_count: s.territoryCount,
      document: s.document,
      quote: s.quote,
    })),
  );
  await writeDatasets(db, DATASETS);
}
