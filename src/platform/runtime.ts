import type { Logger } from "pino";
import type { Coordination } from "./coordination.js";
import { createCoordination } from "./redis-coordination.js";
import type { TtlCache } from "./cache.js";

/** What lives as long as the process: built once by the app function, handed to every delivery. */
export interface Runtime {
  coordination: Coordination;
  /** This app's id: tells its own check runs from look-alikes of other apps. */
  appId: number | null;
  now: () => Date;
}

export const appIdFromEnv = (env: NodeJS.ProcessEnv = process.env): number | null => {
  const id = Number.parseInt(env.APP_ID ?? "", 10);
  return Number.isFinite(id) ? id : null;
};

export const createRuntime = (log: Logger, env: NodeJS.ProcessEnv = process.env): Runtime => ({
  coordination: createCoordination(env.REDIS_URL, log),
  appId: appIdFromEnv(env),
  now: () => new Date(),
});


/** The coordination's shared cache, as the TTL cache the authorization look-ups use. */
export const coordinationCache = (coordination: Coordination): TtlCache => ({
  get: async (key) => (await coordination.cacheGet(key)) ?? undefined,
  set: (key, value, ttlSeconds) => coordination.cacheSet(key, value, ttlSeconds),
  clear: async () => {},
});
