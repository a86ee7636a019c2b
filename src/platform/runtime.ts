import { createMetrics, type Metrics } from "./metrics.js";
import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import type { Coordination } from "./coordination.js";
import { createCoordination } from "./redis-coordination.js";
import type { TtlCache } from "./cache.js";
import { Coalescer } from "./coalesce.js";
import { RateBudget } from "./rate-budget.js";
import { createHttpFetch, createHttpPools } from "./http-fetch.js";

/** What lives as long as the process: built once by the app function, handed to every delivery. */
export interface Runtime {
  coordination: Coordination;
  /** This app's id: tells its own check runs from look-alikes of other apps. */
  appId: number | null;
  now: () => Date;
  /** Minutes between reconciliation sweeps (SPEC §7, `RECONCILE_INTERVAL_MINUTES`); 0 or absent (a runtime handed in) = off. */
  reconcileIntervalMinutes?: number;
  /** Minutes between postmortem reminder sweeps (`POSTMORTEM_REMINDER_INTERVAL_MINUTES`); 0 or absent = off. */
  reminderIntervalMinutes?: number;
  /** Waits between reads of something an event just announced that GitHub does not show yet (replication lag). */
  readRetryDelaysMs?: readonly number[];
  /** Aborted when the process (or a test's app instance) shuts down: periodic work stops. */
  shutdown?: AbortSignal;
  /** Events for one PR waiting for its lock share one evaluation. */
  coalescer: Coalescer;
  /** Each installation's rate-limit budgets, as GitHub's last answers said. */
  rateBudget: RateBudget;
  /** Non-hotfix checks deferred to a budget reset, one per PR (`owner/repo#n`). */
  deferred: Map<string, ReturnType<typeof setTimeout>>;
  /** One GraphQL reader per installation (see `readOnlyGraphql`). */
  readers: Map<number, InstanceType<typeof ProbotOctokit>>;
  /** Config files already validated, by their cached text (never mutated by readers). */
  validatedConfigs: Map<string, any>;
  /** GitHub's requests go through this (keep-alive pools; see `createHttpFetch`); absent: the global fetch. */
  fetch?: typeof fetch;
  /** What GET /metrics serves. */
  metrics: Metrics;
}

export const appIdFromEnv = (env: NodeJS.ProcessEnv = process.env): number | null => {
  const id = Number.parseInt(env.APP_ID ?? "", 10);
  return Number.isFinite(id) ? id : null;
};

/** A number of minutes from the environment: `fallback` when unset, fractions allowed, 0 (or less) = off. */
const minutesFromEnv = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const minutes = Number(raw);
  if (!Number.isFinite(minutes)) throw new Error(`${name} must be a number of minutes (0 turns the sweep off), not "${raw}"`);
  return Math.max(0, minutes);
};

export const RECONCILE_INTERVAL_ENV = "RECONCILE_INTERVAL_MINUTES";
export const REMINDER_INTERVAL_ENV = "POSTMORTEM_REMINDER_INTERVAL_MINUTES";

/** `RECONCILE_INTERVAL_MINUTES`, default 10. */
export const reconcileIntervalFromEnv = (env: NodeJS.ProcessEnv = process.env): number => minutesFromEnv(env, RECONCILE_INTERVAL_ENV, 10);

/** `POSTMORTEM_REMINDER_INTERVAL_MINUTES`, default 60. */
export const reminderIntervalFromEnv = (env: NodeJS.ProcessEnv = process.env): number => minutesFromEnv(env, REMINDER_INTERVAL_ENV, 60);

export const createRuntime = (log: Logger, env: NodeJS.ProcessEnv = process.env, metrics: Metrics = createMetrics()): Runtime => ({
  coordination: createCoordination(env.REDIS_URL, log),
  appId: appIdFromEnv(env),
  now: () => new Date(),
  reconcileIntervalMinutes: reconcileIntervalFromEnv(env),
  reminderIntervalMinutes: reminderIntervalFromEnv(env),
  coalescer: new Coalescer(),
  rateBudget: new RateBudget(),
  deferred: new Map(),
  readers: new Map(),
  validatedConfigs: new Map(),
  fetch: createHttpFetch(createHttpPools(), fetch, env),
  metrics,
});


/** The coordination's shared cache, as the TTL cache the authorization look-ups use. */
export const coordinationCache = (coordination: Coordination): TtlCache => ({
  get: async (key) => (await coordination.cacheGet(key)) ?? undefined,
  set: (key, value, ttlSeconds) => coordination.cacheSet(key, value, ttlSeconds),
  clear: async () => {},
});
