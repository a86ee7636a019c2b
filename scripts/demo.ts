/**
 * `npm run demo`: the whole emergency-change flow on your machine, without a GitHub account.
 *
 * 1. builds the app if `lib/` is older than `src/` (`npm run build`);
 * 2. serves a simulated GitHub on 127.0.0.1 (GitHub Enterprise layout: /api/v3, /api/graphql), its
 *    git endpoints backed by a real git repository in a temporary directory;
 * 3. starts the real app exactly as `npm start` does (`node lib/main.js`), with a fresh RSA key,
 *    a webhook secret and GHE_HOST pointing at the simulator;
 * 4. plays the story (scripts/demo/story.ts) with HMAC-signed webhooks over HTTP, waiting for the
 *    app to finish each one, and prints what happened on GitHub;
 * 5. writes the final state to reports/demo.md (the app's own log: reports/demo-app.log).
 *
 * No network beyond loopback, no credentials. Probot spaces the app's writes as GitHub asks
 * (about 1 s apart, 3 s for comments, issues and PRs): that is most of the time it takes.
 * Exits 1 when a step did not happen as the story expects.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { disposeAllGitRepos } from "../test/support/git/git-repo.js";
import { createSimulator, SIM_APP } from "../test/support/simulator/index.js";
import { serveSimulator } from "../test/support/simulator/server.js";
import { startRealApp, type RealApp } from "./demo/real-app.js";
import { renderReport, transcriptOfStep, transcriptOfStepStart, transcriptSummary } from "./demo/report.js";
import { DEMO_CONFIG, DEMO_REPO, playStory } from "./demo/story.js";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
// The simulator's module can serve itself through nock (tests); here it is served over real HTTP.
nock.restore();

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);

const buildIfNeeded = () => {
  const entry = join(root, "lib/main.js");
  if (existsSync(entry) && statSync(entry).mtimeMs >= newest(join(root, "src"))) return;
  console.log("Building the app (npm run build) …");
  const result = spawnSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
  if (!existsSync(entry)) throw new Error("npm run build did not produce lib/main.js");
  if (result.status !== 0) console.log("⚠ npm run build reported type errors (above); lib/ was emitted, the demo goes on with it.");
};

const startedAt = new Date();
const clock = performance.now();
buildIfNeeded();
mkdirSync(join(root, "reports"), { recursive: true });
const logFile = join(root, "reports/demo-app.log");

const sim = createSimulator();
const server = await serveSimulator(sim);
let app: RealApp | undefined;
const shutdown = async () => {
  await app?.stop();
  await server.close();
  disposeAllGitRepos();
};
process.once("SIGINT", () => void shutdown().then(() => process.exit(130)));

let exitCode = 0;
try {
  app = await startRealApp({ gheHost: server.host, appId: SIM_APP.id, logFile });
  const how = `the real app (\`node lib/main.js\`, as \`npm start\` runs it) on ${app.url}, sent HMAC-signed webhooks over HTTP, against the simulated GitHub on ${server.host} (GHE_HOST, GHE_PROTOCOL=http) whose git endpoints are backed by a real git repository.`;
  console.log("Hotfix Governance — demo");
  console.log(`The real app (node lib/main.js) listens on ${app.url}; a simulated GitHub answers on http://${server.host} (git endpoints backed by a real git repository).`);
  console.log(`Repository ${DEMO_REPO}: branches main, release/1.2 and release/1.1 (older, diverged). Its .github/hotfix.yml:\n`);
  console.log(DEMO_CONFIG.trimEnd().split("\n").map((line) => `    ${line}`).join("\n"));
  console.log("\nPeople: @dev (developer, write access), @maria (on-call lead, maintain); team acme/oncall = @maria, @dev.");

  const result = await playStory({
    sim,
    deliver: (name, payload) => app!.deliver(name, payload),
    advance: () => {},
    onStepStart: (index, title, narration) => console.log(transcriptOfStepStart(index, title, narration)),
    onStep: (step) => console.log(transcriptOfStep(step)),
  });
  const info = { how, startedAt, seconds: (performance.now() - clock) / 1000 };
  console.log(transcriptSummary(result, info));
  const reportPath = join(root, "reports/demo.md");
  writeFileSync(reportPath, renderReport(sim, result, info));
  console.log(`\nThe final state is in ${relative(root, reportPath)}; the app's log in ${relative(root, logFile)}.`);
  if (!result.ok) exitCode = 1;
} catch (error) {
  console.error(`\nThe demo could not run: ${(error as Error).stack ?? error}`);
  exitCode = 1;
} finally {
  await shutdown();
}
// What the app itself logged at warn level or above (the audit trail; JSON lines).
const logged = existsSync(logFile)
  ? readFileSync(logFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        try {
          return JSON.parse(line) as { level?: number; msg?: string };
        } catch {
          return { level: 50, msg: line };
        }
      })
  : [];
if (logged.length > 0) {
  console.log(`\nThe app logged ${logged.length} warning${logged.length === 1 ? "" : "s"} or error${logged.length === 1 ? "" : "s"} (${relative(root, logFile)}):`);
  for (const entry of logged.slice(0, 10)) console.log(`   ${(entry.level ?? 0) >= 50 ? "error" : "warn"}: ${entry.msg}`);
}
process.exit(exitCode);
