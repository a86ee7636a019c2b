import { run } from "probot";
import hotfixGovernance from "./index.js";
import { HotfixOctokit } from "./platform/octokit.js";

// `npm start`: Probot's own runner (setup page without APP_ID, PORT/HOST, REDIS_URL throttling),
// with a client that waits out GitHub's rate limits.
await run(hotfixGovernance, { Octokit: HotfixOctokit as any });
