// The committed supergraph is what the SDL files compose to, and composition errors name their subgraph.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse, print, visit, type ASTNode, type DefinitionNode } from 'graphql';
import { compose, sourcesFromList, supergraphFileContent } from '../schema/compose.ts';
import { readSubgraphList, ROOT, SUPERGRAPH_FILE } from '../subgraphs/runtime/registry.ts';

/** What these checks read of a type definition, its fields, enum values and arguments. */
interface Documented {
  name: { value: string };
  description?: unknown;
  fields?: readonly Documented[];
  values?: readonly Documented[];
  arguments?: readonly Documented[];
}

const run = promisify(execFile);

describe('composition', () => {
  it('the committed schema/supergraph.graphql is up to date (run `npm run compose` if this fails)', () => {
    const result = compose(sourcesFromList());
    expect(result.ok).toBe(true);
    if (result.ok) expect(readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(supergraphFileContent(result.supergraphSdl));
  });

  it('lists every subgraph of supergraph.yaml in the supergraph, with its routing URL', () => {
    const supergraph = readFileSync(SUPERGRAPH_FILE, 'utf8');
    for (const s of readSubgraphList(undefined, {})) {
      expect(supergraph).toContain(`name: "${s.name}", url: "${s.url}"`);
    }
  });

  it('documents every type, field, argument and enum value of every subgraph', () => {
    const missing: string[] = [];
    for (const source of sourcesFromList()) {
      for (const def of parse(source.sdl).definitions as (DefinitionNode & Documented)[]) {
        if (!def.name || def.kind.endsWith('Extension')) continue;
        const type = `${source.name}: ${def.name.value}`;
        if (!def.description) missing.push(type);
        for (const field of [...(def.fields ?? []), ...(def.values ?? [])]) {
          if (!field.description) missing.push(`${type}.${field.name.value}`);
          for (const arg of field.arguments ?? [])
            if (!arg.description) missing.push(`${type}.${field.name.value}(${arg.name.value})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps the shared types of schema/CONVENTIONS.md identical in every subgraph that copies them', () => {
    // Descriptions may differ; fields, arguments, types and enum values may not. A new operator may add its own
    // value to `Operator` (output-only enum), never remove one.
    const SHARED = [
      'Phase',
      'Dataset',
      'DataNature',
      'PageInfo',
      'Axis',
      'Service',
      'ServiceMobilisation',
      'PanierSummary',
      'TotalsGroup',
      'PanierTotal',
      'DeleteResult',
    ];
    const OPERATORS = ['BPIFRANCE', 'FRANCE_TRAVAIL', 'BUSINESS_FRANCE', 'BANQUE_DES_TERRITOIRES'];
    const shapes = new Map<string, Map<string, string[]>>();
    for (const source of sourcesFromList()) {
      for (const def of parse(source.sdl).definitions as (DefinitionNode & Documented)[]) {
        const name = def.name?.value;
        if (name === 'Operator')
          expect([source.name, OPERATORS.filter((o) => !def.values?.some((v) => v.name.value === o))]).toEqual([
            source.name,
            [],
          ]);
        if (!SHARED.includes(name)) continue;
        const shape = print(
          visit(def as ASTNode, {
            enter: (node: ASTNode) =>
              'description' in node && node.description ? { ...node, description: undefined } : undefined,
          }),
        );
        const variants = shapes.get(name) ?? new Map<string, string[]>();
        variants.set(shape, [...(variants.get(shape) ?? []), source.name]);
        shapes.set(name, variants);
      }
    }
    const drifted = [...shapes]
      .filter(([, variants]) => variants.size > 1)
      .map(([name, variants]) => `${name}: ${[...variants.values()].map((v) => v.join('+')).join(' ≠ ')}`);
    expect(drifted).toEqual([]);
    expect([...shapes.keys()].sort()).toEqual([...SHARED].sort());
  });

  it('reports each error with the subgraph it comes from', () => {
    const sources = sourcesFromList();
    // An invalid subgraph on its own…
    const badKey = compose(
      sources.map((s) =>
        s.name === 'territories'
          ? { ...s, sdl: s.sdl.replace('type Territory @key(fields: "id") {', 'type Territory @key(fields: "nope") {') }
          : s,
      ),
    );
    expect(badKey.ok).toBe(false);
    if (!badKey.ok)
      expect(badKey.errors.map((e) => [e.subgraphs, e.code])).toContainEqual([['territories'], 'KEY_INVALID_FIELDS']);
    // …and two subgraphs that disagree.
    const clash = compose([
      ...sources,
      { name: 'intruder', url: 'http://127.0.0.1:1/graphql', sdl: 'type Query { territories: Int }' },
    ]);
    expect(clash.ok).toBe(false);
    if (!clash.ok) {
      expect(clash.errors.map((e) => [e.code, e.subgraphs])).toContainEqual([
        'FIELD_TYPE_MISMATCH',
        ['intruder', 'territories'],
      ]);
      expect(clash.errors.every((e) => e.code && e.message)).toBe(true);
    }
  });

  it('`npm run compose` exits non-zero and prints every error with its subgraph', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    writeFileSync(
      join(dir, 'a.graphql'),
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\ntype Query { thing: Thing }\ntype Thing @key(fields: "id") { id: ID! size: Int }',
    );
    writeFileSync(
      join(dir, 'b.graphql'),
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\ntype Thing @key(fields: "id") { id: ID! size: String }',
    );
    writeFileSync(
      join(dir, 'supergraph.yaml'),
      'subgraphs:\n  alpha:\n    routing_url: http://127.0.0.1:5001/graphql\n    schema:\n      file: ./a.graphql\n  beta:\n    routing_url: http://127.0.0.1:5002/graphql\n    schema:\n      file: ./b.graphql\n',
    );
    const failure = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'schema/compose.ts',
        '--config',
        join(dir, 'supergraph.yaml'),
        '--out',
        join(dir, 'out.graphql'),
      ],
      { cwd: ROOT },
    ).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/composition failed with \d+ error/);
    expect(failure?.stderr).toMatch(/\[alpha, beta\] FIELD_TYPE_MISMATCH/);
  });
});
