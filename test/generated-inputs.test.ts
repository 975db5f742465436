// Bad (and good) inputs generated from the supergraph itself (fast-check, fixed seed): random values,
// sent as variables, for every argument of every root field, queries and mutations, over HTTP through
// the gateway. No answer may be a 5xx or an internal error. Mutations carry a valid token of the
// operator that owns them, so a refusal is validation at work, not authentication: every refused
// write must leave the owner's database exactly as it was; accepted ones are counted.
import { sql } from 'kysely';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPerimeters } from '../subgraphs/runtime/perimeters.ts';
import { SUPERGRAPH_FILE } from '../subgraphs/runtime/registry.ts';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const SEED = 20261126;
const RUNS = 1000;
const JWT_SECRET = 'jwt-secret-for-the-generated-inputs-test-0123';
// The subgraphs verify tokens with the process's environment: set before the hub starts.
process.env.JWT_SECRET = JWT_SECRET;

/** Who may write each subgraph's records. */
const WRITERS: Record<string, { operator: string; scope: string }> = {
  financing: { operator: 'BPIFRANCE', scope: 'financing:write' },
  recruitment: { operator: 'FRANCE_TRAVAIL', scope: 'recruitment:write' },
  attractiveness: { operator: 'BUSINESS_FRANCE', scope: 'attractiveness:write' },
  engineering: { operator: 'BANQUE_DES_TERRITOIRES', scope: 'engineering:write' },
  // The programme's action sheets, contracts and governance: ANCT writes every territory's.
  programme: { operator: 'ANCT', scope: 'actions:write' },
};

let hub: TestHub;
let schema: GraphQLSchema;
/** Mutation field → the subgraph that resolves it (its @join__field in the supergraph). */
const owners = new Map<string, string>();
/** Plausible values by argument or input-field name, so that some generated writes are valid. */
const pools: Record<string, fc.Arbitrary<unknown>> = {};
/** Each operator subgraph's catalogue of service ids. */
const services = new Map<string, string[]>();
const tokens = new Map<string, string>();

