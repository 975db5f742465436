// DataLoaders of the territories subgraph: one SQL statement per batch. A territory's region, departments and
// groupements come on its row (migration 004), so they need no loader. Everything here is published data written
// only at load; the rows every panier reads (territories, regions, departments: a few hundred) are read once per
// process (runtime/loaders.ts referenceLoader), the bulkier ones (communes, outlines) once per request.
import type { Kysely } from 'kysely';
import { manyLoader, oneBatch, oneLoader, referenceLoader } from '../runtime/loaders.ts';
import type { CommuneRow, DepartmentRow, PhaseLinkRow, RegionRow, TerritoriesDB, TerritoryRow } from './db.ts';

export function createLoaders(db: Kysely<TerritoriesDB>) {
  return {
    territory: referenceLoader(
      db,
      'territory',
      oneBatch<string, TerritoryRow>(
        (ids) => db.selectFrom('territory').selectAll().where('id', 'in', ids).execute(),
        (t) => t.id,
      ),
    ),
    region: referenceLoader(
      db,
      'region',
      oneBatch<string, RegionRow>(
        (codes) => db.selectFrom('region').selectAll().where('code', 'in', codes).execute(),
        (r) => r.code,
      ),
    ),
    department: referenceLoader(
      db,
      'department',
      oneBatch<string, DepartmentRow>(
        (codes) => db.selectFrom('department').selectAll().where('code', 'in', codes).execute(),
        (d) => d.code,
      ),
    ),
    commune: oneLoader<string, CommuneRow>(
      (codes) => db.selectFrom('commune').selectAll().where('code', 'in', codes).execute(),
      (c) => c.code,
    ),
    communesOfTerritory: manyLoader<string, CommuneRow & { territory_id: string }>(
      (ids) =>
        db
          .selectFrom('territory_commune as tc')
          .innerJoin('commune as c', 'c.code', 'tc.commune_code')
          .selectAll('c')
          .select('tc.territory_id')
          .where('tc.territory_id', 'in', ids)
          .orderBy('c.code')
          .execute(),
      (c) => c.territory_id,
    ),
    communesOfGroupement: manyLoader<string, CommuneRow & { siren: string }>(
      (sirens) =>
        db
          .selectFrom('groupement_commune as gc')
          .innerJoin('commune as c', 'c.code', 'gc.commune_code')
          .selectAll('c')
          .select('gc.siren')
          .where('gc.siren', 'in', sirens)
          .orderBy('c.code')
          .execute(),
      (c) => c.siren,
    ),
    territoriesOfGroupement: manyLoader<string, TerritoryRow & { siren: string }>(
      (sirens) =>
        db
          .selectFrom('territory_groupement as tg')
          .innerJoin('territory as t', 't.id', 'tg.territory_id')
          .selectAll('t')
          .select('tg.siren')
          .where('tg.siren', 'in', sirens)
          .orderBy('t.position')
          .execute(),
      (t) => t.siren,
    ),
    territoriesOfCommune: manyLoader<string, TerritoryRow & { commune_code: string }>(
      (codes) =>
        db
          .selectFrom('territory_commune as tc')
          .innerJoin('territory as t', 't.id', 'tc.territory_id')
          .selectAll('t')
          .select('tc.commune_code')
          .where('tc.commune_code', 'in', codes)
          .orderBy('t.position')
          .execute(),
      (t) => t.commune_code,
    ),
    territoriesOfRegion: manyLoader<string, TerritoryRow>(
      (codes) => db.selectFrom('territory').selectAll().where('region_code', 'in', codes).orderBy('position').execute(),
      (t) => t.region_code,
    ),
    geometry: oneLoader<string, { territory_id: string; geojson: string }>(
      (ids) => db.selectFrom('territory_geometry').selectAll().where('territory_id', 'in', ids).execute(),
      (g) => g.territory_id,
    ),
    /** The links of a page of territories to the other phase: one statement per batch. */
    phaseLinksOfTerritory: manyLoader<string, PhaseLinkRow>(
      (ids) =>
        db
          .selectFrom('phase_link')
          .selectAll()
          .where('territory_id', 'in', ids)
          .orderBy('territory_id')
          .orderBy('position')
          .execute(),
      (l) => l.territory_id,
    ),
    departmentsOfRegion: manyLoader<string, DepartmentRow>(
      (codes) => db.selectFrom('department').selectAll().where('region_code', 'in', codes).orderBy('code').execute(),
      (d) => d.region_code,
    ),
  };
}

export type TerritoriesLoaders = ReturnType<typeof createLoaders>;
