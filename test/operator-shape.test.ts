// One shape for every operator folder (schema/CONVENTIONS.md "Operator folder shape", financing is the model):
// the kit's files for the kit's roles, the same exported names, record kinds declared on the kit, and no file of
// a retired role. Each folder is its own test, which names everything missing, so a failure reads as a to-do list.
// `territories` and `programme` are not operator folders: they serve reference data (the perimeters; the
// programme's catalogue and the State's facts) and, for the programme, records the territories write (action sheets,
// contracts, governance) with the kit's file roles but no operator (README, "Subgraphs").
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSubgraphList, ROOT } from '../subgraphs/runtime/registry.ts';
import type { RecordSpec } from '../subgraphs/runtime/records.ts';

/** Subgraphs that are not an operator's: they keep their own shape. */
export const NOT_OPERATORS = ['territories', 'programme'];

/** A role's file, and the names it must export (`default` is the SubgraphModule). */
const FILES: Record<string, string[]> = {
  'subgraph.ts': ['default'],
  'main.ts': [],
  'db.ts': [],
  'records.ts': [],
  'repository.ts': [],
  'loaders.ts': ['createLoaders'],
  'resolvers.ts': ['resolvers'],
  'catalogue.ts': [],
  'sample.ts': [],
  'load.ts': ['dataVersion', 'load'],
  'migrations/index.ts': ['migrations'],
  'README.md': [],
};
const DIRECTORIES = ['migrations', 'test', 'import-samples'];
/** Files of roles the kit took over (or renamed): their presence means a migration left something behind. */
const RETIRED: Record<string, string> = {
  'positions.ts': 'stored positions (the kit pages with keyset cursors: order in records.ts)',
  'filters.ts': 'per-operator filters (declare `filters` in records.ts; runtime/filters.ts turns them into SQL)',
  'generator.ts': 'sample generation (rename to sample.ts)',
  'generate.ts': 'sample generation (rename to sample.ts)',
  'actions.ts': 'sample generation (rename to sample.ts)',
  'mutations.ts': 'mutation wiring (resolvers.ts calls createOne/updateOne/deleteOne)',
  'queries.ts': 'SQL outside the repository (move it into repository.ts)',
};
/** What every record kind declares for the kit (runtime/records.ts). */
const SPEC_KEYS = ['owner', 'reservedKey', 'territoryColumn', 'order', 'filters', 'sample', 'checkIncomplete'] as const;
/** Members of a SubgraphModule every operator sets. */
const MODULE_KEYS = ['name', 'migrations', 'dataVersion', 'load', 'resolvers', 'records', 'context'] as const;

/** Everything that departs from the shape in one operator folder, in words (empty: the folder has the shape). */
export async function shapeProblems(root: string, name: string): Promise<string[]> {
  const dir = join(root, 'subgraphs', name);
  const problems: string[] = [];
  if (!existsSync(dir)) return [`subgraphs/${name}/ does not exist`];
  for (const file of Object.keys(FILES)) if (!existsSync(join(dir, file))) problems.push(`missing ${file}`);
  for (const d of DIRECTORIES)
    if (!existsSync(join(dir, d)) || !statSync(join(dir, d)).isDirectory()) problems.push(`missing ${d}/`);
  for (const [file, role] of Object.entries(RETIRED))
    if (existsSync(join(dir, file))) problems.push(`leftover ${file}: ${role}`);

  const modules = new Map<string, Record<string, unknown>>();
  for (const [file, names] of Object.entries(FILES)) {
    // main.ts starts a server when imported; README.md is not code.
    if (!file.endsWith('.ts') || file === 'main.ts' || !existsSync(join(dir, file))) continue;
    try {
      const module = (await import(join(dir, file))) as Record<string, unknown>;
      modules.set(file, module);
      for (const n of names) if (!(n in module)) problems.push(`${file} does not export ${n}`);
    } catch (error) {
      problems.push(`${file} does not load: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  const module = modules.get('subgraph.ts')?.default as Record<string, unknown> | undefined;
  if (module) {
    for (const key of MODULE_KEYS) if (module[key] == null) problems.push(`the SubgraphModule has no ${key}`);
    if (module.name !== name) problems.push(`the SubgraphModule is named "${String(module.name)}", not "${name}"`);
    if ('afterImport' in module) problems.push("the SubgraphModule sets afterImport (use the kind's afterWrite)");
    const specs = (Array.isArray(module.records) ? module.records : []) as RecordSpec[];
    if (Array.isArray(module.records) && specs.length === 0)
      problems.push('the SubgraphModule declares no record kind');
    const exported = new Set(Object.values(modules.get('records.ts') ?? {}));
    for (const spec of specs) {
      if (!exported.has(spec)) problems.push(`record kind "${spec.kind}" is not exported by records.ts`);
      const missing = SPEC_KEYS.filter((k) => spec[k] == null);
      if (missing.length) problems.push(`record kind "${spec.kind}" declares no ${missing.join(', ')}`);
      if (spec.order && spec.order.at(-1)?.column !== spec.key && spec.order.at(-1)?.column !== 'reference')
        problems.push(`record kind "${spec.kind}": its order does not end with its key (${spec.key})`);
      if (spec.owner && (!spec.owner.scope || typeof spec.owner.owns !== 'function'))
        problems.push(`record kind "${spec.kind}": its owner has no scope or owns rule`);
    }
  }
  return problems;
}

/** The operator folders of schema/supergraph.yaml under `root`. */
export const operatorsOf = (root = ROOT) =>
  readSubgraphList(join(root, 'schema/supergraph.yaml'), {})
    .map((s) => s.name)
    .filter((n) => !NOT_OPERATORS.includes(n));

describe('operator folder shape (schema/CONVENTIONS.md)', () => {
  it('lists at least the four operators', () => {
    expect(operatorsOf()).toEqual(
      expect.arrayContaining(['financing', 'recruitment', 'attractiveness', 'engineering']),
    );
  });

  for (const name of operatorsOf()) {
    it(`subgraphs/${name} has the kit's shape`, async () => {
      expect(await shapeProblems(ROOT, name)).toEqual([]);
    }, 60_000);
  }

  it('names what is missing (a folder with a retired file and no repository fails)', async () => {
    // The check itself must be able to fail: the territories folder is not an operator's.
    const problems = await shapeProblems(ROOT, 'territories');
    expect(problems).toEqual(expect.arrayContaining(['missing records.ts', 'missing repository.ts']));
  }, 60_000);
});
