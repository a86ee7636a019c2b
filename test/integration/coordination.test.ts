import { Redis } from "ioredis";
import pino from "pino";
import { MemoryCoordination, type Coordination } from "../../src/platform/coordination.js";
import { RedisCoordination } from "../../src/platform/redis-coordination.js";
import { describeWithRedis, startRedis, type TestRedis } from "../support/redis.js";

const silent = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two critical sections on one key never overlap. */
const assertMutualExclusion = async (a: Coordination, b: Coordination, key: string) => {
  const trace: string[] = [];
  const work = (name: string, coordination: Coordination) =>
    coordination.withLock(key, async () => {
      trace.push(`${name}:in`);
      await sleep(30);
      trace.push(`${name}:out`);
    });
  await Promise.all([work("a", a), work("b", b), work("a2", a)]);
  for (let i = 0; i < trace.length; i += 2) expect(trace[i].replace(":in", "")).toBe(trace[i + 1].replace(":out", ""));
};

describe("in-memory coordination (one process)", () => {
  test("locks serialize, deliveries dedupe, cache and leadership expire", async () => {
    let now = 0;
    const memory = new MemoryCoordination(() => now);
    await assertMutualExclusion(memory, memory, "pr#1");
    await memory.markHandled("d1", 10);
    expect(await memory.isHandled("d1")).toBe(true);
    await memory.cacheSet("k", "v", 5);
    expect(await memory.cacheGet("k")).toBe("v");
    now = 6_000;
    expect(await memory.cacheGet("k")).toBeNull();
    now = 11_000;
    expect(await memory.isHandled("d1")).toBe(false);
    expect(await memory.acquireLeadership("sweep", 60)).toBe(true);
    expect(await memory.acquireLeadership("sweep", 60)).toBe(true); // the leader renews
  });

  test("a failing critical section releases the lock", async () => {
    const memory = new MemoryCoordination();
    await expect(memory.withLock("k", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(memory.withLock("k", async () => "next")).resolves.toBe("next");
  });
});

describeWithRedis("Redis coordination (several replicas)", () => {
  let redis: TestRedis;
  let a: RedisCoordination;
  let b: RedisCoordination;

  beforeAll(async () => {
    redis = await startRedis();
  });
  beforeEach(async () => {
    const admin = new Redis(redis.url);
    await admin.flushdb();
    admin.disconnect();
    a = new RedisCoordination(redis.url, silent);
    b = new RedisCoordination(redis.url, silent);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });
  afterAll(async () => {
    await redis.stop();
  });

  test("a delivery handled by one replica is handled for all", async () => {
    expect(await b.isHandled("delivery-1")).toBe(false);
    await a.markHandled("delivery-1", 60);
    expect(await b.isHandled("delivery-1")).toBe(true);
  });

  test("a PR's lock excludes the other replica", async () => {
    await assertMutualExclusion(a, b, "acme/shop#1");
  });

  test("a dead holder's lease expires and the lock is taken over", async () => {
    const admin = new Redis(redis.url);
    await admin.set("hotfix-governance:lock:acme/shop#2", "dead-replica", "PX", 300);
    admin.disconnect();
    const started = Date.now();
    await b.withLock("acme/shop#2", async () => {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  test("a wait for a lock never gives up: past the slow-wait mark it is logged once, and the event is kept", async () => {
    const warnings: string[] = [];
    const log = { ...silent, warn: (object: { outcome?: string }) => warnings.push(object.outcome ?? "") } as unknown as typeof silent;
    const patient = new RedisCoordination(redis.url, log, { slowWaitMs: 200 });
    let release!: () => void;
    const held = a.withLock("acme/shop#3", () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(50);
    const waiter = patient.withLock("acme/shop#3", async () => "handled");
    await sleep(700);
    release();
    await held;
    await expect(waiter).resolves.toBe("handled");
    expect(warnings).toEqual(["lock-wait-slow"]);
    await patient.close();
  });

  test("one leader at a time; the other takes over when the lease ends", async () => {
    expect(await a.acquireLeadership("reminders", 1)).toBe(true);
    expect(await b.acquireLeadership("reminders", 1)).toBe(false);
    expect(await a.acquireLeadership("reminders", 1)).toBe(true);
    await sleep(1100);
    expect(await b.acquireLeadership("reminders", 1)).toBe(true);
    expect(await a.acquireLeadership("reminders", 1)).toBe(false);
  });

  test("the cache is shared", async () => {
    await a.cacheSet("team:acme/sre:alice", "active", 60);
    expect(await b.cacheGet("team:acme/sre:alice")).toBe("active");
  });

  test("health says whether Redis answers", async () => {
    expect(await a.health()).toMatchObject({ ready: true });
  });
});

describeWithRedis("Redis going away mid-run", () => {
  test("operations fall back to single-process mode and readiness says so", async () => {
    const redis = await startRedis({ private: true });
    const lines: any[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const coordination = new RedisCoordination(redis.url, log);
    await coordination.markHandled("before", 60);
    expect(await coordination.isHandled("before")).toBe(true);
    await redis.stop();
    // Still serving: locks and dedup work in memory.
    await expect(coordination.withLock("acme/shop#1", async () => "done")).resolves.toBe("done");
    await coordination.markHandled("after", 60);
    expect(await coordination.isHandled("after")).toBe(true);
    expect(await coordination.health()).toMatchObject({ ready: false, detail: expect.stringMatching(/degraded to single-process/) });
    expect(lines.some((line) => line.outcome === "redis-degraded")).toBe(true);
    await coordination.close();
  });
});
