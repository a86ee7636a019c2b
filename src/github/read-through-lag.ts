/**
 * GitHub replicates: a read right after an event may not see what the event announced yet
 * (SPEC §7). A not-found answer — REST 404, or GraphQL's HTTP 200 with an error of type
 * `NOT_FOUND` — for the PR or ref the event just named is retried with a short backoff for a few
 * seconds before it is believed; so is an answer the caller recognises as older than the event.
 */

/** About three seconds in all. Injectable (the runtime's `readRetryDelaysMs`) so tests are fast. */
export const DEFAULT_READ_RETRY_DELAYS_MS: readonly number[] = [200, 400, 800, 1600];

/** GitHub's two ways of saying "not found". */
export const isNotFoundAnswer = (error: unknown): boolean => {
  const e = error as { status?: number; errors?: Array<{ type?: string }> };
  if (e?.status === 404) return true;
  return Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every((item) => item?.type === "NOT_FOUND");
};

export interface LagOptions {
  /** Waits between attempts; an empty list reads once. */
  delaysMs?: readonly number[];
  /** Is this answer older than the event (e.g. a head commit before the pushed one)? Then it is read again. */
  isStale?: (value: unknown) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `read`, again after each delay while it answers not-found (thrown, or `null`) or stale. The
 * last answer is returned (a stale one included: the caller decides) and the last not-found
 * thrown: by then it is believed.
 */
export const readThroughLag = async <T>(read: () => Promise<T>, options: LagOptions = {}): Promise<T> => {
  const delays = options.delaysMs ?? DEFAULT_READ_RETRY_DELAYS_MS;
  const sleep = options.sleep ?? wait;
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= delays.length;
    try {
      const value = await read();
      if (last || (value != null && !options.isStale?.(value))) return value;
    } catch (error) {
      if (last || !isNotFoundAnswer(error)) throw error;
    }
    await sleep(delays[attempt]);
  }
};
