import { randomUUID } from "node:crypto";

/**
 * What replicas share. GitHub stays the system of record: this only keeps replicas from doing
 * the same work twice at the same moment. Two implementations: in memory (one process) and
 * Redis (several replicas, `REDIS_URL`).
 */
export interface Coordination {
  readonly kind: "memory" | "redis";
  /** Has this webhook delivery been handled to the end already? */
  isHandled(deliveryId: string): Promise<boolean>;
  /** Marks a delivery handled (only after its handling finished, so a failed one can be redelivered). */
  markHandled(deliveryId: string, ttlSeconds: number): Promise<void>;
  /** Runs `fn` holding the lock `key`; waits for it. The lease expires if the holder dies. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Work handed over between replicas (`platform/handover.ts`), on the same lock as `withLock`:
   * takes the lock `key` if it is free (a holder's token), or else a ticket, atomically, so that
   * whoever holds it sees the ticket before it can release.
   */
  claim(key: string): Promise<{ token: string } | { ticket: number }>;
  /** The newest ticket of `key`: a round that starts now covers it and every earlier one. */
  roundStart(key: string): Promise<number>;
  /**
   * The holder finished a round that covered tickets up to `covered`: tickets that came since keep
   * the lock with it ("again"), otherwise the lock is released. A holder that lost its lease
   * (it took longer than the lease) records what it covered and is told "released".
   */
  finishRound(key: string, token: string, covered: number): Promise<"again" | "released">;
  /** Releases a claimed lock whatever its tickets (the holder failed: waiting ticket holders take over). */
  abandon(key: string, token: string): Promise<void>;
  /** Whether `key`'s lock is held, and the newest ticket a finished round covered. */
  handoverStatus(key: string): Promise<{ held: boolean; served: number }>;
  /** A short-lived shared cache (team membership, repository roles). */
  cacheGet(key: string): Promise<string | null>;
  cacheSet(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** True when this instance leads `name` for the next `ttlSeconds` (renewed by calling again). */
  acquireLeadership(name: string, ttlSeconds: number): Promise<boolean>;
  /** Readiness: whether the shared store answers. */
  health(): Promise<{ ready: boolean; detail: string }>;
  close(): Promise<void>;
}

export const INSTANCE_ID = randomUUID();

/** One process: the same guarantees, in memory. */
export class MemoryCoordination implements Coordination {
  readonly kind = "memory" as const;
  private readonly handled = new Map<string, number>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly cache = new Map<string, { value: string; expires: number }>();
  private readonly leaders = new Map<string, { owner: string; expires: number }>();
  /** Claimed locks (their release) and tickets, by key. */
  private readonly claims = new Map<string, { token: string; release: () => void }>();
  private readonly tickets = new Map<string, { requested: number; served: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async isHandled(deliveryId: string): Promise<boolean> {
    const expires = this.handled.get(deliveryId);
    if (expires === undefined) return false;
    if (expires < this.clock()) {
      this.handled.delete(deliveryId);
      return false;
    }
    return true;
  }

  async markHandled(deliveryId: string, ttlSeconds: number): Promise<void> {
    this.handled.set(deliveryId, this.clock() + ttlSeconds * 1000);
    this.sweep();
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => current);
    this.locks.set(key, chained);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(key) === chained) this.locks.delete(key);
    }
  }

  async claim(key: string): Promise<{ token: string } | { ticket: number }> {
    if (!this.locks.has(key)) {
      // Taken as `withLock` takes it: later `withLock` callers queue behind this holder.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      this.locks.set(key, held);
      const token = randomUUID();
      this.claims.set(key, {
        token,
        release: () => {
          release();
          if (this.locks.get(key) === held) this.locks.delete(key);
        },
      });
      return { token };
    }
    const counts = this.tickets.get(key) ?? { requested: 0, served: 0 };
    counts.requested += 1;
    this.tickets.set(key, counts);
    return { ticket: counts.requested };
  }

  async roundStart(key: string): Promise<number> {
    return this.tickets.get(key)?.requested ?? 0;
  }

  async finishRound(key: string, token: string, covered: number): Promise<"again" | "released"> {
    const counts = this.tickets.get(key);
    if (counts) counts.served = Math.max(counts.served, covered);
    const claim = this.claims.get(key);
    if (claim?.token !== token) return "released";
    if (counts && counts.requested > counts.served) return "again";
    this.release(key);
    return "released";
  }

  async abandon(key: string, token: string): Promise<void> {
    if (this.claims.get(key)?.token === token) this.release(key);
  }

  async handoverStatus(key: string): Promise<{ held: boolean; served: number }> {
    return { held: this.locks.has(key), served: this.tickets.get(key)?.served ?? 0 };
  }

  private release(key: string): void {
    this.claims.get(key)?.release();
    this.claims.delete(key);
    // Kept for the waiters still to look (they go by `served`); once many, settled free ones are dropped.
    if (this.tickets.size < 10_000) return;
    for (const [other, counts] of this.tickets) if (!this.locks.has(other) && counts.served >= counts.requested) this.tickets.delete(other);
  }

  async cacheGet(key: string): Promise<string | null> {
    const entry = this.cache.get(key);
    if (!entry) return null;
    if (entry.expires < this.clock()) {
      this.cache.delete(key);
      return null;
    }
    return entry.value;
  }

  async cacheSet(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.cache.set(key, { value, expires: this.clock() + ttlSeconds * 1000 });
    this.sweep();
  }

  async acquireLeadership(name: string, ttlSeconds: number): Promise<boolean> {
    const current = this.leaders.get(name);
    if (current && current.owner !== INSTANCE_ID && current.expires > this.clock()) return false;
    this.leaders.set(name, { owner: INSTANCE_ID, expires: this.clock() + ttlSeconds * 1000 });
    return true;
  }

  async health() {
    return { ready: true, detail: "single process, in-memory coordination" };
  }

  async close(): Promise<void> {}

  /** Keeps memory flat under load: expired entries are dropped once the maps grow. */
  private sweep(): void {
    if (this.handled.size + this.cache.size < 10_000) return;
    const now = this.clock();
    for (const [key, expires] of this.handled) if (expires < now) this.handled.delete(key);
    for (const [key, entry] of this.cache) if (entry.expires < now) this.cache.delete(key);
  }
}
