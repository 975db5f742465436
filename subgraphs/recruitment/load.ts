// Loads the recruitment database: real France Travail series (communes → territories), BMO basins and hiring
// needs, Baromètre departmental indicators, the catalogue's axes, and the sample actions. Actions declared by
// France Travail (origin OPERATOR) survive the reload: only the sample is replaced.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { writeDatasets } from '../runtime/migrations.ts';
import { loadGeography, loadPerimeters } from '../runtime/perimeters.ts';
import { sampleScale } from '../runtime/sample.ts';
import { CATALOGUE, DATASETS } from './catalogue.ts';
import type {
  EmploymentBasin,
  JobSeekerMonth,
  NewJobSeekerTerritory,
  NewRecruitmentAction,
  NewTerritoryBasin,
  RecruitmentDB,
} from './db.ts';
import { hiringCoverage, HIRING_NEEDS_FILE, readHiringNeeds } from './hiring-needs.ts';
import {
  BMO_FILE,
  communeSeries,
  JOB_SEEKERS_FILE,
  readBasins,
  territoryBasins,
  territorySeries,
} from './jobseekers.ts';
import { actionRecord } from './records.ts';
import { replaceData } from './repository.ts';
import { SAMPLE_VERSION } from './sample.ts';
import { BAROMETRE_FILE, readIndicators } from './sources.ts';

/** Bump when the loader's output changes (part of dataVersion). */
const LOADER_VERSION = 'recruitment-loader-v5-territory-card';

/** Changes with the source files, the catalogue, the sample generator and the scale factor. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  for (const file of [JOB_SEEKERS_FILE, BMO_FILE, BAROMETRE_FILE, HIRING_NEEDS_FILE]) hash.update(readFileSync(file));
  hash.update(JSON.stringify(CATALOGUE)).update(JSON.stringify(DATASETS));
  hash.update(`${LOADER_VERSION}|${SAMPLE_VERSION}|scale=${sampleScale()}`);
  return `${hash.digest('hex').slice(0, 16)}-x${sampleScale()}`;
}

export async function load(trx: Kysely<RecruitmentDB>): Promise<void> {
  const geo = loadGeography();
  const perimeters = loadPerimeters();
  const populationOf = (code: string) => geo.communeByCode.get(code)?.population ?? 0;
  const series = communeSeries(readFileSync(JOB_SEEKERS_FILE), (code) => geo.communeByCode.has(code));
  const basinOf = readBasins(readFileSync(BMO_FILE));
  const { occupations, needs } = readHiringNeeds(readFileSync(HIRING_NEEDS_FILE));

  const territories = [];
  const jobSeekerTerritories: NewJobSeekerTerritory[] = [];
  const basins: NewTerritoryBasin[] = [];
  for (const t of perimeters) {
    const js = territorySeries(t, series, populationOf);
    const months: JobSeekerMonth[] = [...js.months]
      .map(([month, value]) => ({ month, value }))
      .sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
    // Most communes first (territoryBasins' order).
    const own: EmploymentBasin[] = territoryBasins(t.communeCodes, basinOf).map((b) => ({
      basin_code: b.code,
      basin_name: b.name,
      commune_count: b.communeCount,
    }));
    territories.push({
      id: t.id,
      phase: t.phase,
      code: t.code,
      region_code: t.regionCode,
      // Denominator of the coverage: the same COG 2026 commune populations as the numerator (the
      // groupements' own published populations can be a little older and smaller).
      population: t.communeCodes.reduce((sum, code) => sum + populationOf(code), 0),
      commune_count: t.communeCodes.length,
      communes_with_data: js.communesWithData,
      population_covered: js.populationCovered,
      // The rows below, also on the territory's row (in the order its slice reads them): one read per batch.
      job_seekers: JSON.stringify(months),
      basins: JSON.stringify(own),
    });
    for (const m of months) jobSeekerTerritories.push({ territory_id: t.id, ...m });
    for (const b of own) basins.push({ territory_id: t.id, ...b });
  }
  await replaceData(trx, {
    territories,
    perimeters,
    services: CATALOGUE,
    jobSeekerCommunes: [...series].flatMap(([code, months]) =>
      [...months].map(([month, value]) => ({ commune_code: code, month, value })),
    ),
    jobSeekerTerritories,
    basins,
    indicators: readIndicators(),
    occupations,
    needs,
    coverage: hiringCoverage(perimeters, basinOf, populationOf, needs),
    sample: actionRecord.sample!(sampleScale()) as NewRecruitmentAction[],
  });
  await writeDatasets(trx, DATASETS);
}
