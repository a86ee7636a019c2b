import { Redis } from "ioredis";
import pino from "pino";
import { MemoryCoordination, type Coordination } from "../../src/platform/coordination.js";
import { RedisCoordination } from "../../src/platform/redis-coordination.js";
import { runHandedOver } from "../../src/platform/handover.js";
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

  test("work handed over in one process: the holder's next round covers what came while it ran", async () => {
    const memory = new MemoryCoordination();
    const rounds: number[] = [];
    const work = () =>
      runHandedOver(memory, "acme/shop#1", { canHandOver: true }, async (round) => {
        rounds.push(round);
        await sleep(50);
        return round;
      });
    const first = work();
    await sleep(10);
    const later = await Promise.all([work(), work(), work()]);
    expect(await first).toBe(1);
    expect(later).toEqual([undefined, undefined, undefined]);
    expect(rounds).toEqual([0, 1]);
    // withLock callers queue behind a claimed lock.
    const trace: string[] = [];
    const held = runHandedOver(memory, "acme/shop#2", { canHandOver: true }, async () => {
      await sleep(30);
      trace.push("claimed");
    });
    await sleep(5);
    await memory.withLock("acme/shop#2", async () => void trace.push("locked"));
    await held;
    expect(trace).toEqual(["claimed", "locked"]);
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

  test("work handed over between replicas: callers that find the lock held are covered by one more round, none lost", async () => {
    const rounds: number[] = [];
    const work = (coordination: Coordination) =>
      runHandedOver(coordination, "acme/shop#10", { canHandOver: true }, async (round) => {
        rounds.push(round);
        await sleep(150);
        return "evaluated";
      });
    const first = work(a);
    await sleep(30);
    // Ten more while the first round runs, over both replicas.
    const others = Array.from({ length: 10 }, (_unused, index) => work(index % 2 ? a : b));
    const results = await Promise.all([first, ...others]);
    // The holder's second round (started after every ticket) covers all ten.
    expect(rounds).toEqual([0, 1]);
    expect(results[0]).toBe("evaluated");
    expect(results.slice(1)).toEqual(Array(10).fill(undefined));
    expect(await a.handoverStatus("acme/shop#10")).toEqual({ held: false, served: 10 });
  });

  test("a holder that dies: its lease expires and a ticket holder runs the work itself (an extra run at most, never a missing one)", async () => {
    const dying = new RedisCoordination(redis.url, silent, { leaseMs: 300 });
    const claim = await dying.claim("acme/shop#11");
    expect(claim).toHaveProperty("token");
    await dying.close(); // dies holding the lock: no renewal, no release
    let runs = 0;
    const work = (coordination: Coordination) =>
      runHandedOver(coordination, "acme/shop#11", { canHandOver: true }, async () => {
        runs += 1;
        return "evaluated";
      });
    const started = Date.now();
    const results = await Promise.all([work(a), work(b), work(a), work(b)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(2);
    expect(results.filter((result) => result === "evaluated")).toHaveLength(runs);
  });

  test("a failing round releases the lock: waiting tickets take over and run", async () => {
    let runs = 0;
    const failing = runHandedOver(a, "acme/shop#12", { canHandOver: true }, async () => {
      runs += 1;
      await sleep(100);
      throw new Error("GitHub answered 502");
    });
    await sleep(20);
    const waiter = runHandedOver(b, "acme/shop#12", { canHandOver: true }, async () => {
      runs += 1;
      return "evaluated";
    });
    await expect(failing).rejects.toThrow("502");
    await expect(waiter).resolves.toBe("evaluated");
    expect(runs).toBe(2);
  });

  test("work that cannot be handed over waits for the lock and runs itself", async () => {
    const order: string[] = [];
    const holder = runHandedOver(a, "acme/shop#13", { canHandOver: true }, async () => {
      order.push("holder");
      await sleep(100);
    });
    await sleep(20);
    await runHandedOver(b, "acme/shop#13", { canHandOver: false }, async () => void order.push("rerun"));
    await holder;
    expect(order).toEqual(["holder", "rerun"]);
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