beforeAll(async () => {
  hub = await startTestHub();
  const introspection = await post<IntrospectionQuery>(hub.gatewayUrl, getIntrospectionQuery());
  expect(introspection.errors).toBeUndefined();
  schema = buildClientSchema(introspection.data!);

  for (const definition of parse(readFileSync(SUPERGRAPH_FILE, 'utf8')).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || definition.name.value !== 'Mutation') continue;
    for (const field of definition.fields ?? []) {
      const join = field.directives?.find((d) => d.name.value === 'join__field');
      const graph = join?.arguments?.find((a) => a.name.value === 'graph')?.value;
      if (graph?.kind === Kind.ENUM) owners.set(field.name.value, graph.value.toLowerCase());
    }
  }

  const now = Math.floor(Date.now() / 1000);
  for (const [subgraph, { operator, scope }] of Object.entries(WRITERS)) {
    tokens.set(
      subgraph,
      await new SignJWT({ operator, scope })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience('territoires-industrie-hub')
        .setSubject('generated-inputs')
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(new TextEncoder().encode(JWT_SECRET)),
    );
  }

  // Real values from the graph, so that plausible cases pass validation: territories of the current
  // phase, each operator's catalogue, SIRENs of groupements.
  for (const subgraph of Object.keys(WRITERS).filter((s) => s !== 'programme')) {
    const catalogue = await post<Record<string, { id: string }[]>>(hub.gatewayUrl, `{ ${subgraph}Catalogue { id } }`);
    services.set(
      subgraph,
      catalogue.data![`${subgraph}Catalogue`]!.map((s) => s.id),
    );
  }
  const groupements = await post<{ territories: { nodes: { groupements: { siren: string }[] }[] } }>(
    hub.gatewayUrl,
    `{ territories(first: 30) { nodes { groupements { siren } } } }`,
  );
  const sirens = groupements.data!.territories.nodes.flatMap((t) => t.groupements.map((g) => g.siren));
  const day = fc
    .date({ min: new Date('2023-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const territoryId = fc.constantFrom(
    ...loadPerimeters()
      .filter((t) => t.id.startsWith('2023-2027:'))
      .slice(0, 40)
      .map((t) => t.id),
  );
  Object.assign(pools, {
    id: territoryId,
    territoryId,
    siren: fc.constantFrom(...sirens),
    date: day,
    month: day.map((d) => d.slice(0, 7)),
    from: day.map((d) => d.slice(0, 7)),
    to: day.map((d) => d.slice(0, 7)),
    reference: fc.stringMatching(/^GEN-[A-Z0-9]{2,10}$/),
    naf: fc.constantFrom('25.62A', '28.41Z', '10.71C', '62.01Z'),
    insee: fc.constantFrom('69123', '01053', '2A004', '97411'),
    communeCode: fc.constantFrom('69123', '01053', '2A004', '97411'),
    region: fc.constantFrom('84', '11', '93'),
    country: fc.constantFrom('DE', 'US', 'JP', 'IT'),
    sector: fc.constantFrom('Agroalimentaire', 'Automobile', 'Chimie', 'Bois'),
    department: fc.constantFrom('01', '2A', '974'),
  });
}, 180_000);

afterAll(() => hub?.stop());

// ---- Values for a type, from the schema --------------------------------------------------------

const edgeStrings = fc.constantFrom(
  '',
  ' ',
  "'; DROP TABLE financing; --",
  '%_\\',
  'é'.repeat(300),
  '\u{1F3ED} usine',
  'x'.repeat(5000),
  '2023-2027:ti-9999',
  '0000-00-00',
);

/** A pool by argument name, or by the name's ending (`companySiren`, `hireDate`, `communeName`). */
function poolFor(name: string, owner: string | undefined): fc.Arbitrary<unknown> | undefined {
  if (name === 'serviceId' && owner && services.get(owner)?.length) return fc.constantFrom(...services.get(owner)!);
  if (pools[name]) return pools[name];
  const lower = name.toLowerCase();
  if (lower.endsWith('siren')) return pools.siren;
  if (lower.endsWith('date')) return pools.date;
  if (lower.includes('naf')) return pools.naf;
  if (lower.endsWith('country')) return pools.country;
  if (lower.endsWith('insee')) return pools.insee;
  return undefined;
}

interface Mode {
  /** Plausible: values of the right type from the pools, nothing missing; otherwise anything goes. */
  plausible: boolean;
  owner?: string;
}

function valueOf(type: GraphQLInputType, name: string, mode: Mode, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) {
    const inner = nonNull(type.ofType, name, mode, depth);
    // Now and then a null where one is required: refused by coercion.
    return mode.plausible
      ? inner
      : fc.oneof({ arbitrary: inner, weight: 20 }, { arbitrary: fc.constant(null), weight: 1 });
  }
  const inner = nonNull(type, name, mode, depth);
  return fc.oneof({ arbitrary: inner, weight: 8 }, { arbitrary: fc.constant(null), weight: 1 });
}

const word = fc.stringMatching(/^[A-Z][a-zé]{2,12}( [a-z]{2,10}){0,3}$/);

