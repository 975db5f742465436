// ANCT's official polygons of the territories (data/*.geojson): read at load, simplified at request time.
import { readFileSync } from 'node:fs';
import simplify from '@turf/simplify';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { badInput } from '../runtime/errors.ts';
import { PHASES, type PhaseId } from '../runtime/perimeters.ts';

export const GEOMETRY_FILE = (phase: PhaseId) => new URL(`./data/ti-${phase}.geojson`, import.meta.url);
/** The property holding the ANCT code differs between ANCT's two files. */
const CODE_PROPERTY: Record<PhaseId, string> = { '2019-2022': 'id_ti', '2023-2027': 'id_territoire' };

/** Tolerances in degrees (Douglas-Peucker); 0.01° ≈ 1 km. */
export const TOLERANCE = {
  territoryDefault: 0.002,
  mapDefault: 0.01,
  min: 0.0001,
  max: 0.5,
} as const;
/** A whole phase above this size is refused with a hint to raise the tolerance. */
export const MAP_MAX_BYTES = 5_000_000;
/** Coordinates are rounded to 5 decimals (≈ 1 m): the polygons are generalised well beyond that. */
const PRECISION = 1e5;

/** Every feature of both files as `{ territoryId, geometry }`; throws on a feature without a known code. */
export function readGeometries(knownIds: Set<string>): { territoryId: string; geojson: string }[] {
  return PHASES.flatMap((phase) => {
    const collection = JSON.parse(readFileSync(GEOMETRY_FILE(phase), 'utf8')) as FeatureCollection;
    return collection.features.map((feature, index) => {
      const code = feature.properties?.[CODE_PROPERTY[phase]];
      const territoryId = `${phase}:${code}`;
      if (!knownIds.has(territoryId))
        throw new Error(
          `data/ti-${phase}.geojson, feature ${index}: "${code}" is not a territory of the ${phase} list`,
        );
      return { territoryId, geojson: JSON.stringify(feature.geometry) };
    });
  });
}

export function checkTolerance(value: number, min: number = TOLERANCE.min): number {
  if (!Number.isFinite(value) || value < min || value > TOLERANCE.max)
    throw badInput('tolerance', `must be between ${min} and ${TOLERANCE.max} degrees (0.01° ≈ 1 km), got ${value}`);
  return value;
}

const round = (p: Position): Position => [
  Math.round(p[0]! * PRECISION) / PRECISION,
  Math.round(p[1]! * PRECISION) / PRECISION,
];

function roundGeometry(g: Geometry): Geometry {
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coordinates: round(g.coordinates) };
    case 'MultiPoint':
    case 'LineString':
      return { ...g, coordinates: g.coordinates.map(round) } as Geometry;
    case 'MultiLineString':
    case 'Polygon':
      return { ...g, coordinates: g.coordinates.map((ring) => ring.map(round)) } as Geometry;
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map((ring) => ring.map(round))) };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: g.geometries.map(roundGeometry) };
  }
}

/** The stored geometry simplified with @turf/simplify at `tolerance` degrees, coordinates rounded. */
export function simplified(geojson: string, tolerance: number): Geometry {
  const geometry = JSON.parse(geojson) as Geometry;
  return roundGeometry(simplify(geometry, { tolerance, highQuality: false, mutate: true }));
}

export function featureCollection(features: Feature[]): FeatureCollection {
  return { type: 'FeatureCollection', features };
}
