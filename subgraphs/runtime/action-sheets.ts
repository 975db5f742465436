// Action sheets (fiches actions) as every subgraph sees them. The programme subgraph owns the sheets; operators'
// records may name the one they serve (`actionSheetId`). Both sides must agree on the sample sheets' ids without
// asking each other at load time, so which sample sheets a territory has, and their axes, is decided here.
import { parseTerritoryId, territoryIdsOf, type PhaseId } from './perimeters.ts';
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
