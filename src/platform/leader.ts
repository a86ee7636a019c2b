import type { Coordination } from "./coordination.js";

/**
 * Wraps a periodic task so only one replica runs it: the leader holds a lease a little longer
 * than the interval and renews it on each run; when it dies, another replica takes over.
 */
export const leaderOnly =
  <A extends unknown[]>(coordination: Coordination, name: string, leaseSeconds: number, task: (...args: A) => Promise<unknown>) =>
  async (...args: A): Promise<unknown> => {
    if (!(await coordination.acquireLeadership(name, leaseSeconds))) return { skipped: "another replica leads" };
    return task(...args);
  };
