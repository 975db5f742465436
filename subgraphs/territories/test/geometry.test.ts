// ANCT's polygons: every territory of both phases has its shape, simplified within bounds, in one statement.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import type { TerritoriesContext } from '../resolvers.ts';
import { MAP_MAX_BYTES } from '../geometry.ts';
import territories from '../subgraph.ts';

/** A GeoJSON geometry (RFC 7946), as the tests walk it. */
type Geometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'GeometryCollection'; geometries: Geometry[] }
  | { type: 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon'; coordinates: unknown[] };
/** A feature of the territory map. */
interface Feature {
  properties: { id: string; name: string };
  geometry: Geometry;
}

// The published files, read independently of the subgraph's loading code.
const published = (phase: string) =>
  JSON.parse(readFileSync(new URL(`../data/ti-${phase}.geojson`, import.meta.url), 'utf8')) as {
    features: { properties: Record<string, string>; geometry: Geometry }[];
  };
const positions = (g: Geometry): number[][] =>
  g.type === 'Point'
    ? [g.coordinates]
    : g.type === 'GeometryCollection'
      ? g.geometries.flatMap(positions)
      : ((g.coordinates as unknown[]).flat(g.type === 'MultiPolygon' ? 2 : g.type === 'Polygon' ? 1 : 0) as number[][]);
const bbox = (g: Geometry) => {
  const p = positions(g);
  return [
    Math.min(...p.map((x) => x[0]!)),
    Math.min(...p.map((x) => x[1]!)),
    Math.max(...p.map((x) => x[0]!)),
    Math.max(...p.map((x) => x[1]!)),
  ];
};

let subgraph: TestSubgraph<TerritoriesContext>;
beforeAll(async () => {
  subgraph = await startTestSubgraph(territories);
});
afterAll(() => subgraph?.stop());

const MAP = 'query($phase: Phase!, $tolerance: Float) { territoryMap(phase: $phase, tolerance: $tolerance) }';
/** A territory's shape (GeoJSON scalar), null where none is published. */
type Shape = { territory: { geometry: Geometry | null } | null };

describe('maps of the territories', () => {
  it('draws every territory of each phase once, with its id and name, in one statement', async () => {
    for (const [phase, file, code] of [
      ['PHASE_2019_2022', '2019-2022', 'id_ti'],
      ['PHASE_2023_2027', '2023-2027', 'id_territoire'],
    ] as const) {
      const { data, errors, statements } = await subgraph.execute<{
        territoryMap: { type: string; features: Feature[] };
      }>(MAP, { phase });
      expect(errors).toBeUndefined();
      expect(statements).toBe(1);
      const { data: list } = await subgraph.execute<{ territories: { nodes: { id: string; name: string }[] } }>(
        'query($phase: Phase) { territories(phase: $phase, first: 200) { nodes { id name } } }',
        {
          phase,
        },
      );
      const map = data!.territoryMap;
      expect(map.type).toBe('FeatureCollection');
      expect(map.features.map((f) => [f.properties.id, f.properties.name])).toEqual(
        list!.territories.nodes.map((t) => [t.id, t.name]),
      );
      expect(new Set(map.features.map((f) => f.properties.id))).toEqual(
        new Set(published(file).features.map((f) => `${file}:${f.properties[code]}`)),
      );
      expect(JSON.stringify(map).length).toBeLessThan(MAP_MAX_BYTES);
    }
  });

  it('simplifies more as the tolerance grows, inside the published bounding box', async () => {
    const original = published('2023-2027').features.find((f) => f.properties.id_territoire === 'ti-8402')!.geometry;
    const sizes: number[] = [];
    for (const tolerance of [0.0001, 0.002, 0.02]) {
      const { data, errors } = await subgraph.execute<Shape>(
        'query($t: Float) { territory(id: "2023-2027:ti-8402") { geometry(tolerance: $t) } }',
        { t: tolerance },
      );
      expect(errors).toBeUndefined();
      const g = data!.territory!.geometry!;
      expect(['Polygon', 'MultiPolygon']).toContain(g.type);
      const [w, s, e, n] = bbox(original);
      const [w2, s2, e2, n2] = bbox(g);
      expect(w2! >= w! - 1e-5 && s2! >= s! - 1e-5 && e2! <= e! + 1e-5 && n2! <= n! + 1e-5).toBe(true);
      sizes.push(positions(g).length);
    }
    expect(sizes[0]).toBeLessThanOrEqual(positions(original).length);
    expect(sizes[1]).toBeLessThan(sizes[0]!);
    expect(sizes[2]).toBeLessThan(sizes[1]!);
  });

  it('serves the shapes ANCT publishes as points as points', async () => {
    const { data } = await subgraph.execute<Shape>('{ territory(id: "2019-2022:ti-9303") { geometry } }');
    expect(data!.territory!.geometry!.type).toBe(
      published('2019-2022').features.find((f) => f.properties.id_ti === 'ti-9303')!.geometry.type,
    );
  });

  it('batches the shapes of many territories in one statement', async () => {
    const { data, statements } = await subgraph.execute<{ territories: { nodes: { geometry: Geometry | null }[] } }>(
      '{ territories(phase: PHASE_2023_2027, first: 50) { nodes { id geometry(tolerance: 0.05) } } }',
    );
    expect(data!.territories.nodes.every((t) => t.geometry?.type)).toBe(true);
    expect(statements).toBe(2); // the page with its count, the geometries
  });

  it('refuses a tolerance out of bounds, naming the argument', async () => {
    for (const [query, variables] of [
      [MAP, { phase: 'PHASE_2023_2027', tolerance: 0 }],
      [MAP, { phase: 'PHASE_2023_2027', tolerance: 2 }],
      ['{ territory(id: "2023-2027:ti-8402") { geometry(tolerance: -1) } }', {}],
    ] as const) {
      const { errors } = await subgraph.execute(query, variables);
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0]?.message).toMatch(/tolerance/);
    }
  });
});
