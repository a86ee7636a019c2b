/**
 * Several events for one PR waiting for its lock need one evaluation between them, not one each:
 * whoever asks while an evaluation of `key` is still waiting to start joins it (it will read
 * GitHub after they asked, so its answer is theirs too); an evaluation already running is not
 * joined, since it may have read GitHub before they asked. A burst therefore costs at most the
 * running evaluation plus one. Options of joiners are merged (`merge`).
 */
export class Coalescer {
  private readonly waiting = new Map<string, { promise: Promise<unknown>; options: unknown }>();

  run<T, O>(key: string, options: O, merge: (a: O, b: O) => O, job: (started: () => O) => Promise<T>): Promise<T> {
    const queued = this.waiting.get(key);
    if (queued) {
      queued.options = merge(queued.options as O, options);
      return queued.promise as Promise<T>;
    }
    const entry: { promise: Promise<unknown>; options: unknown } = { promise: Promise.resolve(), options };
    // Registered before the job runs: a job that starts at once must find itself to leave.
    this.waiting.set(key, entry);
    /** Called by the job once it holds the lock: later callers start a new evaluation. */
    const started = (): O => {
      if (this.waiting.get(key) === entry) this.waiting.delete(key);
      return entry.options as O;
    };
    const promise = Promise.resolve()
      .then(() => job(started))
      .finally(() => {
        if (this.waiting.get(key) === entry) this.waiting.delete(key);
      });
    entry.promise = promise;
    return promise;
  }

  /** How many evaluations are waiting to start (for tests and metrics). */
  get size(): number {
    return this.waiting.size;
  }
}