function nonNull(type: GraphQLInputType, name: string, mode: Mode, depth: number): fc.Arbitrary<unknown> {
  if (isListType(type)) return fc.array(valueOf(type.ofType, name, mode, depth + 1), { maxLength: depth > 1 ? 1 : 4 });
  if (isEnumType(type)) {
    const values = fc.constantFrom(...type.getValues().map((v) => v.name));
    return mode.plausible
      ? values
      : fc.oneof({ arbitrary: values, weight: 12 }, fc.constant('NOT_A_VALUE'), fc.integer());
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    const record = fc.record(
      Object.fromEntries(fields.map((f) => [f.name, valueOf(f.type, f.name, mode, depth + 1)])),
      { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) },
    );
    if (mode.plausible) return record;
    // Now and then a field missing, or one the type does not have.
    return fc.oneof(
      { arbitrary: record, weight: 10 },
      record.chain((r) => fc.constantFrom(...Object.keys(r)).map((k) => ({ ...r, [k]: undefined }))),
      record.map((r) => ({ ...r, notAField: 1 })),
    );
  }
  const pool = poolFor(name, mode.owner);
  if (mode.plausible) {
    switch (type.name) {
      case 'Int':
        return name === 'year' ? fc.integer({ min: 2023, max: 2027 }) : fc.integer({ min: 1, max: 50 });
      case 'Float':
        // Shares and rates are fractions; amounts within every record kind's bounds.
        return /share|rate/i.test(name)
          ? fc.double({ min: 0.01, max: 1, noNaN: true })
          : fc.integer({ min: 1000, max: 8000 });
      case 'Boolean':
        return fc.boolean();
      default:
        return pool ?? word;
    }
  }
  switch (type.name) {
    case 'Int':
      return fc.oneof(
        { arbitrary: fc.integer({ min: -3, max: 250 }), weight: 6 },
        fc.constantFrom(0, -1, 2147483647, -2147483648, 2147483648, 1e15),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.string({ maxLength: 5 }),
      );
    case 'Float':
      return fc.oneof(
        { arbitrary: fc.double({ min: 0, max: 1e7, noNaN: true }), weight: 6 },
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(0, -0.5, 1e308, 5e-324, -1e308),
        fc.constant('12.5'),
      );
    case 'Boolean':
      return fc.oneof({ arbitrary: fc.boolean(), weight: 8 }, fc.constant('true'), fc.constant(1));
    default: {
      // String, ID and custom scalars.
      const strings = fc.oneof(
        { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
        { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 2 },
        { arbitrary: edgeStrings, weight: 2 },
        fc.integer(),
      );
      return pool ? fc.oneof({ arbitrary: pool, weight: 4 }, { arbitrary: strings, weight: 3 }) : strings;
    }
  }
}

/** Leaf fields (without required arguments) of the returned type; `__typename` alone if there are none. */
function selection(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) && !isInterfaceType(named)) return '{ __typename }';
  const leaves = Object.values(named.getFields())
    .filter((f) => isLeafType(getNamedType(f.type)) && !f.args.some((a) => isNonNullType(a.type)))
    .map((f) => f.name);
  return `{ __typename ${leaves.join(' ')} }`;
}

interface Case {
  kind: 'query' | 'mutation';
  field: string;
  variables: Record<string, unknown>;
}

function operationOf(c: Case): string {
  const root = c.kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  const field: GraphQLField<unknown, unknown> = root.getFields()[c.field]!;
  const given = field.args.filter((a) => a.name in c.variables);
  const declared = given.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passed = given.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${c.kind}${declared ? `(${declared})` : ''} { ${c.field}${passed ? `(${passed})` : ''} ${selection(field.type)} }`;
}

function caseOf(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): fc.Arbitrary<Case> {
  const owner = kind === 'mutation' ? owners.get(field.name) : undefined;
  const required = field.args.filter((a) => isNonNullType(a.type)).map((a) => a.name);
  const variablesOf = (mode: Mode) =>
    // Optional arguments are sometimes left out (their defaults apply).
    fc.record(Object.fromEntries(field.args.map((a) => [a.name, valueOf(a.type, a.name, mode)])), {
      requiredKeys: required,
    });
  return fc
    .oneof(variablesOf({ plausible: true, owner }), variablesOf({ plausible: false, owner }))
    .map((variables) => ({ kind, field: field.name, variables: JSON.parse(JSON.stringify(variables)) }));
}

/** Tables over this many rows are reference series no mutation writes: their row count stands for them. */
const FULL_SNAPSHOT_ROWS = 10_000;

/** A digest of a subgraph's database: every row of every table (row counts of the large reference series). */
async function snapshot(subgraph: string): Promise<string> {
  const { db, schema } = hub.subgraphs.get(subgraph)!.test.prepared.database;
  const hash = createHash('sha256');
  // On PostgreSQL, this subgraph's own schema only: Kysely's introspection walks every schema of the database, and
  // fails when another test's schema is dropped meanwhile.
  const tables = (
    schema
      ? (
          await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = ${schema}`.execute(db)
        ).rows.map((t) => t.name)
      : (await db.introspection.getTables()).map((t) => t.name)
  ).sort();
  for (const table of tables) {
    const { n } = (await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()) as { n: number | string };
    if (Number(n) > FULL_SNAPSHOT_ROWS) {
      hash.update(`${table} ${n}\n`);
      continue;
    }
    const rows = await db.selectFrom(table).selectAll().execute();
    hash.update(
      `${table}\n${rows
        .map((r) => JSON.stringify(r))
        .sort()
        .join('\n')}\n`,
    );
  }
  return hash.digest('hex');
}

