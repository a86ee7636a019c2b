import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { run } from "probot";
import hotfixGovernance from "./index.js";
import { createLogger } from "./platform/logging.js";
import { createMetrics } from "./platform/metrics.js";
import { HotfixOctokit } from "./platform/octokit.js";

/** `.env` as Probot applies it (its values win over the environment), read before the logger is built. */
const applyDotEnv = (path = join(process.cwd(), ".env")): void => {
  try {
    Object.assign(process.env, parseEnv(readFileSync(path, "utf8")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
};

/** Why the app did not start, in plain words (Probot's own line, if any, has the details). */
const startupFailure = (error: unknown, env: NodeJS.ProcessEnv): string => {
  const message = String((error as { message?: unknown })?.message ?? error).split("\n")[0].slice(0, 300);
  // smee-client's EventSource rejects with an ErrorEvent when the channel cannot be reached.
  if (env.WEBHOOK_PROXY_URL && /fetch failed|EventSource|Non-200 status code|timed out/i.test(message)) {
    return `the webhook proxy WEBHOOK_PROXY_URL=${env.WEBHOOK_PROXY_URL} cannot be reached (${message}): no webhook would arrive. Check the URL (a smee.io channel), or unset it when GitHub reaches this server directly.`;
  }
  return `the app could not start: ${message}`;
};

// `npm start`: Probot's own runner (setup page without APP_ID, PORT/HOST, WEBHOOK_PROXY_URL,
// REDIS_URL throttling), with a client that waits out GitHub's rate limits and a logger whose
// lines mean what they say (src/platform/logging.ts).
applyDotEnv();
// The process's metrics: the logger counts refused signatures, the app everything else.
const metrics = createMetrics({ processMetrics: true });
const log = await createLogger(process.env, { metrics });
try {
  await run((app, options) => hotfixGovernance(app, { ...options, metrics }), { Octokit: HotfixOctokit as any, log });
} catch (error) {
  log.fatal({ outcome: "startup-failed" }, startupFailure(error, process.env));
  // pino writes asynchronously: let the line out before exiting.
  setTimeout(() => process.exit(1), 100);
}
