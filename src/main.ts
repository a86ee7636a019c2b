import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { run } from "probot";
import hotfixGovernance from "./index.js";
import { createLogger } from "./platform/logging.js";
import { HotfixOctokit } from "./platform/octokit.js";

/** `.env` as Probot applies it (its values win over the environment), read before the logger is built. */
const applyDotEnv = (path = join(process.cwd(), ".env")): void => {
  try {
    Object.assign(process.env, parseEnv(readFileSync(path, "utf8")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
};

// `npm start`: Probot's own runner (setup page without APP_ID, PORT/HOST, WEBHOOK_PROXY_URL,
// REDIS_URL throttling), with a client that waits out GitHub's rate limits and a logger whose
// lines mean what they say (src/platform/logging.ts).
applyDotEnv();
await run(hotfixGovernance, { Octokit: HotfixOctokit as any, log: await createLogger(process.env) });
