// Provenance of aggregates (every *Summary, *Total, *Totals type): the datasets a figure is computed from and its
// nature. Operator records are SAMPLE (generated) or declared by the operator (REAL); an aggregate over them is
// SAMPLE (sample records only, or none), DERIVED (declared records only: the hub's sum of real data) or MIXED (both).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import DataLoader from 'dataloader';
import { sql, type Kysely } from 'kysely';
import type { DatasetRow } from './migrations.ts';
import { parseTerritoryId } from './perimeters.ts';

export type AggregateNature = 'REAL' | 'DERIVED' | 'SAMPLE' | 'MIXED';
export type Origin = 'SAMPLE' | 'OPERATOR';

export interface Provenance {
  nature: AggregateNature;
  datasets: DatasetRow[];
}

/** What an operator's records are made of: its tables (with `territory_id` and `origin`) and the dataset of each origin. */
export interface RecordProvenance {
  tables: readonly string[];
  /** The sample datasets of those tables (one per record kind when they differ). */
  sample: DatasetRow[];
  declared: DatasetRow;
}

/** Provenance of a figure over records of these origins. No record at all: the sample's (it generated none here). */
export function provenanceOf(origins: { sample: boolean; declared: boolean }, spec: RecordProvenance): Provenance {
  if (origins.declared && origins.sample) return { nature: 'MIXED', datasets: [...spec.sample, spec.declared] };
  if (origins.declared) return { nature: 'DERIVED', datasets: [spec.declared] };
  return { nature: 'SAMPLE', datasets: spec.sample };
}

/** Provenance from counts: records counted, of which declared by the operator. */
export function provenanceOfCounts(records: number, declared: number, spec: RecordProvenance): Provenance {
  return provenanceOf({ sample: records > declared, declared: declared > 0 }, spec);
}

/** Which territories hold records of which origin. */
type OriginIndex = Map<string, Set<Origin>>;
const indexes = new WeakMap<object, DataLoader<string, OriginIndex>>();

/** One statement per request and operator: the (territory, origin) pairs of its record tables. */
function originIndex<DB>(ctx: object, db: Kysely<DB>, spec: RecordProvenance): Promise<OriginIndex> {
  let loader = indexes.get(ctx);
  if (!loader) {
    loader = new DataLoader<string, OriginIndex>(async (keys) => {
      const union = spec.tables
        .map((table) => sql`select territory_id, origin from ${sql.table(table)}`)
        .reduce((a, b) => sql`${a} union ${b}`);
      const { rows } = await sql<{ territory_id: string; origin: Origin }>`${union}`.execute(db);
      const index: OriginIndex = new Map();
      for (const r of rows) index.set(r.territory_id, (index.get(r.territory_id) ?? new Set()).add(r.origin));
      return keys.map(() => index);
    });
    indexes.set(ctx, loader);
  }
  return loader.load('all');
}

/** A group of territories as `PanierTotal` names it: `TERRITORY` + id, `PHASE` + `2023-2027`, `REGION` + INSEE code. */
export function inGroup(group: string, key: string) {
  return (territoryId: string) => {
    if (group === 'TERRITORY') return territoryId === key;
    const parsed = parseTerritoryId(territoryId);
    return group === 'PHASE' ? parsed?.phase === key : parsed?.regionCode === key;
  };
}

/** Provenance of an aggregate over the records of the territories `scope` selects. */
export async function scopeProvenance<DB>(
  ctx: object,
  db: Kysely<DB>,
  spec: RecordProvenance,
  scope: (territoryId: string) => boolean,
): Promise<Provenance> {
  const origins = { sample: false, declared: false };
  for (const [territoryId, set] of await originIndex(ctx, db, spec)) {
    if (!scope(territoryId)) continue;
    if (set.has('SAMPLE')) origins.sample = true;
    if (set.has('OPERATOR')) origins.declared = true;
  }
  return provenanceOf(origins, spec);
}

/** What an aggregate's parent carries: its provenance, or what selects its territories. */
interface AggregateParent {
  provenance?: Provenance;
  territoryId?: string;
  group?: string;
  key?: string;
}

/**
 * `nature` and `datasets` resolvers for aggregate types whose parent carries either a `provenance` computed when it
 * was built, a `territoryId`, or a `group` and `key` (PanierTotal).
 */
export function provenanceResolvers<Ctx extends object, DB>(
  typeNames: readonly string[],
  spec: RecordProvenance,
  dbOf: (ctx: Ctx) => Kysely<DB>,
) {
  const resolve = async (parent: AggregateParent, ctx: Ctx): Promise<Provenance> => {
    if (parent.provenance) return parent.provenance;
    const scope = parent.territoryId
      ? (id: string) => id === parent.territoryId
      : inGroup(parent.group ?? '', parent.key ?? '');
    return scopeProvenance(ctx, dbOf(ctx), spec, scope);
  };
  const fields = {
    nature: async (parent: AggregateParent, _: unknown, ctx: Ctx) => (await resolve(parent, ctx)).nature,
    datasets: async (parent: AggregateParent, _: unknown, ctx: Ctx) => (await resolve(parent, ctx)).datasets,
  };
  return Object.fromEntries(typeNames.map((name) => [name, fields]));
}

// ---- catalogue entries: named in the programme's documents, or the operator's general offer ----

let offerOnly: Set<string> | undefined;
/**
 * True when the programme's documents name the service. The programme's catalogue
 * (subgraphs/programme/data/catalogue.csv) is where that is decided, entry by entry, with the passage quoted.
 */
export function namedInProgrammeDocuments(serviceId: string): boolean {
  offerOnly ??= new Set(
    (
      parse(readFileSync(new URL('../programme/data/catalogue.csv', import.meta.url)), { columns: true }) as {
        id: string;
        source: string;
      }[]
    )
      .filter((r) => r.source === 'operator-offer')
      .map((r) => r.id),
  );
  return !offerOnly.has(serviceId);
}

/** Where a catalogue entry the documents do not name comes from: the operator's general offer, said as such. */
export function operatorOfferDataset(slice: string, operator: string): DatasetRow {
  return {
    id: `${slice}-offre-generale`,
    title: `Offre générale de ${operator} (service non nommé dans les documents du programme)`,
    publisher: operator,
    licence: "Description by the hub of the operator's public offer",
    url: null,
    date: '2026-01-01',
    nature: 'REAL',
    note:
      `The programme's documents name ${operator} among the operators (conventions de mobilisation of 5 March 2019) but not this service: ` +
      "the entry summarises the operator's general offer; no figure comes from it. See subgraphs/programme/data/SOURCE.md.",
  };
}

/** The dataset of a catalogue entry: the operator's programme-documents dataset, or its general offer. */
export function catalogueEntryDataset(serviceId: string, documents: DatasetRow, slice: string, operator: string) {
  return namedInProgrammeDocuments(serviceId) ? documents : operatorOfferDataset(slice, operator);
}
