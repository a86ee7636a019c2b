import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from "graphql";
import type { GitHubSimulator, SimResponse } from "./simulator.js";

/**
 * GitHub's GraphQL limits, computed the way GitHub documents them ("Rate limits and query limits
 * for the GraphQL API"): before running a query GitHub adds up, for every connection, the
 * requests needed to fill it assuming each reaches its `first`/`last` (a connection nested in
 * one of 100 nodes is 100 requests), divides by 100 and rounds — at least 1 point. A query that
 * could return more than 500,000 nodes is refused (`MAX_NODE_LIMIT_EXCEEDED`); a query that
 * costs more points than are left is refused with `RATE_LIMITED` (HTTP 200, errors in the body,
 * `x-ratelimit-remaining: 0`).
 */
export const MAX_NODES = 500_000;

export interface QueryCost {
  /** Connection requests GitHub assumes. */
  requests: number;
  /** The most nodes the query can return. */
  nodes: number;
  /** Rate-limit points charged. */
  points: number;
}

const intValue = (value: ValueNode | undefined, variables: Record<string, unknown>): number | null => {
  if (!value) return null;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    return typeof bound === "number" ? bound : null;
  }
  return null;
};

const listLength = (value: ValueNode | undefined, variables: Record<string, unknown>): number | null => {
  if (!value) return null;
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    return Array.isArray(bound) ? bound.length : null;
  }
  return null;
};

export const queryCost = (document: DocumentNode, variables: Record<string, unknown> = {}): QueryCost => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  let requests = 0;
  let nodes = 0;
  const walk = (selectionSet: SelectionSetNode | undefined, multiplier: number, seen: Set<string>): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, multiplier, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (!seen.has(name)) walk(fragments.get(name)?.selectionSet, multiplier, new Set([...seen, name]));
      } else {
        const args = new Map((selection.arguments ?? []).map((arg) => [arg.name.value, arg.value]));
        const size = intValue(args.get("first"), variables) ?? intValue(args.get("last"), variables);
        const ids = listLength(args.get("ids"), variables);
        if (ids !== null) {
          // `nodes(ids:)`: every id is a node, and what is nested is asked once per id.
          nodes += multiplier * ids;
          walk(selection.selectionSet, multiplier * ids, seen);
        } else if (size !== null && (args.has("first") || args.has("last"))) {
          requests += multiplier;
          nodes += multiplier * size;
          walk(selection.selectionSet, multiplier * size, seen);
        } else {
          walk(selection.selectionSet, multiplier, seen);
        }
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) walk(definition.selectionSet, 1, new Set());
  }
  return { requests, nodes, points: Math.max(1, Math.round(requests / 100)) };
};

/** Points used per simulator, and an optional budget (unset: never exhausted). */
interface Budget {
  limit: number | null;
  used: number;
  queries: number;
  resetAt: string;
}
const budgets = new WeakMap<GitHubSimulator, Budget>();

const budgetOf = (sim: GitHubSimulator): Budget => {
  let budget = budgets.get(sim);
  if (!budget) {
    budget = { limit: null, used: 0, queries: 0, resetAt: new Date(Date.now() + 3600_000).toISOString() };
    budgets.set(sim, budget);
  }
  return budget;
};

/** Gives the installation `points` GraphQL points until `resetAt` (a test of a rate limit hit halfway). */
export const setGraphqlBudget = (sim: GitHubSimulator, points: number, resetAt = new Date(Date.now() + 3600_000).toISOString()): void => {
  const budget = budgetOf(sim);
  budget.limit = budget.used + points;
  budget.resetAt = resetAt;
};

/** Points and queries charged so far. */
export const graphqlUsage = (sim: GitHubSimulator): { points: number; queries: number } => {
  const { used, queries } = budgetOf(sim);
  return { points: used, queries };
};

const remainingOf = (budget: Budget): number => (budget.limit === null ? Math.max(0, 5000 - budget.used) : Math.max(0, budget.limit - budget.used));

/**
 * Charges a query: the refusal GitHub sends when it is over a limit, or null and the `rateLimit`
 * object the query may select.
 */
export const chargeQuery = (sim: GitHubSimulator, cost: QueryCost): { refusal: SimResponse | null; rateLimit: Record<string, unknown> } => {
  const budget = budgetOf(sim);
  // At `resetAt` GitHub gives the full hour's points again.
  if (budget.limit !== null && Date.now() >= Date.parse(budget.resetAt)) {
    budget.limit = null;
    budget.resetAt = new Date(Date.now() + 3600_000).toISOString();
  }
  const headers = (remaining: number) => ({
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-reset": String(Math.floor(Date.parse(budget.resetAt) / 1000)),
    "x-ratelimit-resource": "graphql",
  });
  if (cost.nodes > MAX_NODES) {
    return {
      refusal: {
        status: 200,
        body: { errors: [{ type: "MAX_NODE_LIMIT_EXCEEDED", message: `This query requests up to ${cost.nodes} possible nodes which exceeds the maximum limit of 500,000.` }] },
      },
      rateLimit: {},
    };
  }
  if (budget.limit !== null && budget.used + cost.points > budget.limit) {
    return {
      refusal: {
        status: 200,
        body: { errors: [{ type: "RATE_LIMITED", code: "graphql_rate_limit", message: "API rate limit already exceeded for installation ID 1." }] },
        headers: headers(0),
      },
      rateLimit: {},
    };
  }
  budget.used += cost.points;
  budget.queries += 1;
  return {
    refusal: null,
    rateLimit: { cost: cost.points, remaining: remainingOf(budget), limit: 5000, resetAt: budget.resetAt, used: budget.used, nodeCount: cost.nodes },
  };
};
