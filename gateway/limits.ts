// Limits for ad-hoc queries: depth, aliases, directives (graphql-armor rules), tokens (graphql-js
// parser), and a cost estimate where every list counts as many times as its page size.
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
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

interface CostWalk {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
  config: GatewayConfig;
}

/** Estimated cost: each field counts once per item of every enclosing list. */
export function estimateCost(
  walk: CostWalk,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  multiplier: number,
  path: string,
  sizedByParent = false,
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'FragmentSpread' || selection.kind === 'InlineFragment') {
      const fragment = selection.kind === 'FragmentSpread' ? walk.fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const condition = fragment.typeCondition ? walk.schema.getType(fragment.typeCondition.name.value) : parent;
      if (condition && isCompositeType(condition))
        cost += estimateCost(walk, fragment.selectionSet, condition, multiplier, path, sizedByParent);
      continue;
    }
    const name = selection.name.value;
    if (name.startsWith('__')) continue; // introspection and __typename are cheap
    const field: GraphQLField<unknown, unknown> | undefined =
      isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!field) continue;
    const fieldPath = path ? `${path}.${name}` : name;
    cost += multiplier;
    if (!selection.selectionSet) continue;
    let size = 1;
    const firstArg = field.args.find((a) => a.name === 'first');
    if (firstArg) {
      const node = selection.arguments?.find((a) => a.name.value === 'first');
      const value = node ? valueFromASTUntyped(node.value, walk.variables) : firstArg.defaultValue;
      size = typeof value === 'number' ? value : walk.config.defaultListSize;
      if (size > walk.config.maxPageSize) {
        throw limitError(
          `Page size limit: first = ${size} at ${fieldPath} exceeds the maximum of ${walk.config.maxPageSize}.`,
          'PAGE_SIZE_LIMIT',
          { limit: walk.config.maxPageSize },
        );
      }
    } else if (isListType(getNullableType(field.type)) && !sizedByParent) {
      // A list inside a paginated connection (its `nodes`) is already counted by the connection's `first`.
      size = walk.config.defaultListSize;
    }
    const named = getNamedType(field.type);
    if (isCompositeType(named))
      cost += estimateCost(walk, selection.selectionSet, named, multiplier * Math.max(size, 1), fieldPath, !!firstArg);
  }
  return cost;
}

/** Refuses operations whose estimated cost is over the limit, before any subgraph is called. */
export function costLimitPlugin(config: GatewayConfig): ApolloServerPlugin<BaseContext> {
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
            { schema, variables: request.variables ?? {}, fragments, config },
            operation.selectionSet,
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
