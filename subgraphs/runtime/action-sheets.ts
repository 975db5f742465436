// Action sheets (fiches actions) as every subgraph sees them. The programme subgraph owns the sheets; operators'
// records may name the one they serve (`actionSheetId`). Both sides must agree on the sample sheets' ids without
// asking each other at load time, so which sample sheets a territory has, and their axes, is decided here.
import { writeDeadlineMs } from './deadline.ts';
import { DependencyUnavailable } from './errors.ts';
import { parseTerritoryId, territoryIdsOf, type PhaseId } from './perimeters.ts';
import type { FieldSpec, RecordSpec } from './records.ts';
import { subgraphEntry } from './registry.ts';
import { industrialProfile, rng, scaledCount, type Manufacturing } from './sample.ts';

export const ACTION_AXES = ['ATTRACT', 'RECRUIT', 'INNOVATE', 'SIMPLIFY'] as const;
export type ActionAxis = (typeof ACTION_AXES)[number];

/**
 * Sample sheets per territory at scale 1. Phase 2019-2022: the programme reported more than 1,000 actions over its 149
 * territories (7.5 on average); phase 2023-2027 is under way, so fewer sheets are written yet.
 */
const SHEETS_PER_TERRITORY: Readonly<Record<PhaseId, number>> = { '2019-2022': 7.5, '2023-2027': 4 };

/** Sample sheet ids: `FA-<first year of the phase>-<ANCT code digits>-<nnn>`, e.g. `FA-2019-8403-007`. */
export const SAMPLE_ACTION_SHEET_ID = /^FA-(2019|2023)-\d{4}-\d{3}$/;

/** Any sheet id: the sample's form, or one a territory's team chose (3 to 40 letters, digits, . _ / -). */
export const ACTION_SHEET_ID = /^[A-Za-z0-9][A-Za-z0-9._\/-]{2,39}$/;

export interface SampleActionSheet {
  id: string;
  territoryId: string;
  /** One or two axes; the first is the sheet's main axis. */
  axes: ActionAxis[];
  /** The industrial activity of the territory the sheet is about (its profile, runtime/sample.ts). */
  activity: Manufacturing;
}

/**
 * Axis weights by activity: recruitment-heavy trades (metal work, agri-food, plastics) lean to RECRUIT, technology
 * trades (electronics, pharmacy, aeronautics, medical devices) to INNOVATE; every territory attracts and simplifies.
 */
function axisWeights(activity: Manufacturing): Record<ActionAxis, number> {
  const innovative = ['21', '26', '30', '32', '20'].includes(activity.division);
  const labourIntensive = ['10', '16', '22', '24', '25', '29'].includes(activity.division);
  return {
    ATTRACT: 3,
    RECRUIT: labourIntensive ? 4 : 2,
    INNOVATE: innovative ? 4 : 2,
    SIMPLIFY: 1,
  };
}

function weightedAxis(next: () => number, weights: Record<ActionAxis, number>, except?: ActionAxis): ActionAxis {
  const axes = ACTION_AXES.filter((a) => a !== except);
  const total = axes.reduce((sum, a) => sum + weights[a], 0);
  let draw = next() * total;
  for (const axis of axes) {
    draw -= weights[axis];
    if (draw < 0) return axis;
  }
  return axes[axes.length - 1]!;
}

const memo = new Map<string, SampleActionSheet[]>();

/** The sample sheets of one territory (deterministic: same territory and scale, same sheets). */
export function sampleActionSheetsOf(territoryId: string, scale = 1): SampleActionSheet[] {
  const key = `${territoryId}|${scale}`;
  let sheets = memo.get(key);
  if (!sheets) memo.set(key, (sheets = generate(territoryId, scale)));
  return sheets;
}

