import type { Logger } from "pino";
import type { Coordination } from "./coordination.js";
import { createCoordination } from "./redis-coordination.js";
import type { TtlCache } from "./cache.js";
import { Coalescer } from "./coalesce.js";
import { RateBudget } from "./rate-budget.js";

/** What lives as long as the process: built once by the app function, handed to every delivery. */
export interface Runtime {
  coordination: Coordination;
  /** This app's id: tells its own check runs from look-alikes of other apps. */
  appId: number | null;
  now: () => Date;
  /** Events for one PR waiting for its lock share one evaluation. */
  coalescer: Coalescer;
  /** Each installation's rate-limit budgets, as GitHub's last answers said. */
  rateBudget: RateBudget;
  /** Non-hotfix checks deferred to a budget reset, one per PR (`owner/repo#n`). */
  deferred: Map<string, ReturnType<typeof setTimeout>>;
  /** One GraphQL reader per installation (see `readOnlyGraphql`). */
  readers: Map<number, any>;
  /** Config files already validated, by their cached text (never mutated by readers). */
  validatedConfigs: Map<string, any>;
}

export const appIdFromEnv = (env: NodeJS.ProcessEnv = process.env): number | null => {
  const id = Number.parseInt(env.APP_ID ?? "", 10);
  return Number.isFinite(id) ? id : null;
};

export const createRuntime = (log: Logger, env: NodeJS.ProcessEnv = process.env): Runtime => ({
  coordination: createCoordination(env.REDIS_URL, log),
  appId: appIdFromEnv(env),
  now: () => new Date(),
  coalescer: new Coalescer(),
  rateBudget: new RateBudget(),
  deferred: new Map(),
  readers: new Map(),
  validatedConfigs: new Map(),
});


/** The coordination's shared cache, as the TTL cache the authorization look-ups use. */
export const coordinationCache = (coordination: Coordination): TtlCache => ({
  get: async (key) => (await coordination.cacheGet(key)) ?? undefined,
  set: (key, value, ttlSeconds) => coordination.cacheSet(key, value, ttlSeconds),
  clear: async () => {},
});
