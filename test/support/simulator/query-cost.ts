/**
 * The simulator's answer header carrying a GraphQL query's points (graphql-cost.ts scores them as
 * GitHub does); the core reads it to keep each installation's `x-ratelimit-*` headers and strips it.
 */
export const COST_HEADER = "x-simulator-graphql-cost";