function generate(territoryId: string, scale: number): SampleActionSheet[] {
  const parsed = parseTerritoryId(territoryId);
  if (!parsed) return [];
  const random = rng(`action-sheets:${territoryId}`);
  const count = Math.max(1, scaledCount(random, SHEETS_PER_TERRITORY[parsed.phase], scale));
  const profile = industrialProfile(territoryId);
  const digits = parsed.code.replace(/\D/g, '').padStart(4, '0').slice(-4);
  return Array.from({ length: count }, (_, i) => {
    const activity = profile[i % profile.length]!;
    const weights = axisWeights(activity);
    const main = weightedAxis(random.next, weights);
    const axes: ActionAxis[] = random.next() < 0.3 ? [main, weightedAxis(random.next, weights, main)] : [main];
    return {
      id: `FA-${parsed.phase.slice(0, 4)}-${digits}-${String(i + 1).padStart(3, '0')}`,
      territoryId,
      axes,
      activity,
    };
  });
}

/** Every sample sheet of a phase, territory by territory. */
export function sampleActionSheets(phase: PhaseId, scale = 1): SampleActionSheet[] {
  return territoryIdsOf(phase).flatMap((id) => sampleActionSheetsOf(id, scale));
}

/**
 * A sample sheet of the territory on this axis for an operator's sample record, or undefined (the record then
 * serves no sheet). `draw` in [0, 1) picks among matching sheets, and about a third of records serve none.
 */
export function sampleSheetFor(territoryId: string, axis: string, draw: number, scale = 1): string | undefined {
  if (draw < 1 / 3) return undefined;
  const matching = sampleActionSheetsOf(territoryId, scale).filter((s) => (s.axes as string[]).includes(axis));
  if (matching.length === 0) return undefined;
  return matching[Math.floor(((draw - 1 / 3) * 1.5 * matching.length) % matching.length)]!.id;
}

/** The draw of `sampleSheetFor` for one sample record, from its natural key: the record's other values are untouched. */
export function sampleSheetOfRecord(territoryId: string, axis: string, key: string, scale = 1): string | null {
  return sampleSheetFor(territoryId, axis, rng(`action-sheet-of:${key}`).next(), scale) ?? null;
}

// ---- the operators' side of the link: the `actionSheetId` field and the remote check against the programme ----

/** The optional `actionSheetId` of every operator record kind (GraphQL inputs and patches, CSV column). */
export const ACTION_SHEET_FIELD: FieldSpec = {
  name: 'actionSheetId',
  type: 'string',
  required: false,
  maxLength: 40,
  pattern: ACTION_SHEET_ID,
  patternHint: 'an action sheet id (3 to 40 letters, digits, ".", "_", "/" or "-", e.g. FA-2023-8412-003)',
  description:
    "Action sheet (fiche action) of the territory's contract this record serves, optional; must exist in the programme subgraph and belong to the record's territory",
};

/** What an operator needs to know of a sheet: that it exists, and its territory. */
export interface SheetFacts {
  id: string;
  territoryId: string;
}

/** `PROGRAMME_URL`, else the programme's routing URL of schema/supergraph.yaml (with `PROGRAMME_PORT`). */
export function programmeUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.PROGRAMME_URL || subgraphEntry('programme', env).url;
}

/**
 * How long an operator waits for the programme: `PROGRAMME_TIMEOUT_MS`, default 2000, and always at most half the
 * write deadline, so that a refused check still answers before WRITE_DEADLINE_MS (and the gateway's timeout).
 */
export function programmeTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const half = Math.floor(writeDeadlineMs(env) / 2);
  const raw = Number(env.PROGRAMME_TIMEOUT_MS ?? 2000);
  return Math.max(1, Math.min(Number.isFinite(raw) && raw > 0 ? raw : 2000, half));
}

const ENTITIES_QUERY =
  'query($r:[_Any!]!){ _entities(representations:$r){ ... on ActionSheet { id territory { id } } } }';

