// Deterministic SAMPLE records of the Banque des Territoires per territory (the record kinds' sample hook): no open
// data lists them. Seeded by the territory id (same records on every machine), counts linear in SCALE.
import { sampleSheetOfRecord } from '../runtime/action-sheets.ts';
import { loadGeography, loadPerimeters, type PerimeterTerritory } from '../runtime/perimeters.ts';
import { industrialProfile, rng, sampleCompanyName, sampleSiren, scaledCount, type Rng } from '../runtime/sample.ts';
import { serviceOfKind } from './catalogue.ts';
import { RECORD_KINDS, type RecordKind, type RecordRow, type RecordStatus, type StudyKind } from './db.ts';

/** Bumped whenever the generator's output changes (part of dataVersion). */
export const SAMPLE_VERSION = 'engineering-sample-v4-action-sheets';

/** The real rule of the VTE hiring aid (seeds/001, AG of 15 Dec 2020): 4 000 € per VTE, 8 000 € for a VTE vert. */
export const VTE_AID_EUR = 4000;
export const GREEN_VTE_AID_EUR = 8000;
export const vteAidAmount = (green: boolean) => (green ? GREEN_VTE_AID_EUR : VTE_AID_EUR);
/** The VTE vert prime was announced at the end of 2020: sample green VTEs are hired from 2021 on. */
export const GREEN_VTE_FROM_YEAR = 2021;

/** Average records per territory at SCALE=1, before the ±50 % spread. */
const BASE = { studies: 4, projectManagers: 1, vtes: 6, loans: 2 } as const;
/** Share of territories with a cofunded project manager ("les plus fragiles"): a minority. */
const PROJECT_MANAGER_SHARE = 0.25;
/** Share of territories where the Banque des Territoires mobilised nothing (not every territory asks). */
const IDLE_SHARE = 0.05;
/** Last date of the sample: records stop at the end of 2025. */
const LAST_YEAR = 2025;

const KIND_CODE: Record<RecordKind, string> = {
  ENGINEERING_SUPPORT: 'ING',
  PROJECT_MANAGER_COFUNDING: 'CDP',
  VTE_AID: 'VTE',
  LOCAL_AUTHORITY_LOAN: 'PRT',
};

const LOAN_PURPOSES = [
  "Aménagement d'une zone d'activité économique",
  "Réhabilitation d'une friche industrielle",
  "Construction d'un bâtiment industriel locatif",
  'Réseau de chaleur alimentant une zone industrielle',
  "Desserte routière et ferroviaire d'un site industriel",
  "Pépinière et hôtel d'entreprises",
  'Extension du réseau très haut débit des zones d’activité',
] as const;

const PROJECTS = [
  "l'extension de la zone d'activité",
  "la reconversion d'une friche industrielle",
  'un site industriel clés en main',
  'une plateforme logistique mutualisée',
] as const;

/** A complete sample row (every column, kind-specific ones null for the other kinds). */
type Draft = RecordRow;

function phaseYears(t: PerimeterTerritory): [number, number] {
  return t.phase === '2019-2022' ? [2019, 2022] : [2023, LAST_YEAR];
}

/** Older records are paid or closed; recent ones still under review or committed. */
function statusFor(random: Rng, year: number): RecordStatus {
  if (year >= LAST_YEAR) return random.next() < 0.5 ? 'UNDER_REVIEW' : 'COMMITTED';
  if (year >= LAST_YEAR - 2) return random.next() < 0.5 ? 'COMMITTED' : 'PAID';
  return random.next() < 0.4 ? 'PAID' : 'CLOSED';
}

function studyTitle(random: Rng, kind: StudyKind, t: PerimeterTerritory, sector: string): string {
  switch (kind) {
    case 'STRATEGIC_STUDY':
      return `Étude stratégique : feuille de route industrielle du territoire « ${t.name} »`;
    case 'SECTOR_STUDY':
      return `Étude sectorielle : filière ${sector.toLowerCase()} du territoire « ${t.name} »`;
    case 'INVESTMENT_PROJECT_STUDY':
      return `Étude de projet d'investissement : ${random.pick(PROJECTS)}`;
  }
}

