// The catalogue is REAL: every entry must quote the programme's documents copied in data/seeds/.
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph } from '../../../test/support/harness.ts';
import engineering from '../subgraph.ts';
import type { EngineeringSubgraph } from './support.ts';

const dataDir = new URL('../data/', import.meta.url);
const csv = parse(readFileSync(new URL('catalogue.csv', dataDir)), { columns: true }) as Record<string, string>[];
// Typographic apostrophes are written straight in catalogue.csv.
const seeds = readdirSync(new URL('seeds/', dataDir))
  .map((f) => readFileSync(new URL(`seeds/${f}`, dataDir), 'utf8'))
  .join('\n')
  .replace(/’/g, "'");

let sg: EngineeringSubgraph;

interface ServiceNode {
  id: string;
  carrier: string | null;
}
beforeAll(async () => {
  sg = await startTestSubgraph(engineering);
});
afterAll(async () => {
  await sg?.stop();
});

describe('engineeringCatalogue', () => {
  it('quotes the seeds verbatim for every entry', () => {
    for (const row of csv) {
      for (const part of row.source_quote!.split(' [...] ')) expect(seeds, row.slug).toContain(part);
    }
  });

  it('serves the catalogue file, with operator, carriers, axes and a REAL dataset', async () => {
    const { data, errors } = await sg.execute<{ engineeringCatalogue: ServiceNode[] }>(
      `{ engineeringCatalogue { id name operator carrier axes description dataset { id nature } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.engineeringCatalogue).toEqual(
      csv.map((row) => ({
        id: `engineering:${row.slug}`,
        name: row.name,
        operator: 'BANQUE_DES_TERRITOIRES',
        carrier: row.carrier || null,
        axes: row.axes ? row.axes.split(';') : [],
        description: row.description,
        // Loans to local authorities belong to the operator's general offer: the programme's documents do not name them.
        dataset: {
          id:
            row.slug === 'prets-collectivites'
              ? 'engineering-offre-generale'
              : 'banque-des-territoires-panier-services',
          nature: 'REAL',
        },
      })),
    );
    const byId = Object.fromEntries(data!.engineeringCatalogue.map((s) => [s.id, s]));
    expect(byId['engineering:mobili-jeune-vte']!.carrier).toBe('Action Logement');
    expect(byId['engineering:cofinancement-chef-de-projet']!.carrier).toBe('État');
    expect(byId['engineering:aide-recrutement-vte']!.carrier).toBe('État et Banque des Territoires');
  });

  it('filters by axis', async () => {
    const { data } = await sg.execute<{ r: ServiceNode[]; s: ServiceNode[] }>(
      `{ r: engineeringCatalogue(axis: RECRUIT) { id } s: engineeringCatalogue(axis: SIMPLIFY) { id } }`,
    );
    expect(data!.r.map((s) => s.id)).toEqual(
      csv.filter((r) => r.axes!.split(';').includes('RECRUIT')).map((r) => `engineering:${r.slug}`),
    );
    expect(data!.r.map((s) => s.id)).toEqual(['engineering:aide-recrutement-vte', 'engineering:mobili-jeune-vte']);
    expect(data!.s.map((s) => s.id)).toEqual(['engineering:cofinancement-chef-de-projet']);
  });

  it('labels its datasets: catalogue REAL, records SAMPLE', async () => {
    const { data } = await sg.execute<{ engineeringDatasets: { id: string; nature: string }[] }>(
      `{ engineeringDatasets { id nature } }`,
    );
    expect(data!.engineeringDatasets).toEqual(
      expect.arrayContaining([
        { id: 'banque-des-territoires-panier-services', nature: 'REAL' },
        { id: 'banque-des-territoires-echantillon', nature: 'SAMPLE' },
      ]),
    );
    // The same rows are in the database's dataset table.
    const rows = await sg.prepared.database.db.selectFrom('dataset').select(['id', 'nature']).orderBy('id').execute();
    expect(rows).toEqual([...data!.engineeringDatasets].sort((a, b) => a.id.localeCompare(b.id)));
  });
});
