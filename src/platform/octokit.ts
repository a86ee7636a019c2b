import { ProbotOctokit } from "probot";

/** Rate-limit waits are retried this many times, then the request fails (and the check fails closed). */
const RATE_LIMIT_RETRIES = 2;
/** A secondary limit asking for a longer pause than this is not waited out inside one delivery. */
const MAX_WAIT_SECONDS = 120;

type Log = { warn: (object: object, message: string) => void };

/**
 * Probot's client, with rate limits waited out instead of hammered: GitHub's `retry-after`
 * (secondary limits, 403/429) and the reset time (primary limits) are honoured, twice at most.
 * Probot itself only logs secondary limits. Everything else (write spacing, Redis-backed
 * throttling with REDIS_URL, retries of 5xx and network errors) stays Probot's.
 */
export const rateLimitHandlers = {
  onRateLimit: (retryAfter: number, options: { method: string; url: string }, octokit: { log: Log }, retryCount: number) => {
    octokit.log.warn({ retryAfter, request: `${options.method} ${options.url}`, retryCount }, "GitHub rate limit exhausted; waiting for the reset");
    return retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_WAIT_SECONDS;
  },
  onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, octokit: { log: Log }, retryCount: number) => {
    octokit.log.warn({ retryAfter, request: `${options.method} ${options.url}`, retryCount }, "GitHub secondary rate limit; waiting as asked");
    return retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_WAIT_SECONDS;
  },
};

export const HotfixOctokit = ProbotOctokit.defaults((instanceOptions: any) => {
  // GitHub's write spacing is per installation: without its id every installation of the
  // process would share one queue (one GraphQL query a second for all repositories).
  const installationId = instanceOptions?.auth?.installationId;
  return {
    ...instanceOptions,
    throttle: {
      ...instanceOptions?.throttle,
      ...(installationId && !instanceOptions?.throttle?.id ? { id: `installation-${installationId}` } : {}),
      ...rateLimitHandlers,
    },
  };
});