function territoryRecords(t: PerimeterTerritory, scale: number): Draft[] {
  const random = rng(`engineering:${t.id}`);
  const [fromYear, toYear] = phaseYears(t);
  const profile = industrialProfile(t.id);
  const geo = loadGeography();
  const [, regionCode] = /^ti-(\d{2})/.exec(t.code)!;
  const drafts: Draft[] = [];
  if (random.next() < IDLE_SHARE) return drafts;
  const counters = new Map<RecordKind, number>();
  const base = (
    kind: RecordKind,
    amount: number,
    date: string,
    beneficiary: { siren: string; name: string },
  ): Draft => {
    const seq = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, seq);
    const year = Number(date.slice(0, 4));
    const reference = `BDT-${KIND_CODE[kind]}-${t.phase.slice(0, 4)}-${t.code.slice(3)}-${String(seq).padStart(4, '0')}`;
    return {
      reference,
      territory_id: t.id,
      phase: t.phase,
      region_code: regionCode ?? t.regionCode,
      record_kind: kind,
      service_id: serviceOfKind(kind).id,
      amount_eur: amount,
      date,
      year,
      status: statusFor(random, year),
      beneficiary_siren: beneficiary.siren,
      beneficiary_name: beneficiary.name,
      title: null,
      study_kind: null,
      cofunding_rate: null,
      months: null,
      naf: null,
      green: null,
      purpose: null,
      duration_years: null,
      // The action sheet it serves: one of the territory's sample sheets on the service's main axis, or none.
      action_sheet_id: sampleSheetOfRecord(t.id, serviceOfKind(kind).axes[0]!, reference, scale),
      origin: 'SAMPLE',
    };
  };
  const groupement = () => random.pick(t.groupements);

  for (let i = scaledCount(random, BASE.studies, scale); i > 0; i--) {
    const kind = random.pick<StudyKind>([
      'STRATEGIC_STUDY',
      'SECTOR_STUDY',
      'SECTOR_STUDY',
      'INVESTMENT_PROJECT_STUDY',
      'INVESTMENT_PROJECT_STUDY',
    ]);
    const record = base(
      'ENGINEERING_SUPPORT',
      random.amount(10000, 120000, 500),
      random.date(fromYear, toYear),
      groupement(),
    );
    record.study_kind = kind;
    record.title = studyTitle(random, kind, t, random.pick(profile).sector);
    record.cofunding_rate = (random.int(6, 16) * 5) / 100; // 30 % to 80 % of the study's cost
    drafts.push(record);
  }

  if (random.next() < PROJECT_MANAGER_SHARE) {
    // The State's cofunding started with the recovery plan (2020) in the first phase.
    for (let i = Math.max(1, scaledCount(random, BASE.projectManagers, scale)); i > 0; i--) {
      const months = random.pick([12, 24, 36]);
      const record = base(
        'PROJECT_MANAGER_COFUNDING',
        months * random.int(15, 25) * 100,
        random.date(Math.max(fromYear, 2020), toYear),
        groupement(),
      );
      record.months = months;
      drafts.push(record);
    }
  }

  // A few companies hire several VTEs: a pool smaller than the number of hires.
  const vteCount = scaledCount(random, BASE.vtes, scale);
  const companies = Array.from({ length: Math.max(1, Math.ceil(vteCount * 0.7)) }, () => {
    const activity = random.pick(profile);
    const commune = geo.communeByCode.get(random.pick(groupement().communes));
    return {
      siren: sampleSiren(random),
      name: sampleCompanyName(random, activity, commune?.name ?? t.name),
      naf: activity.naf,
    };
  });
  for (let i = vteCount; i > 0; i--) {
    const company = random.pick(companies);
    const date = random.date(fromYear, toYear);
    const green = Number(date.slice(0, 4)) >= GREEN_VTE_FROM_YEAR && random.next() < 0.3;
    const record = base('VTE_AID', vteAidAmount(green), date, company);
    record.naf = company.naf;
    record.green = green ? 1 : 0;
    drafts.push(record);
  }

  for (let i = scaledCount(random, BASE.loans, scale); i > 0; i--) {
    const record = base(
      'LOCAL_AUTHORITY_LOAN',
      random.amount(150000, 5000000, 10000),
      random.date(fromYear, toYear),
      groupement(),
    );
    record.purpose = random.pick(LOAN_PURPOSES);
    record.duration_years = random.pick([15, 20, 25, 30, 40]);
    drafts.push(record);
  }
  return drafts;
}

/** Every sample record of both phases, per territory in perimeter order, then by kind, date and reference. */
export function generateRecords(scale: number): Draft[] {
  const kindOrder = new Map(RECORD_KINDS.map((k, i) => [k, i]));
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return loadPerimeters().flatMap((t) =>
    territoryRecords(t, scale).sort(
      (a, b) =>
        kindOrder.get(a.record_kind)! - kindOrder.get(b.record_kind)! ||
        byCode(a.date, b.date) ||
        byCode(a.reference, b.reference),
    ),
  );
}

let pending: { scale: number; records: Draft[]; kinds: Set<RecordKind> } | undefined;
/**
 * The sample records of one kind (each kind's `sample` hook). The load asks for the four kinds in turn: they are
 * generated once for the four, and nothing is kept once each kind has had its records (SCALE=100 is large).
 */
export function sampleOfKind(kind: RecordKind, scale: number): Draft[] {
  if (pending?.scale !== scale || !pending.kinds.has(kind))
    pending = { scale, records: generateRecords(scale), kinds: new Set(RECORD_KINDS) };
  pending.kinds.delete(kind);
  const records = pending.records.filter((r) => r.record_kind === kind);
  if (pending.kinds.size === 0) pending = undefined;
  return records;
}
