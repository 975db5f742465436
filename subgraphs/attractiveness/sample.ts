// Deterministic SAMPLE records of the attractiveness slice: foreign investment projects, export support
// actions and international promotion of industrial sites. No real per-territory records are open data.
// Each territory has its own seeds, so a territory's records do not depend on the others.
import {
  industrialProfile,
  MANUFACTURING,
  rng,
  sampleCompanyName,
  sampleSiren,
  scaledCount,
  type Rng,
} from '../runtime/sample.ts';
import { sampleSheetOfRecord } from '../runtime/action-sheets.ts';
import { loadGeography, loadPerimeters, type PerimeterTerritory } from '../runtime/perimeters.ts';
import { SERVICE, SERVICE_BY_ID } from './catalogue.ts';
import { COUNTRIES, type Country } from './countries.ts';
import type { NewExportSupport, NewInvestmentProject, NewSitePromotion } from './db.ts';

/** Bump when the generator's output changes (part of dataVersion). */
export const GENERATOR_VERSION = 'attractiveness-generator-v5-no-key-ready-label-action-sheets';

/** Sectors of the investment projects (the sample's and the ones operators may declare). */
export const SECTORS = [...new Set(MANUFACTURING.map((m) => m.sector))].sort();

/** Years of the sample records: each phase's years, the second phase up to the last full year of data. */
export const PHASE_YEARS: Record<string, [number, number]> = { '2019-2022': [2019, 2022], '2023-2027': [2023, 2025] };
/** Mean records per territory at SCALE=1 (±50 % spread per territory). */
export const BASE_COUNTS = { investments: 5, exportSupports: 6.5, sitePromotions: 1.5 };
/** Share of territories where Business France has no record at all (so `mobilised: false` is meaningful). */
export const INACTIVE_SHARE = 0.08;

const INVESTOR_STEMS = [
  'Aldren',
  'Borvik',
  'Castell',
  'Dunmore',
  'Elsing',
  'Ferrant',
  'Galvo',
  'Hollis',
  'Ingra',
  'Jarvik',
  'Kestrel',
  'Lumen',
  'Morland',
  'Norrtek',
  'Orsini',
  'Pellar',
  'Quinta',
  'Rotha',
  'Selden',
  'Tavor',
  'Ulmer',
  'Vester',
  'Wenzel',
  'Yamaro',
  'Zhenda',
] as const;
const SITE_KINDS = [
  'Parc d’activités',
  'Zone industrielle',
  'Parc industriel',
  'Zone d’activités économiques',
  'Site industriel',
] as const;
const SITE_PLACES = [
  'des Forges',
  'du Moulin',
  'de la Gare',
  'des Portes',
  'du Canal',
  'des Prés',
  'de l’Aérodrome',
  'Nord',
  'Sud',
  'des Sablons',
  'de la Plaine',
  'du Port',
  'des Tuileries',
] as const;
const PROMOTION_EVENTS = [
  'MIPIM (Cannes)',
  'Hannover Messe (Hanovre)',
  'Sommet Choose France',
  'Global Industrie',
  'Mission investisseurs Business France',
  'Webinaire investisseurs Business France',
  'Expo Real (Munich)',
] as const;

export interface GeneratedRecords {
  investments: NewInvestmentProject[];
  exportSupports: NewExportSupport[];
  sitePromotions: NewSitePromotion[];
}

function weighted<T>(random: Rng, items: readonly T[], weight: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let draw = random.next() * total;
  for (const item of items) {
    draw -= weight(item);
    if (draw < 0) return item;
  }
  return items[items.length - 1]!;
}

function choose<T extends string>(random: Rng, weights: Record<T, number>): T {
  return weighted(random, Object.keys(weights) as T[], (k) => weights[k]);
}

function investmentStatus(random: Rng, year: number): string {
  // Recent projects are still being detected or negotiated; older ones are decided or abandoned.
  if (year <= 2022) return choose(random, { DECIDED: 65, ABANDONED: 15, IN_PROGRESS: 10, DETECTED: 10 });
  if (year <= 2024) return choose(random, { DECIDED: 55, ABANDONED: 15, IN_PROGRESS: 20, DETECTED: 10 });
  return choose(random, { DECIDED: 30, ABANDONED: 10, IN_PROGRESS: 30, DETECTED: 30 });
}

