// Limits for ad-hoc queries: depth, aliases, directives (graphql-armor rules), tokens (graphql-js
// parser), and a cost estimate where every list counts as many times as its page size.
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType, getNullableType, GraphQLError, isCompositeType, isListType, isObjectType, isInterfaceType, valueFromASTUntyped,
  type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLField, type GraphQLSchema, type SelectionSetNode, type ValidationRule,
} from 'graphql';
import type { GatewayConfig } from './config.ts';

export function validationRules(config: GatewayConfig): ValidationRule[] {
  const common = { exposeLimits: true, propagateOnRejection: true };
  return [
    maxDepthRule({ ...common, n: config.maxDepth, ignoreIntrospection: true, flattenFragments: true }) as unknown as ValidationRule,
    maxAliasesRule({ ...common, n: config.maxAliases }) as unknown as ValidationRule,
    maxDirectivesRule({ ...common, n: config.maxDirectives }) as unknown as ValidationRule,
  ];
}

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
export function estimateCost(walk: CostWalk, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, path: string, sizedByParent = false): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'FragmentSpread' || selection.kind === 'InlineFragment') {
      const fragment = selection.kind === 'FragmentSpread' ? walk.fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const condition = fragment.typeCondition ? walk.schema.getType(fragment.typeCondition.name.value) : parent;
      if (condition && isCompositeType(condition)) cost += estimateCost(walk, fragment.selectionSet, condition, multiplier, path, sizedByParent);
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
        throw limitError(`Page size limit: first = ${size} at ${fieldPath} exceeds the maximum of ${walk.config.maxPageSize}.`, 'PAGE_SIZE_LIMIT', { limit: walk.config.maxPageSize });
      }
    } else if (isListType(getNullableType(field.type)) && !sizedByParent) {
      // A list inside a paginated connection (its `nodes`) is already counted by the connection's `first`.
      size = walk.config.defaultListSize;
    }
    const named = getNamedType(field.type);
    if (isCompositeType(named)) cost += estimateCost(walk, selection.selectionSet, named, multiplier * Math.max(size, 1), fieldPath, !!firstArg);
  }
  return cost;
}

/** Refuses operations whose estimated cost is over the limit, before any subgraph is called. */
export function costLimitPlugin(config: GatewayConfig): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const def of document.definitions) if (def.kind === 'FragmentDefinition') fragments.set(def.name.value, def);
          const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
          if (!root) return;
          const cost = estimateCost({ schema, variables: request.variables ?? {}, fragments, config }, operation.selectionSet, root, 1, '');
          if (cost > config.maxCost) {
            throw limitError(
              `Query cost limit of ${config.maxCost} exceeded: estimated cost ${cost} (every field counts once per item of its enclosing lists; request fewer items with \`first\` or fewer fields).`,
              'COST_LIMIT_EXCEEDED', { cost, limit: config.maxCost },
            );
          }
        },
      };
    },
  };
}
