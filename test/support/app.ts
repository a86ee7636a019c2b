import { generateKeyPairSync } from "node:crypto";
import { pino, type Logger } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { rateLimitHandlers } from "../../src/platform/octokit.js";
import { createRuntime, type Runtime } from "../../src/platform/runtime.js";
import hotfixGovernance from "../../src/index.js";
import { createSimulator, SIM_APP, type GitHubSimulator } from "./simulator/index.js";

let privateKey: string | undefined;
/** A real RSA key, so Probot signs real app JWTs. */
export const testPrivateKey = (): string =>
  (privateKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString());

export interface TestApp {
  probot: Probot;
  /** What this instance holds (coordination, clock): a second instance is a second process. */
  runtime: Runtime;
  sim: GitHubSimulator;
  /** Closes what the instance holds open (its Redis connection, its reconciliation timer). */
  close: () => Promise<void>;
  /** Delivers an event; `id` is GitHub's X-GitHub-Delivery (a redelivery keeps it). */
  receive: (name: string, payload: any, id?: string) => Promise<void>;
}

let deliveries = 0;

/**
 * The real app, loaded into a real Probot, talking to the simulator through nock (or over loopback).
 * Throttling and retries are off unless a test asks for them: they only add waiting.
 */
export const createTestApp = async (
  options: {
    /** Probot's retries of 5xx and network errors, with millisecond waits. */
    retry?: boolean;
    /** Probot's throttling with the app's rate-limit handlers; waits are 10 ms per second asked. */
    throttle?: boolean;
    /** A logger to read what the app logs. */
    log?: Logger;
    /** Another app instance's simulator: two replicas of the app on one GitHub. */
    sim?: GitHubSimulator;
    /**
     * The REST base URL (`/api/v3`) of `sim` served over loopback HTTP (`serveSimulator`): the app
     * talks to it over real sockets and nock is never loaded (suites with Redis or real servers).
     */
    baseUrl?: string;
    /** REDIS_URL for this instance's coordination. */
    redisUrl?: string;
    /** RECONCILE_INTERVAL_MINUTES of this instance: off (0) unless a test runs the sweep on its timer. */
    reconcileIntervalMinutes?: number;
    /** Waits between re-reads of what an event announced (replication lag): milliseconds here. */
    readRetryDelaysMs?: number[];
  } = {},
): Promise<TestApp> => {
  process.env.APP_ID = String(SIM_APP.id);
  const sim = options.sim ?? createSimulator();
  if (!options.sim && !options.baseUrl) {
    // Loaded only here: nock patches the process's sockets once imported.
    const { serveThroughNock } = await import("./simulator/nock-serve.js");
    serveThroughNock(sim);
  }
  const probot = new Probot({
    appId: SIM_APP.id,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    privateKey: testPrivateKey(),
    log: options.log,
    logLevel: (process.env.LOG_LEVEL as any) === "silent" ? "fatal" : ((process.env.LOG_LEVEL as any) ?? "fatal"),
    // A function, so it overrides what Probot sets: its write spacing only adds waiting here.
    Octokit: ProbotOctokit.defaults((instanceOptions: any) => ({
      ...instanceOptions,
      retry: options.retry ? { enabled: true, retryAfterBaseValue: 1 } : { enabled: false },
      throttle: options.throttle
        ? { ...instanceOptions.throttle, ...rateLimitHandlers, enabled: true, retryAfterBaseValue: 10 }
        : { enabled: false },
    })),
  });
  // Probot sets `probot.log` only once the app is loaded: the runtime gets a logger of its own.
  const shutdown = new AbortController();
  const runtime = createRuntime(options.log ?? pino({ level: "silent" }), {
    REDIS_URL: options.redisUrl,
    APP_ID: String(SIM_APP.id),
    RECONCILE_INTERVAL_MINUTES: String(options.reconcileIntervalMinutes ?? 0),
    // Tests run the reminder sweep themselves.
    POSTMORTEM_REMINDER_INTERVAL_MINUTES: "0",
  });
  if (!options.baseUrl) {
    // Through nock, GitHub is reached with fetch (nock answers it in place). The runtime's own
    // HTTP client would go through nock's socket-level mock, whose fake TLS sockets, when a test
    // resets a connection, left a stale OpenSSL error that broke the next JWT signature; the
    // suites on real sockets (`baseUrl`, the app as a process) use that client for real.
    runtime.fetch = undefined;
  }
  runtime.shutdown = shutdown.signal;
  runtime.readRetryDelaysMs = options.readRetryDelaysMs ?? [1, 2, 4];
  await probot.load(hotfixGovernance, { cwd: process.cwd(), addHandler: () => {}, runtime });
  return {
    probot,
    runtime,
    sim,
    close: () => {
      shutdown.abort();
      return runtime.coordination.close();
    },
    receive: async (name, payload, id) => {
      deliveries += 1;
      await probot.receive({ id: id ?? `delivery-${deliveries}`, name: name as any, payload });
    },
  };
};