export function generate(
  territories: readonly PerimeterTerritory[],
  communeName: (code: string) => string,
  scale: number,
): GeneratedRecords {
  const out: GeneratedRecords = { investments: [], exportSupports: [], sitePromotions: [] };
  for (const t of territories) {
    if (rng(`attractiveness:active:${t.id}`).next() < INACTIVE_SHARE) continue;
    const [fromYear, toYear] = PHASE_YEARS[t.phase]!;
    const profile = industrialProfile(t.id);
    const base = { territory_id: t.id, phase: t.phase, region_code: t.regionCode, origin: 'SAMPLE' as const };
    const ref = (kind: string, n: number) =>
      `BF-${kind}-${t.phase.slice(0, 4)}-${t.code.slice(3)}-${String(n).padStart(4, '0')}`;
    const place = (random: Rng) => communeName(random.pick(t.communeCodes));

    // Foreign investment projects.
    const ri = rng(`attractiveness:investments:${t.id}`);
    const investmentCount = scaledCount(ri, BASE_COUNTS.investments, scale);
    for (let i = 0; i < investmentCount; i++) {
      const activity = ri.pick(profile);
      const origin = weighted(ri, COUNTRIES, (c: Country) => c.invest);
      const kind = choose(ri, { CREATION: 35, EXTENSION: 50, TAKEOVER: 15 });
      const jobsCreated =
        kind === 'CREATION' ? ri.amount(10, 300, 1) : kind === 'EXTENSION' ? ri.amount(5, 150, 1) : ri.int(0, 40);
      const jobsSaved =
        kind === 'CREATION'
          ? 0
          : kind === 'EXTENSION'
            ? ri.next() < 0.5
              ? 0
              : ri.amount(10, 200, 1)
            : ri.amount(20, 400, 1);
      const investmentEur =
        kind === 'CREATION'
          ? ri.amount(500_000, 60_000_000, 10_000)
          : kind === 'EXTENSION'
            ? ri.amount(300_000, 40_000_000, 10_000)
            : ri.amount(200_000, 20_000_000, 10_000);
      const date = ri.date(fromYear, toYear);
      const year = Number(date.slice(0, 4));
      out.investments.push({
        ...base,
        reference: ref('IDE', i + 1),
        service_id: SERVICE.investment,
        date,
        year,
        investor_name: `${ri.pick(INVESTOR_STEMS)} ${activity.label} ${origin.legalForm} (échantillon)`,
        investor_country: origin.code,
        sector: activity.sector,
        naf: activity.naf,
        kind,
        jobs_created: jobsCreated,
        jobs_saved: jobsSaved,
        jobs: jobsCreated + jobsSaved,
        investment_eur: investmentEur,
        status: investmentStatus(ri, year),
      });
    }

    // Export support: a pool of companies, some supported several times.
    const re = rng(`attractiveness:export:${t.id}`);
    const exportCount = scaledCount(re, BASE_COUNTS.exportSupports, scale);
    const companies = Array.from({ length: Math.max(1, Math.round(exportCount * 0.6)) }, () => {
      const activity = re.pick(profile);
      return { siren: sampleSiren(re), name: sampleCompanyName(re, activity, place(re)), naf: activity.naf };
    });
    for (let i = 0; i < exportCount; i++) {
      const company = re.pick(companies);
      const date = re.date(fromYear, toYear);
      out.exportSupports.push({
        ...base,
        reference: ref('EXP', i + 1),
        service_id: SERVICE.export,
        date,
        year: Number(date.slice(0, 4)),
        company_siren: company.siren,
        company_name: company.name,
        naf: company.naf,
        offer: choose(re, { PROSPECTION_MISSION: 35, TRADE_FAIR: 35, VIE: 15, MARKET_STUDY: 15 }),
        target_country: weighted(re, COUNTRIES, (c: Country) => c.export).code,
        status: date > '2025-09-30' ? 'PLANNED' : re.next() < 0.88 ? 'COMPLETED' : 'CANCELLED',
      });
    }

    // Industrial sites promoted abroad. No "clés en main" labelling records: the label is the State's call
    // (state:sites-industriels-cles-en-main in the programme catalogue), not a Business France service.
    const rs = rng(`attractiveness:sites:${t.id}`);
    const newSite = (minHa: number, maxHa: number) => ({
      name: `${rs.pick(SITE_KINDS)} ${rs.pick(SITE_PLACES)}`,
      commune: place(rs),
      hectares: Math.round(rs.amount(minHa * 10, maxHa * 10, 1)) / 10,
    });
    let siteNumber = 0;
    const promotionCount = scaledCount(rs, BASE_COUNTS.sitePromotions, scale);
    const sites = Array.from({ length: Math.max(1, Math.ceil(promotionCount / 2)) }, () => newSite(2, 80));
    for (let i = 0; i < promotionCount; i++) {
      const site = rs.pick(sites);
      const date = rs.date(fromYear, toYear);
      out.sitePromotions.push({
        ...base,
        reference: ref('SIT', ++siteNumber),
        service_id: SERVICE.promotion,
        date,
        year: Number(date.slice(0, 4)),
        site_name: site.name,
        commune_name: site.commune,
        hectares: site.hectares,
        event: rs.pick(PROMOTION_EVENTS),
      });
    }
  }
  // The action sheet each record serves: one of its territory's sample sheets on the service's main axis, or none.
  for (const r of [...out.investments, ...out.exportSupports, ...out.sitePromotions])
    r.action_sheet_id = sampleSheetOfRecord(
      r.territory_id,
      SERVICE_BY_ID.get(r.service_id)!.axes[0]!,
      r.reference,
      scale,
    );
  return out;
}

let cached: { scale: number; records: GeneratedRecords } | undefined;

/** The sample of every territory at a scale (the record kinds' `sample` hook; generated once per scale). */
export function generateRecords(scale: number): GeneratedRecords {
  if (cached?.scale !== scale) {
    const geo = loadGeography();
    cached = {
      scale,
      records: generate(loadPerimeters(), (code) => geo.communeByCode.get(code)?.name ?? code, scale),
    };
  }
  return cached.records;
}
