import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRealApp } from "../../scripts/demo/real-app.js";
import { pullRequestEvent } from "../support/events.js";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { seedHistory } from "../support/git/scenario.js";
import { createSimulator, SIM_APP } from "../support/simulator/index.js";
import { attachGit, mergePullFromGit, openPullFromGit, syncBranches } from "../support/simulator/routes-git.js";
import { addInstallation } from "../support/simulator/routes-apps.js";
import { appBot } from "../support/simulator/routes-issues.js";
import { serveSimulator } from "../support/simulator/server.js";

/**
 * SPEC §7, with real processes: the app started as `npm start` starts it (`node lib/main.js`),
 * against the simulator served on loopback, is killed (SIGKILL) right after GitHub answered its
 * first backport PR; a fresh process with a short `RECONCILE_INTERVAL_MINUTES` completes the
 * follow-ups: one backport PR per target, one postmortem, no duplicate comment.
 */
const REPO = "acme/shop";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waitFor = async (what: string, condition: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};

beforeAll(() => {
  // The processes run the built app, as `npm start` does.
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
}, 120_000);
afterAll(() => disposeAllGitRepos());

test("SIGKILL after the first backport PR; a fresh process's sweep finishes the follow-ups exactly once", async () => {
  const sim = createSimulator();
  sim.addRepo(REPO, { config: "approvals:\n  users: [lead]\nbackport:\n  targets: [release/1.0, release/2.0]\n" });
  const git = attachGit(sim, REPO);
  sim.setPermission(REPO, "dev", "write");
  sim.setPermission(REPO, "lead", "maintain");
  addInstallation(sim, { id: 4242, account: { login: "acme", type: "Organization" } });
  seedHistory(git);
  git.createBranch("release/2.0", "release/1.0");
  git.commitFiles("release/2.0", { "CHANGELOG.md": "## 2.0\n" }, "Release 2.0");
  git.createBranch("fix", "main");
  git.commitFiles("fix", { "src/checkout.ts": git.readFile("main", "src/checkout.ts")!.toString().replace("0);", "0) * 100 / 100;") }, "Round totals");
  syncBranches(sim.repo(REPO));
  const pr = openPullFromGit(sim, REPO, { head: "fix", labels: ["hotfix"], title: "Fix the checkout outage", author: "dev" });
  mergePullFromGit(sim, REPO, pr.number, "squash");

  let killFirst: (() => void) | null = null;
  const server = await serveSimulator(sim, {
    onRequest: (timing) => {
      if (killFirst && timing.method === "POST" && timing.path === `/api/v3/repos/${REPO}/pulls` && timing.status === 201) killFirst();
    },
  });
  const logs = mkdtempSync(join(tmpdir(), "reconcile-process-"));
  try {
    // The first process: its reconciliation is off, so only the merge event works.
    const first = await startRealApp({ gheHost: server.host, appId: SIM_APP.id, logFile: join(logs, "first.log"), env: { RECONCILE_INTERVAL_MINUTES: "0" } });
    let killed = false;
    killFirst = () => {
      killFirst = null;
      killed = true;
      void first.kill();
    };
    void first.deliver("pull_request", pullRequestEvent(sim, REPO, pr.number, "closed", { sender: "lead" })).catch(() => {});
    await waitFor("the first backport PR", () => killed, 60_000);
    await first.kill();
    const backports = () => [...sim.repo(REPO).pulls.values()].filter((pull) => pull.head.ref.startsWith("backport/"));
    const postmortems = () => [...sim.repo(REPO).issues.values()].filter((issue) => issue.title.startsWith("Postmortem:"));
    const appComments = () => sim.repo(REPO).issueComments.filter((comment) => comment.issueNumber === pr.number && comment.user.login === appBot(sim).login);
    expect(backports().map((pull) => pull.base.ref)).toEqual(["release/1.0"]);
    expect(postmortems()).toHaveLength(0);

    // A fresh process, sweeping every 3 seconds.
    const fresh = await startRealApp({ gheHost: server.host, appId: SIM_APP.id, logFile: join(logs, "fresh.log"), env: { RECONCILE_INTERVAL_MINUTES: "0.05" } });
    try {
      await waitFor("the postmortem link on the PR", () => appComments().some((comment) => comment.body.includes("hotfix-governance:postmortem-comment")), 90_000);
      await sleep(7_000); // two more sweeps: they find everything in place
      expect(backports().map((pull) => pull.base.ref).sort()).toEqual(["release/1.0", "release/2.0"]);
      expect(postmortems()).toHaveLength(1);
      const markers = appComments().map((comment) => /<!-- hotfix-governance:[^>]*-->/.exec(comment.body)?.[0] ?? comment.body);
      expect(markers).toEqual([...new Set(markers)]);
      const metrics = await (await fetch(`${fresh.url}/metrics`)).text();
      expect(metrics).toMatch(/hotfix_reconcile_items_total\{kind="followed_up",outcome="done"\} 1/);
      expect(metrics).toMatch(/hotfix_reconcile_runs_total\{outcome="done"\} [3-9]/);
      // `npm start` adds Node's own metrics to the app's (once per process).
      expect(metrics).toContain("process_cpu_user_seconds_total");
    } finally {
      await fresh.stop();
    }
  } finally {
    await server.close();
  }
}, 240_000);