interface EntitiesAnswer {
  data?: { _entities?: ({ id?: unknown; territory?: { id?: unknown } | null } | null)[] } | null;
  errors?: { message?: string }[];
}

/**
 * Asks the programme subgraph which of these sheets exist, in one request (federation's `_entities`, with the hub's
 * shared secret when set). Unknown or deleted ids map to null. Throws DependencyUnavailable when the programme is
 * refused, too slow, or answers anything but a well-formed 200.
 */
export async function lookUpActionSheets(
  ids: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Map<string, SheetFacts | null>> {
  const unique = [...new Set(ids)];
  const found = new Map<string, SheetFacts | null>();
  if (unique.length === 0) return found;
  const url = programmeUrl(env);
  const timeout = programmeTimeoutMs(env);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (env.HUB_SHARED_SECRET) headers['x-hub-gateway-secret'] = env.HUB_SHARED_SECRET;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        query: ENTITIES_QUERY,
        variables: { r: unique.map((id) => ({ __typename: 'ActionSheet', id })) },
      }),
      signal: AbortSignal.timeout(timeout),
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeout} ms` : (e.cause?.code ?? e.message);
    throw new DependencyUnavailable(`the programme subgraph (${url}) could not be reached: ${why}`);
  }
  let body: EntitiesAnswer | undefined;
  try {
    body = (await response.json()) as EntitiesAnswer;
  } catch {
    body = undefined;
  }
  const entities = body?.data?._entities;
  // Errors beside the entities: some could not be resolved (a null would then not mean "no such sheet").
  if (
    response.status !== 200 ||
    !Array.isArray(entities) ||
    entities.length !== unique.length ||
    body?.errors?.length
  ) {
    const detail = body?.errors?.[0]?.message ?? 'no _entities in the answer';
    throw new DependencyUnavailable(`the programme subgraph (${url}) answered HTTP ${response.status}: ${detail}`);
  }
  unique.forEach((id, i) => {
    const entity = entities[i];
    const territoryId = entity?.territory?.id;
    found.set(id, entity && typeof territoryId === 'string' ? { id, territoryId } : null);
  });
  return found;
}

/**
 * The kit's `checkLinks` of a record kind whose values carry `actionSheetId` and `territoryId`: one `_entities`
 * request for the whole batch; a problem on `actionSheetId` when the sheet does not exist or belongs to another
 * territory. Values without a sheet (or without a valid territory) cost nothing.
 */
export function checkActionSheetLinks(
  field = ACTION_SHEET_FIELD.name,
  territoryField = 'territoryId',
): NonNullable<RecordSpec['checkLinks']> {
  return async (values, env) => {
    const named = values.map((v) => (typeof v[field] === 'string' ? (v[field] as string) : undefined));
    const sheets = await lookUpActionSheets(
      named.filter((id): id is string => id !== undefined),
      env,
    ).catch((error: unknown) => {
      throw error instanceof DependencyUnavailable ? new DependencyUnavailable(error.message, field) : error;
    });
    return values.map((value, i) => {
      const id = named[i];
      if (id === undefined) return [];
      const sheet = sheets.get(id);
      if (!sheet)
        return [
          { field, message: `action sheet "${id}" does not exist (unknown to the programme subgraph, or deleted)` },
        ];
      const territoryId = value[territoryField];
      if (typeof territoryId === 'string' && sheet.territoryId !== territoryId)
        return [
          {
            field,
            message: `action sheet "${id}" belongs to territory ${sheet.territoryId}, not to the record's territory ${territoryId}`,
          },
        ];
      return [];
    });
  };
}

/** What a record kind adds to its RecordSpec to name an action sheet: the remote check and the fields it reads. */
export const ACTION_SHEET_LINK = {
  checkLinks: checkActionSheetLinks(),
  linkFields: [ACTION_SHEET_FIELD.name, 'territoryId'],
} as const satisfies Pick<RecordSpec, 'checkLinks' | 'linkFields'>;