describe('inputs generated from the supergraph', () => {
  it(
    `never answers 5xx or an internal error in ${RUNS} cases, and refused writes change nothing`,
    { timeout: 900_000 },
    async () => {
      const queries = Object.values(schema.getQueryType()!.getFields());
      const mutations = Object.values(schema.getMutationType()!.getFields());
      expect(mutations.every((m) => WRITERS[owners.get(m.name) ?? ''])).toBe(true);
      const cases = fc.oneof(
        fc.oneof(...queries.map((f) => caseOf('query', f))),
        fc.oneof(...mutations.map((f) => caseOf('mutation', f))),
      );
      const figures = {
        cases: 0,
        queries: 0,
        mutations: 0,
        written: 0,
        acceptedUnchanged: 0,
        refused: 0,
        /** Refused by the owner's own validation (the rest by GraphQL coercion at the gateway). */
        refusedBySubgraph: 0,
      };
      const rootsSeen = new Set<string>();
      const snapshots = new Map<string, string>();

      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          figures.cases++;
          rootsSeen.add(c.field);
          const query = operationOf(c);
          const owner = c.kind === 'mutation' ? owners.get(c.field)! : undefined;
          // Queries write nothing: the snapshot after the owner's last mutation is still its state.
          const before = owner ? (snapshots.get(owner) ?? (await snapshot(owner))) : undefined;
          const headers: Record<string, string> = owner ? { authorization: `Bearer ${tokens.get(owner)}` } : {};
          const reached = () => (owner ? hub.subgraphs.get(owner)!.test.prepared.stats.requests : 0);
          const requestsBefore = reached();
          const response = await post(hub.gatewayUrl, query, c.variables, headers);
          const internal = (response.errors ?? []).filter(
            (e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || e.extensions?.code === undefined,
          );
          expect(
            { status: response.status < 500, internal: internal.map((e) => e.message) },
            `${query} ${JSON.stringify(c.variables).slice(0, 500)}`,
          ).toEqual({ status: true, internal: [] });
          if (!owner) {
            figures.queries++;
            return;
          }
          figures.mutations++;
          // Refused at the gateway (coercion, validation), the request never reached the owner: nothing to read.
          const after = reached() === requestsBefore ? before! : await snapshot(owner);
          snapshots.set(owner, after);
          if (response.errors?.length) {
            figures.refused++;
            if (reached() !== requestsBefore) figures.refusedBySubgraph++;
            // Authentication is not what refused it: the token is the owner's own.
            for (const e of response.errors) expect(['UNAUTHENTICATED', 'FORBIDDEN']).not.toContain(e.extensions?.code);
            expect(after, `refused write changed ${owner}: ${query} ${JSON.stringify(c.variables)}`).toBe(before);
          } else if (after !== before) figures.written++;
          else figures.acceptedUnchanged++;
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );

      console.log(`generated inputs (seed ${SEED}):`, JSON.stringify({ ...figures, rootFields: rootsSeen.size }));
      expect(figures.cases).toBe(RUNS);
      // Every root field was tried, and generation reached both outcomes of writes.
      expect(rootsSeen.size).toBe(queries.length + mutations.length);
      expect(figures.refused).toBeGreaterThan(0);
      expect(figures.written).toBeGreaterThan(0);
    },
  );
});
