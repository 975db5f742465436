// Deterministic sample financings (the record kind's sample hook): no open data lists Bpifrance financings
// per company and territory. Same seed, same records; the scale factor multiplies the counts.
import { sampleSheetOfRecord } from '../runtime/action-sheets.ts';
import { loadGeography, loadPerimeters, type PerimeterTerritory } from '../runtime/perimeters.ts';
import {
  industrialProfile,
  rng,
  sampleCompanyName,
  sampleScale,
  sampleSiren,
  scaledCount,
  type Rng,
} from '../runtime/sample.ts';
import { SERVICES, type CatalogueService, type Instrument, type Status } from './catalogue.ts';
import type { NewFinancing, SampleCompany as Company } from './db.ts';

/** Bump when the generator's output changes (part of dataVersion). */
export const SAMPLE_VERSION = 'financing-sample-v3-action-sheets';

/** Years a territory's records may carry: 2019-2022 for the first phase, 2023-2025 (data so far) for the second. */
export function phaseYears(phase: string): [number, number] {
  return phase === '2019-2022' ? [2019, 2022] : [2023, 2025];
}

function weighted<T>(random: Rng, items: [T, number][]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = random.next() * total;
  for (const [item, w] of items) if ((x -= w) < 0) return item;
  return items[items.length - 1]![0];
}

/** Older files are mostly paid; the latest year still has requests in instruction. */
function status(random: Rng, year: number, lastYear: number): Status {
  const x = random.next();
  if (x < 0.05) return 'CANCELLED';
  if (year === lastYear) return x < 0.3 ? 'REQUESTED' : x < 0.7 ? 'GRANTED' : 'PAID';
  return x < 0.08 ? 'REQUESTED' : x < 0.3 ? 'GRANTED' : 'PAID';
}

function amount(random: Rng, service: CatalogueService): number {
  return 'fixed' in service.amount
    ? random.pick(service.amount.fixed)
    : random.amount(service.amount.min, service.amount.max, service.amount.step);
}

/** A generated financing: its company is on the row, as on declared ones. */
export type SampleFinancing = NewFinancing & { origin: 'SAMPLE' };
export interface Generated {
  companies: Company[];
  financings: SampleFinancing[];
}

/** Records of one territory; `taken` keeps SIRENs unique across territories. */
export function generateTerritory(territory: PerimeterTerritory, scale: number, taken: Set<string>): Generated {
  const random = rng(`financing:${territory.id}`);
  const [firstYear, lastYear] = phaseYears(territory.phase);
  const geo = loadGeography();
  const profile = industrialProfile(territory.id);

  const plan = SERVICES.map((service) => {
    const from = Math.max(firstYear, service.fromYear);
    const to = Math.min(lastYear, service.toYear);
    return { service, from, to, count: from <= to ? scaledCount(random, service.base, scale) : 0 };
  });
  const total = plan.reduce((s, p) => s + p.count, 0);

  // A pool of local companies, fewer than records: some companies get several financings.
  const companies: Company[] = [];
  for (let i = 0; i < Math.max(1, Math.ceil(total * 0.7)); i++) {
    let siren = sampleSiren(random);
    while (taken.has(siren)) siren = sampleSiren(random);
    taken.add(siren);
    const activity = random.pick(profile);
    const commune = geo.communeByCode.get(random.pick(territory.communeCodes));
    companies.push({
      siren,
      name: sampleCompanyName(random, activity, commune?.name ?? territory.name),
      naf: activity.naf,
      territory_id: territory.id,
    });
  }

  const prefix = `BPI-FIN-${territory.phase.slice(0, 4)}-${territory.code.slice(3)}`;
  const financings: SampleFinancing[] = [];
  for (const { service, from, to, count } of plan) {
    for (let i = 0; i < count; i++) {
      const date = random.date(from, to);
      const year = Number(date.slice(0, 4));
      const company = random.pick(companies);
      financings.push({
        reference: '',
        territory_id: territory.id,
        siren: company.siren,
        company_name: company.name,
        company_naf: company.naf,
        origin: 'SAMPLE',
        service_id: service.id,
        instrument: weighted<Instrument>(random, service.instruments),
        amount_eur: amount(random, service),
        date,
        year,
        status: status(random, year, lastYear),
      });
    }
  }
  // References number the territory's records in date order: stable natural keys.
  financings.sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      a.service_id.localeCompare(b.service_id) ||
      a.siren.localeCompare(b.siren) ||
      a.amount_eur - b.amount_eur,
  );
  financings.forEach((f, i) => {
    f.reference = `${prefix}-${String(i + 1).padStart(4, '0')}`;
    // The action sheet it serves: one of the territory's sample sheets on the service's main axis, or none.
    const axis = SERVICES.find((s) => s.id === f.service_id)!.axes[0]!;
    f.action_sheet_id = sampleSheetOfRecord(territory.id, axis, f.reference, scale);
  });
  return { companies, financings };
}

/** All sample records, in a stable order (territories in perimeter order). */
export function generateAll(scale = sampleScale()): Generated {
  const taken = new Set<string>();
  const companies: Company[] = [];
  const financings: SampleFinancing[] = [];
  for (const territory of loadPerimeters()) {
    const generated = generateTerritory(territory, scale, taken);
    companies.push(...generated.companies);
    financings.push(...generated.financings);
  }
  return { companies, financings };
}
