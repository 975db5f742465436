// Deterministic sample-data helpers for operator records that have no open data.
// Same seed → same records on every machine; SCALE multiplies record counts for load tests.
import { createHash } from 'node:crypto';
import { sirenChecksumOk } from './identifiers.ts';

/** `SCALE` (default 1): record-count multiplier of generated sample data. */
export function sampleScale(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SCALE ?? '1';
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1000)
    throw new Error(`SCALE must be a number in (0, 1000], got "${raw}"`);
  return scale;
}

/** A small, fast, seedable PRNG (mulberry32) seeded from any string. */
export function rng(seed: string) {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    /** Log-uniform amount between min and max, rounded to `step`. */
    amount: (min: number, max: number, step = 1000) =>
      Math.max(min, Math.round(Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))) / step) * step),
    /** ISO date between two years inclusive. */
    date: (fromYear: number, toYear: number) => {
      const start = Date.UTC(fromYear, 0, 1);
      const end = Date.UTC(toYear, 11, 31);
      return new Date(start + Math.floor(next() * (end - start))).toISOString().slice(0, 10);
    },
  };
}
export type Rng = ReturnType<typeof rng>;

/** A SIREN with a valid Luhn checksum, deterministic from the generator. */
export function sampleSiren(random: Rng): string {
  for (;;) {
    const body = String(random.int(30000000, 99999999)).padStart(8, '0');
    for (let check = 0; check <= 9; check++) {
      if (sirenChecksumOk(body + check)) return body + check;
    }
  }
}

/** Manufacturing divisions of NAF rév. 2 (section C), with the label used in sample company names. */
export const MANUFACTURING = [
  { naf: '10.51A', division: '10', label: 'Fromagerie', sector: 'Agroalimentaire' },
  { naf: '10.13A', division: '10', label: 'Salaisons', sector: 'Agroalimentaire' },
  { naf: '16.23Z', division: '16', label: 'Menuiseries', sector: 'Bois' },
  { naf: '17.21A', division: '17', label: 'Cartonnerie', sector: 'Papier-carton' },
  { naf: '20.59Z', division: '20', label: 'Chimie fine', sector: 'Chimie' },
  { naf: '21.20Z', division: '21', label: 'Laboratoires', sector: 'Pharmacie' },
  { naf: '22.29A', division: '22', label: 'Plasturgie', sector: 'Plasturgie' },
  { naf: '23.61Z', division: '23', label: 'Béton industriel', sector: 'Matériaux' },
  { naf: '24.10Z', division: '24', label: 'Aciéries', sector: 'Métallurgie' },
  { naf: '25.62B', division: '25', label: 'Mécanique de précision', sector: 'Travail des métaux' },
  { naf: '26.11Z', division: '26', label: 'Électronique', sector: 'Électronique' },
  { naf: '27.11Z', division: '27', label: 'Moteurs électriques', sector: 'Équipements électriques' },
  { naf: '28.29B', division: '28', label: 'Machines spéciales', sector: 'Machines et équipements' },
  { naf: '29.32Z', division: '29', label: 'Équipementier automobile', sector: 'Automobile' },
  { naf: '30.30Z', division: '30', label: 'Aéronautique', sector: 'Aéronautique et spatial' },
  { naf: '32.50A', division: '32', label: 'Dispositifs médicaux', sector: 'Santé' },
  { naf: '33.12Z', division: '33', label: 'Maintenance industrielle', sector: 'Réparation et installation' },
] as const;
export type Manufacturing = (typeof MANUFACTURING)[number];

/**
 * The sample industrial profile of a territory: 3 manufacturing activities, the same for every
 * operator (seeded by the territory id), so that sample records agree across subgraphs.
 */
export function industrialProfile(territoryId: string): Manufacturing[] {
  const random = rng(`profile:${territoryId}`);
  const profile = new Set<Manufacturing>();
  while (profile.size < 3) profile.add(random.pick(MANUFACTURING));
  return [...profile];
}

const COMPANY_SUFFIXES = ['SAS', 'SA', 'SARL', 'SASU'] as const;
const COMPANY_WORDS = [
  'Atelier',
  'Groupe',
  'Industries',
  'Manufacture',
  'Établissements',
  'Société',
  'Compagnie',
] as const;

/** A clearly fictitious company name: "<word> <activity> <commune> (échantillon)". */
export function sampleCompanyName(random: Rng, activity: Manufacturing, place: string): string {
  return `${random.pick(COMPANY_WORDS)} ${activity.label} ${place} ${random.pick(COMPANY_SUFFIXES)} (échantillon)`;
}

/** How many records a territory gets: `base` scaled, with a deterministic ±50 % spread. */
export function scaledCount(random: Rng, base: number, scale: number): number {
  return Math.max(0, Math.round(base * scale * (0.5 + random.next())));
}
