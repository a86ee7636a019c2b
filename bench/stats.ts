/** Pure figures for the benchmark: percentiles and round trips on the critical path. */

export interface Interval {
  start: number;
  end: number;
}

/** Nearest-rank percentile (p in 0..100) of `values`; 0 for none. */
export const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1];
};

export const mean = (values: number[]): number => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);

/**
 * Sequential round trips: how many times the app had to wait for GitHub before it could go on.
 * Requests are taken in the order they started; a request that starts after every earlier one
 * has ended opens a new phase, one that overlaps an earlier one runs in that phase. With a GitHub
 * latency of L per request, a delivery takes at least `roundTrips × L`.
 */
export const roundTrips = (requests: Interval[]): number => {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  let phases = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const request of sorted) {
    if (request.start >= lastEnd) phases += 1;
    lastEnd = Math.max(lastEnd, request.end);
  }
  return phases;
};
