/**
 * A small key/value cache with a time to live, behind an interface Redis can implement later
 * (values are strings, so any store fits). Used for answers GitHub may change at any time but
 * that a burst of events should not ask again (team memberships, repository roles).
 */
export interface TtlCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  clear(): Promise<void>;
}

/**
 * In-process implementation: entries expire `ttlSeconds` after they were set; the oldest entry
 * is evicted once `maxEntries` is reached, so memory stays bounded whatever the traffic.
 */
export const createMemoryCache = (options: { maxEntries?: number; now?: () => number } = {}): TtlCache => {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: string; expiresAt: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    async set(key, value, ttlSeconds) {
      entries.delete(key);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    },
    async clear() {
      entries.clear();
    },
  };
};
