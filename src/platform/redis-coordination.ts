import { Redis } from "ioredis";
import type { Logger } from "pino";
import { randomUUID } from "node:crypto";
import { MemoryCoordination, type Coordination } from "./coordination.js";

const PREFIX = "hotfix-governance:";
/** A lock's lease: renewed while its holder works, expires when the holder dies. */
const LEASE_MS = 30_000;
const RENEW_MS = 10_000;
/**
 * A wait for a lock never gives up (an event dropped behind a lock is a verdict never written):
 * the holder's lease expires if it dies, so the wait ends. Past this long it is logged, once.
 */
const SLOW_WAIT_MS = 120_000;

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const LEAD = `local owner = redis.call("get", KEYS[1])
if owner == false or owner == ARGV[1] then redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2]) return 1 end
return 0`;

/** How long a PR's tickets are kept after their last use (they only matter while a burst lasts). */
const TICKETS_TTL_SECONDS = 24 * 3600;
/** The lock if free, else a ticket: one step, so no holder can release between the two. */
const CLAIM = `if redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2], "NX") then return {1, 0} end
local ticket = redis.call("hincrby", KEYS[2], "requested", 1)
redis.call("expire", KEYS[2], ARGV[3])
return {0, ticket}`;
/** Records what a round covered; keeps the lock while newer tickets wait (1), else releases it (0); -1: not the holder any more. */
const FINISH = `local served = tonumber(redis.call("hget", KEYS[2], "served") or "0")
local covered = tonumber(ARGV[2])
if covered > served then
  redis.call("hset", KEYS[2], "served", covered)
  redis.call("expire", KEYS[2], ARGV[4])
  served = covered
end
if redis.call("get", KEYS[1]) ~= ARGV[1] then return -1 end
local requested = tonumber(redis.call("hget", KEYS[2], "requested") or "0")
if requested > served then
  redis.call("pexpire", KEYS[1], ARGV[3])
  return 1
end
redis.call("del", KEYS[1])
return 0`;
const STATUS = `return {redis.call("exists", KEYS[1]), tonumber(redis.call("hget", KEYS[2], "served") or "0")}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Several replicas on one Redis. When Redis stops answering, every operation falls back to the
 * in-memory implementation (single-process guarantees), logs it once per outage, and readiness
 * reports the degraded mode until Redis answers again.
 */
export class RedisCoordination implements Coordination {
  readonly kind = "redis" as const;
  private readonly redis: Redis;
  private readonly fallback = new MemoryCoordination();
  private degraded = false;
  /** Who this replica is, in lock tokens and leadership. */
  private readonly instanceId = randomUUID();

  /** A wait for a lock longer than this is logged (once); it goes on. */
  private readonly slowWaitMs: number;
  /** A lock's lease (tests shorten it to see a dead holder's lock expire). */
  private readonly leaseMs: number;
  /** Claimed locks' lease renewals, by token. */
  private readonly renewals = new Map<string, ReturnType<typeof setInterval>>();

  constructor(url: string, private readonly log: Logger, options: { slowWaitMs?: number; leaseMs?: number } = {}) {
    this.slowWaitMs = options.slowWaitMs ?? SLOW_WAIT_MS;
    this.leaseMs = options.leaseMs ?? LEASE_MS;
    this.redis = new Redis(url, {
      // Commands wait for a (re)connection at most 1 s, then fail over to memory.
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
      commandTimeout: 1_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    // ioredis reconnects by itself; errors are reported through the operations.
    this.redis.on("error", () => {});
  }

  private async attempt<T>(operation: string, primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    try {
      const result = await primary();
      if (this.degraded) {
        this.degraded = false;
        this.log.info({ outcome: "redis-recovered" }, "Redis answers again: coordination is shared again");
      }
      return result;
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.log.error({ outcome: "redis-degraded", operation, err: (error as Error).message }, "Redis unreachable: degraded to single-process coordination");
      }
      return fallback();
    }
  }

  isHandled(deliveryId: string): Promise<boolean> {
    return this.attempt("isHandled", async () => (await this.redis.exists(`${PREFIX}delivery:${deliveryId}`)) === 1, () => this.fallback.isHandled(deliveryId));
  }

  markHandled(deliveryId: string, ttlSeconds: number): Promise<void> {
    return this.attempt(
      "markHandled",
      async () => void (await this.redis.set(`${PREFIX}delivery:${deliveryId}`, this.instanceId, "EX", ttlSeconds)),
      () => this.fallback.markHandled(deliveryId, ttlSeconds),
    );
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lockKey = `${PREFIX}lock:${key}`;
    const token = `${this.instanceId}:${Math.random().toString(36).slice(2)}`;
    try {
      await this.acquire(key, lockKey, token);
    } catch (error) {
      return this.attempt("withLock", () => Promise.reject(error), () => this.fallback.withLock(key, fn));
    }
    const renew = setInterval(() => {
      this.redis.eval(RENEW, 1, lockKey, token, String(this.leaseMs)).catch(() => {});
    }, Math.min(RENEW_MS, this.leaseMs / 3));
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, lockKey, token).catch(() => {});
    }
  }

  private async acquire(key: string, lockKey: string, token: string): Promise<void> {
    const started = Date.now();
    let warned = false;
    let wait = 20;
    for (;;) {
      if ((await this.redis.set(lockKey, token, "PX", this.leaseMs, "NX")) === "OK") return;
      if (!warned && Date.now() - started > this.slowWaitMs) {
        warned = true;
        this.log.warn({ outcome: "lock-wait-slow", lock: key, waitedMs: Date.now() - started }, "still waiting for a lock held by another replica; the event is kept");
      }
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 500);
    }
  }

  async claim(key: string): Promise<{ token: string } | { ticket: number }> {
    const token = `${this.instanceId}:${Math.random().toString(36).slice(2)}`;
    const lockKey = `${PREFIX}lock:${key}`;
    return this.attempt(
      "claim",
      async () => {
        const [acquired, ticket] = (await this.redis.eval(CLAIM, 2, lockKey, `${PREFIX}tickets:${key}`, token, String(this.leaseMs), String(TICKETS_TTL_SECONDS))) as [number, number];
        if (!acquired) return { ticket };
        // Renewed while the holder works; a dead holder's lease expires and a waiter takes over.
        const renew = setInterval(() => {
          this.redis.eval(RENEW, 1, lockKey, token, String(this.leaseMs)).catch(() => {});
        }, Math.min(RENEW_MS, this.leaseMs / 3));
        renew.unref();
        this.renewals.set(token, renew);
        return { token };
      },
      () => this.fallback.claim(key),
    );
  }

  roundStart(key: string): Promise<number> {
    return this.attempt("roundStart", async () => Number((await this.redis.hget(`${PREFIX}tickets:${key}`, "requested")) ?? 0), () => this.fallback.roundStart(key));
  }

  async finishRound(key: string, token: string, covered: number): Promise<"again" | "released"> {
    const outcome = await this.attempt(
      "finishRound",
      async () => {
        const answer = (await this.redis.eval(FINISH, 2, `${PREFIX}lock:${key}`, `${PREFIX}tickets:${key}`, token, String(covered), String(this.leaseMs), String(TICKETS_TTL_SECONDS))) as number;
        return answer === 1 ? ("again" as const) : ("released" as const);
      },
      () => this.fallback.finishRound(key, token, covered),
    );
    if (outcome === "released") this.stopRenewing(token);
    return outcome;
  }

  async abandon(key: string, token: string): Promise<void> {
    this.stopRenewing(token);
    await this.attempt(
      "abandon",
      async () => void (await this.redis.eval(RELEASE, 1, `${PREFIX}lock:${key}`, token)),
      () => this.fallback.abandon(key, token),
    );
  }

  handoverStatus(key: string): Promise<{ held: boolean; served: number }> {
    return this.attempt(
      "handoverStatus",
      async () => {
        const [held, served] = (await this.redis.eval(STATUS, 2, `${PREFIX}lock:${key}`, `${PREFIX}tickets:${key}`)) as [number, number];
        return { held: held === 1, served };
      },
      () => this.fallback.handoverStatus(key),
    );
  }

  private stopRenewing(token: string): void {
    clearInterval(this.renewals.get(token));
    this.renewals.delete(token);
  }

  cacheGet(key: string): Promise<string | null> {
    return this.attempt("cacheGet", () => this.redis.get(`${PREFIX}cache:${key}`), () => this.fallback.cacheGet(key));
  }

  cacheSet(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.attempt(
      "cacheSet",
      async () => void (await this.redis.set(`${PREFIX}cache:${key}`, value, "EX", ttlSeconds)),
      () => this.fallback.cacheSet(key, value, ttlSeconds),
    );
  }

  acquireLeadership(name: string, ttlSeconds: number): Promise<boolean> {
    return this.attempt(
      "acquireLeadership",
      async () => (await this.redis.eval(LEAD, 1, `${PREFIX}leader:${name}`, this.instanceId, String(ttlSeconds * 1000))) === 1,
      () => this.fallback.acquireLeadership(name, ttlSeconds),
    );
  }

  async health() {
    try {
      await this.redis.ping();
      if (this.degraded) this.degraded = false;
      return { ready: true, detail: "redis reachable: coordination shared across replicas" };
    } catch (error) {
      return { ready: false, detail: `redis unreachable (${(error as Error).message}): degraded to single-process coordination` };
    }
  }

  async close(): Promise<void> {
    for (const renew of this.renewals.values()) clearInterval(renew);
    this.renewals.clear();
    this.redis.disconnect();
  }
}

export const createCoordination = (redisUrl: string | undefined, log: Logger): Coordination =>
  redisUrl ? new RedisCoordination(redisUrl, log) : new MemoryCoordination();
