// Limits for ad-hoc queries: depth, aliases, directives (graphql-armor rules), tokens (graphql-js
// parser), and a cost estimate where every list counts as many times as its page size or declared size.
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  parse,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLAbstractType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { GatewayConfig } from './config.ts';

export function validationRules(config: GatewayConfig): ValidationRule[] {
  // Report the rejection as a validation error (400 GRAPHQL_VALIDATION_FAILED): thrown from a rule
  // (propagateOnRejection), Apollo Server takes it for an unexpected failure and answers 500.
  const common = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
  };
  return [
    maxDepthRule({
      ...common,
      n: config.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
    }) as unknown as ValidationRule,
    // graphql-armor lets `__typename` aliases through by default: a thousand of them still cost a thousand fields.
    maxAliasesRule({ ...common, n: config.maxAliases, allowList: [] }) as unknown as ValidationRule,
    maxDirectivesRule({ ...common, n: config.maxDirectives }) as unknown as ValidationRule,
    noNulInStrings,
    finiteNumbers,
  ];
}

/**
 * graphql-js reads `1e309` as Infinity and lets it through validation; the query planner then fails
 * with a 500. Refuse such literals as what they are: a client's number out of range.
 */
const finiteNumbers: ValidationRule = (context) => ({
  FloatValue(node) {
    if (!Number.isFinite(Number(node.value)))
      context.reportError(
        new GraphQLError(
          `Float literal ${node.value.slice(0, 40)} is out of range: a Float must be a finite number (at most about 1.8e308)`,
          { nodes: [node] },
        ),
      );
  },
});

/** PostgreSQL cannot store or compare text containing U+0000: refuse string literals holding it (variables: runtime/http.ts). */
const noNulInStrings: ValidationRule = (context) => ({
  StringValue(node) {
    if (node.value.includes('\u0000'))
      context.reportError(new GraphQLError('strings may not contain the NUL character (\\u0000)', { nodes: [node] }));
  },
});

function limitError(message: string, code: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra, http: { status: 400 } } });
}

/** A list's declared size, from `@listSize` (Apollo's cost spec) on its field in the supergraph. */
export interface ListSize {
  assumedSize?: number;
  /** Arguments whose value is the list's size (e.g. `first`, `limit`). */
  slicingArguments?: string[];
}

/** `Type.field` → its `@listSize`, read from the supergraph SDL (composition keeps the directive). */
export function listSizesFromSupergraph(supergraphSdl: string): Map<string, ListSize> {
  const sizes = new Map<string, ListSize>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    for (const field of definition.fields ?? []) {
      // Imported as @listSize, or namespaced (@cost__listSize) when the supergraph does not import it.
      const directive = field.directives?.find(
        (d) => d.name.value === 'listSize' || d.name.value.endsWith('__listSize'),
      );
      if (!directive) continue;
      const args = Object.fromEntries(
        (directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]),
      );
      sizes.set(`${definition.name.value}.${field.name.value}`, {
        assumedSize: typeof args.assumedSize === 'number' ? args.assumedSize : undefined,
        slicingArguments: Array.isArray(args.slicingArguments) ? args.slicingArguments.map(String) : undefined,
      });
    }
  }
  return sizes;
}

interface CostWalk {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
  config: GatewayConfig;
  listSizes: Map<string, ListSize>;
}

/** Whether a fragment's type condition applies to objects of the concrete type `object`. */
function applies(schema: GraphQLSchema, condition: string | undefined, object: GraphQLObjectType): boolean {
  if (!condition || condition === object.name) return true;
  const type = schema.getType(condition);
  return !!type && isAbstractType(type) && schema.isSubType(type, object);
}

/**
 * The fields a selection set asks of one concrete type, grouped by response key: a field selected
 * several times (directly, through fragments, repeated fragments) is one field whose selection sets
 * are merged, as graphql-js executes it.
 */
function collectFields(
  walk: CostWalk,
  selectionSets: readonly SelectionSetNode[],
  object: GraphQLObjectType,
  fields = new Map<string, FieldNode[]>(),
  visited = new Set<string>(),
): Map<string, FieldNode[]> {
  for (const selectionSet of selectionSets) {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        fields.set(key, [...(fields.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(walk.schema, selection.typeCondition?.name.value, object))
          collectFields(walk, [selection.selectionSet], object, fields, visited);
      } else {
        const name = selection.name.value;
        const fragment = walk.fragments.get(name);
        if (!fragment || visited.has(name)) continue; // a repeated spread adds nothing new
        visited.add(name);
        if (applies(walk.schema, fragment.typeCondition.name.value, object))
          collectFields(walk, [fragment.selectionSet], object, fields, visited);
      }
    }
  }
  return fields;
}

