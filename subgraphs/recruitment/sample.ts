// Deterministic sample recruitment actions (the record kind's sample hook): no open data lists France Travail's
// actions per territory. Seeded per territory, plausible, consistent with the territory's industrial profile;
// the scale factor multiplies the counts.
import { sampleSheetOfRecord } from '../runtime/action-sheets.ts';
import { loadGeography, loadPerimeters, type PerimeterTerritory } from '../runtime/perimeters.ts';
import { industrialProfile, rng, sampleCompanyName, sampleSiren, scaledCount } from '../runtime/sample.ts';
import { CATALOGUE, type CatalogueService } from './catalogue.ts';
import type { NewRecruitmentAction } from './db.ts';

/** Bump when the generator changes: it is part of dataVersion(). */
export const SAMPLE_VERSION = 'actions-v3-no-transco-action-sheets';
/** Statuses are computed against this fixed date so that the sample does not change with the clock. */
export const STATUS_DATE = '2025-06-30';

/** Average number of actions per territory at SCALE=1 (≈ 4,000 over the 332 territories). */
const BASE_PER_TERRITORY = 13;
/** Share of territories where France Travail mobilised nothing (so `mobilised: false` is meaningful). */
const UNMOBILISED_SHARE = 0.07;

interface Profile {
  weight: number;
  firstYear: number;
  participants: [number, number];
  hireRate: [number, number];
  companies: [number, number];
  employer: boolean;
}
const PROFILES: Record<string, Profile> = {
  OFF: { weight: 30, firstYear: 2019, participants: [5, 60], hireRate: [0.1, 0.4], companies: [1, 1], employer: true },
  JOB: {
    weight: 25,
    firstYear: 2019,
    participants: [20, 150],
    hireRate: [0.1, 0.35],
    companies: [5, 30],
    employer: false,
  },
  FOR: {
    weight: 20,
    firstYear: 2019,
    participants: [8, 16],
    hireRate: [0.5, 0.85],
    companies: [1, 4],
    employer: false,
  },
  PMO: { weight: 8, firstYear: 2020, participants: [2, 20], hireRate: [0, 0.15], companies: [2, 8], employer: true },
  DAT: { weight: 10, firstYear: 2019, participants: [10, 40], hireRate: [0, 0], companies: [3, 20], employer: false },
};
// No Transitions collectives (the Ministry of Labour's tool, not France Travail's): the draws it took go to the
// five France Travail services in proportion to their weights, and a territory's number of actions is unchanged.
const TOTAL_WEIGHT = CATALOGUE.reduce((sum, s) => sum + PROFILES[s.code]!.weight, 0);

function pickService(next: () => number): CatalogueService {
  let x = next() * TOTAL_WEIGHT;
  for (const s of CATALOGUE) {
    x -= PROFILES[s.code]!.weight;
    if (x < 0) return s;
  }
  return CATALOGUE[CATALOGUE.length - 1]!;
}

/** Years of activity of a phase in the sample: 2019-2022, and 2023-2025 for the running phase. */
function phaseYears(phase: string): [number, number] {
  return phase === '2019-2022' ? [2019, 2022] : [2023, 2025];
}

export function generateActions(
  territory: Pick<PerimeterTerritory, 'id' | 'code' | 'phase' | 'communeCodes'>,
  scale: number,
  communeName: (code: string) => string,
): NewRecruitmentAction[] {
  const random = rng(`recruitment:actions:${territory.id}`);
  if (random.next() < UNMOBILISED_SHARE) return [];
  const count = scaledCount(random, BASE_PER_TERRITORY, scale);
  const profile = industrialProfile(territory.id);
  const [phaseFrom, phaseTo] = phaseYears(territory.phase);
  const digits = territory.code.slice(3);
  const rows: NewRecruitmentAction[] = [];
  for (let i = 0; i < count; i++) {
    const service = pickService(random.next);
    const p = PROFILES[service.code]!;
    const date = random.date(Math.max(phaseFrom, p.firstYear), phaseTo);
    const activity = random.pick(profile);
    const status =
      date > STATUS_DATE
        ? 'PLANNED'
        : date >= '2025-01-01'
          ? 'IN_PROGRESS'
          : random.next() < 0.08
            ? 'CANCELLED'
            : 'COMPLETED';
    const reached =
      status === 'PLANNED' || status === 'CANCELLED' ? 0 : random.int(p.participants[0], p.participants[1]);
    const rate = p.hireRate[0] + random.next() * (p.hireRate[1] - p.hireRate[0]);
    const hires = Math.round(reached * rate * (status === 'IN_PROGRESS' ? 0.5 : 1));
    const place = communeName(random.pick(territory.communeCodes));
    const employer = p.employer
      ? { siren: sampleSiren(random), name: sampleCompanyName(random, activity, place) }
      : null;
    const reference = `FT-${territory.phase.slice(0, 4)}-${digits}-${service.code}-${String(i + 1).padStart(4, '0')}`;
    rows.push({
      reference,
      territory_id: territory.id,
      service_id: service.id,
      title: `${random.pick(service.titles)} – ${activity.sector} (${place})`,
      date,
      year: Number(date.slice(0, 4)),
      status,
      participants: reached,
      hires,
      companies: status === 'CANCELLED' ? 0 : random.int(p.companies[0], p.companies[1]),
      naf_code: activity.naf,
      sector: activity.sector,
      employer_siren: employer?.siren ?? null,
      employer_name: employer?.name ?? null,
      // The action sheet it serves: one of the territory's sample sheets on the service's main axis, or none.
      action_sheet_id: sampleSheetOfRecord(territory.id, service.axes[0]!, reference, scale),
      origin: 'SAMPLE',
    });
  }
  return rows;
}

/** The sample actions of every territory of both phases (origin SAMPLE). */
export function sampleActions(scale: number): NewRecruitmentAction[] {
  const geo = loadGeography();
  const communeName = (code: string) => geo.communeByCode.get(code)?.name ?? code;
  return loadPerimeters().flatMap((t) => generateActions(t, scale, communeName));
}
