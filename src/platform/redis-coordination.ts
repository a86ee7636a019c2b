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

  constructor(url: string, private readonly log: Logger, options: { slowWaitMs?: number } = {}) {
    this.slowWaitMs = options.slowWaitMs ?? SLOW_WAIT_MS;
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
      this.redis.eval(RENEW, 1, lockKey, token, String(LEASE_MS)).catch(() => {});
    }, RENEW_MS);
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
      if ((await this.redis.set(lockKey, token, "PX", LEASE_MS, "NX")) === "OK") return;
      if (!warned && Date.now() - started > this.slowWaitMs) {
        warned = true;
        this.log.warn({ outcome: "lock-wait-slow", lock: key, waitedMs: Date.now() - started }, "still waiting for a lock held by another replica; the event is kept");
      }
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 500);
    }
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
    this.redis.disconnect();
  }
}

export const createCoordination = (redisUrl: string | undefined, log: Logger): Coordination =>
  redisUrl ? new RedisCoordination(redisUrl, log) : new MemoryCoordination();
