// Shareable reference data (schema/CONVENTIONS.md): an entity field that several subgraphs answer is listed here, and
// every one of them answers it identically for every key, so the gateway may take it from whichever it is already
// fetching.
import { readFileSync } from 'node:fs';
import { Kind, parse, type ConstDirectiveNode, type ObjectTypeDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeography } from '../subgraphs/runtime/perimeters.ts';
import { SUPERGRAPH_FILE } from '../subgraphs/runtime/registry.ts';
import type { SubgraphContext } from '../subgraphs/runtime/subgraph.ts';
import { startTestSubgraph, type TestSubgraph } from './support/harness.ts';
import { loadModule } from './support/hub.ts';

/** Every entity field answered by more than one subgraph: which subgraphs, and every key to compare them on. */
const SHARED_REFERENCE = [
  {
    type: 'Department',
    field: 'name',
    key: 'code',
    subgraphs: ['financing', 'territories'],
    keys: () => loadGeography().departments.map((d) => d.code),
  },
];

const argument = (d: ConstDirectiveNode, name: string) => {
  const value = d.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING || value?.kind === Kind.ENUM ? value.value : undefined;
};

/** `Type.field` → the subgraphs (lower case) that resolve it, for the non-key fields of entity types. */
function sharedEntityFields(): Record<string, string[]> {
  const shared: Record<string, string[]> = {};
  for (const def of parse(readFileSync(SUPERGRAPH_FILE, 'utf8')).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const type = def as ObjectTypeDefinitionNode;
    const joins = (type.directives ?? []).filter((d) => d.name.value === 'join__type');
    const keys = joins.map((d) => argument(d, 'key')).filter((k): k is string => !!k);
    if (keys.length === 0) continue;
    const keyFields = new Set(keys.flatMap((k) => k.split(/\s+/)));
    for (const field of type.fields ?? []) {
      if (keyFields.has(field.name.value)) continue;
      const fieldJoins = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
      // No join__field: every subgraph of the type defines the field.
      const graphs = (fieldJoins.length ? fieldJoins : joins).map((d) => argument(d, 'graph')!.toLowerCase());
      if (graphs.length > 1) shared[`${type.name.value}.${field.name.value}`] = [...new Set(graphs)].sort();
    }
  }
  return shared;
}

describe('shareable reference data', () => {
  it('lists every entity field that several subgraphs answer (add it here, and to schema/CONVENTIONS.md)', () => {
    expect(sharedEntityFields()).toEqual(
      Object.fromEntries(SHARED_REFERENCE.map((s) => [`${s.type}.${s.field}`, s.subgraphs])),
    );
  });

  const subgraphs = new Map<string, TestSubgraph<SubgraphContext>>();
  beforeAll(async () => {
    for (const name of new Set(SHARED_REFERENCE.flatMap((s) => s.subgraphs)))
      subgraphs.set(name, await startTestSubgraph(await loadModule(name)));
  }, 300_000);
  afterAll(async () => {
    await Promise.all([...subgraphs.values()].map((s) => s.stop()));
  });

  for (const shared of SHARED_REFERENCE) {
    it(`${shared.type}.${shared.field} is the same in ${shared.subgraphs.join(' and ')} for every ${shared.key}, and unknown keys are null in each`, async () => {
      const keys = [...shared.keys(), 'zz-unknown'];
      const answers = await Promise.all(
        shared.subgraphs.map(async (name) => {
          const r = await subgraphs
            .get(name)!
            .execute<{ _entities: (Record<string, string> | null)[] }>(
              `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${shared.type} { ${shared.key} ${shared.field} } } }`,
              { r: keys.map((key) => ({ __typename: shared.type, [shared.key]: key })) },
            );
          expect([name, r.errors]).toEqual([name, undefined]);
          return r.data!._entities;
        }),
      );
      expect(answers[0]!.length).toBe(keys.length);
      expect(answers[0]!.at(-1)).toBeNull();
      expect(answers[0]!.slice(0, -1).every((e) => typeof e?.[shared.field] === 'string')).toBe(true);
      for (const [i, answer] of answers.entries())
        expect([shared.subgraphs[i], answer]).toEqual([shared.subgraphs[i], answers[0]]);
    });
  }
});