/** The size a list field counts for: its slicing argument (`first`), its `@listSize`, or DEFAULT_LIST_SIZE. */
function listSize(
  walk: CostWalk,
  owner: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  fieldPath: string,
  sizedByParent: boolean,
): { size: number; /** The field's list children are sized by it. */ slices: boolean } {
  const declared =
    walk.listSizes.get(`${owner.name}.${field.name}`) ??
    owner
      .getInterfaces()
      .map((i) => walk.listSizes.get(`${i.name}.${field.name}`))
      .find(Boolean);
  const slicing = declared?.slicingArguments ?? ['first'];
  for (const argName of slicing) {
    const arg = field.args.find((a) => a.name === argName);
    if (!arg) continue;
    const argNode = node.arguments?.find((a) => a.name.value === argName);
    const value = argNode ? valueFromASTUntyped(argNode.value, walk.variables) : arg.defaultValue;
    const size = typeof value === 'number' ? value : (declared?.assumedSize ?? walk.config.defaultListSize);
    if (argName === 'first' && size > walk.config.maxPageSize) {
      throw limitError(
        `Page size limit: first = ${size} at ${fieldPath} exceeds the maximum of ${walk.config.maxPageSize}.`,
        'PAGE_SIZE_LIMIT',
        { limit: walk.config.maxPageSize },
      );
    }
    // On a connection (an object), the size is that of its lists (`nodes`); on a list, of the list itself.
    return { size, slices: !isListType(getNullableType(field.type)) };
  }
  if (!isListType(getNullableType(field.type))) return { size: 1, slices: false };
  // A list inside a paginated connection (its `nodes`) is already counted by the connection's `first`.
  if (sizedByParent) return { size: 1, slices: false };
  return { size: declared?.assumedSize ?? walk.config.defaultListSize, slices: false };
}

/**
 * Estimated cost, after Apollo Router's demand control: each field counts once per item of every
 * enclosing list; a field selected several times counts once; on an abstract type, fragments on
 * different concrete types are alternatives (an object is of one type only), so the dearest counts.
 */
export function estimateCost(
  walk: CostWalk,
  selectionSets: readonly SelectionSetNode[],
  parent: GraphQLCompositeType,
  multiplier: number,
  path: string,
  sizedByParent = false,
): number {
  const objects = isObjectType(parent) ? [parent] : walk.schema.getPossibleTypes(parent as GraphQLAbstractType);
  let dearest = 0;
  for (const object of objects) {
    let cost = 0;
    for (const [key, nodes] of collectFields(walk, selectionSets, object)) {
      const name = nodes[0]!.name.value;
      if (name.startsWith('__')) continue; // introspection and __typename are cheap
      const field = object.getFields()[name];
      if (!field) continue;
      const fieldPath = path ? `${path}.${key}` : key;
      cost += multiplier;
      const children = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      const named = getNamedType(field.type);
      if (!children.length || !isCompositeType(named)) continue;
      const { size, slices } = listSize(walk, object, field, nodes[0]!, fieldPath, sizedByParent);
      cost += estimateCost(walk, children, named, multiplier * Math.max(size, 1), fieldPath, slices);
    }
    dearest = Math.max(dearest, cost);
  }
  return dearest;
}

/** Refuses operations whose estimated cost is over the limit, before any subgraph is called. */
export function costLimitPlugin(
  config: GatewayConfig,
  listSizes: Map<string, ListSize> = new Map(),
): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          // The gateway's query planner throws on these (500 INVALID_GRAPHQL): refuse them as client errors.
          if (!operation) {
            const message = request.operationName
              ? `Unknown operation named "${request.operationName}".`
              : 'Must provide operation name if query contains multiple operations.';
            throw limitError(message, 'OPERATION_RESOLUTION_FAILURE');
          }
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const def of document.definitions)
            if (def.kind === 'FragmentDefinition') fragments.set(def.name.value, def);
          const root =
            operation.operation === 'mutation'
              ? schema.getMutationType()
              : operation.operation === 'subscription'
                ? schema.getSubscriptionType()
                : schema.getQueryType();
          if (!root)
            throw limitError(
              `This graph has no ${operation.operation} type: it serves ${schema.getMutationType() ? 'queries and mutations' : 'queries'} only.`,
              'GRAPHQL_VALIDATION_FAILED',
            );
          const cost = estimateCost(
            { schema, variables: request.variables ?? {}, fragments, config, listSizes },
            [operation.selectionSet],
            root,
            1,
            '',
          );
          if (cost > config.maxCost) {
            throw limitError(
              `Query cost limit of ${config.maxCost} exceeded: estimated cost ${cost} (every field counts once per item of its enclosing lists; request fewer items with \`first\` or fewer fields).`,
              'COST_LIMIT_EXCEEDED',
              { cost, limit: config.maxCost },
            );
          }
        },
      };
    },
  };
}
