// Loads the programme's catalogue and facts (data/*.csv) and the sample action sheets into its database. Sheets,
// contracts and governance declared by the territories or ANCT survive the reload: only the sample is replaced.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { writeDatasets } from '../runtime/migrations.ts';
import { sampleScale } from '../runtime/sample.ts';
import { searchable } from '../territories/db.ts';
import { dataFiles, DATASETS, readProgrammeData } from './catalogue.ts';
import { joinList, type ActionSheetRow, type ProgrammeDB } from './db.ts';
import { actionSheetRecord } from './records.ts';
import { replaceReferenceData, replaceSampleSheets } from './repository.ts';
import { SAMPLE_VERSION } from './sample.ts';

/** Changes when a data file, the perimeters, the sample generator or the scale change. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  for (const file of dataFiles()) hash.update(file);
  for (const phase of ['2019-2022', '2023-2027'])
    hash.update(readFileSync(new URL(`../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)));
  hash.update(JSON.stringify(DATASETS)).update(SAMPLE_VERSION).update('loader-v2-action-sheets');
  return `scale-${sampleScale()}-${hash.digest('hex').slice(0, 16)}`;
}

export async function load(db: Kysely<ProgrammeDB>): Promise<void> {
  const data = readProgrammeData();
  await replaceReferenceData(db, {
    documents: data.documents,
    services: data.catalogue.map((s) => ({
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
    milestones: data.milestones.map((m, position) => ({ position, ...m })),
    commitments: data.commitments.map((c, position) => ({
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
    phases: data.stages.map((s, position) => ({
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
  });
  await replaceSampleSheets(db, actionSheetRecord.sample!(sampleScale()) as ActionSheetRow[]);
  await writeDatasets(db, DATASETS);
}
