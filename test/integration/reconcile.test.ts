import nock from "nock";
import { followUpsDone, reconcileSearches, runReconcileSweep } from "../../src/flows/reconcile.js";
import { createTestApp } from "../support/app.js";
import { pullRequestEvent } from "../support/events.js";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { backportPulls, createScenario, mergeHotfix, receiveMerge, REPO, seedHistory, type Scenario } from "../support/git/scenario.js";
import { SIM_APP } from "../support/simulator/index.js";
import { addInstallation } from "../support/simulator/routes-apps.js";
import { appBot } from "../support/simulator/routes-issues.js";

/**
 * SPEC §7: nothing depends on a redelivery. GitHub never redelivers a failed delivery by itself
 * and Probot answers 202 after 9 s, so a process that dies during a merge's follow-ups leaves them
 * half-done; the reconciliation sweep of another process completes them.
 */
const CONFIG = `
approvals:
  users: [lead, ops]
backport:
  targets: [release/1.0, release/2.0]
postmortem:
  assignees: [lead]
`;
const INSTALLATION = 4242;

afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.restore();
  disposeAllGitRepos();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waitFor = async (what: string, condition: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
};

const scenario = async (config = CONFIG): Promise<Scenario> => {
  const s = await createScenario(config);
  seedHistory(s.git);
  s.git.createBranch("release/2.0", "release/1.0");
  s.git.commitFiles("release/2.0", { "CHANGELOG.md": "## 2.0\n" }, "Release 2.0");
  s.t.sim.setPermission(REPO, "lead", "maintain");
  addInstallation(s.t.sim, { id: INSTALLATION, account: { login: "acme", type: "Organization" } });
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("main", "src/checkout.ts")!.toString().replace("0);", "0) * 100 / 100;") }, "Round totals");
  return s;
};

const postmortems = (s: Scenario) => [...s.t.sim.repo(REPO).issues.values()].filter((issue) => issue.title.startsWith("Postmortem:"));
const appComments = (s: Scenario, number: number) =>
  s.t.sim.repo(REPO).issueComments.filter((comment) => comment.issueNumber === number && comment.user.login === appBot(s.t.sim).login);
const markerOf = (body: string) => /<!-- hotfix-governance:[^>]*-->/.exec(body)?.[0] ?? body;

/**
 * The process "dies" right after GitHub answered its first backport PR: from then on none of its
 * requests reaches GitHub (each fails as a reset connection, so the in-process handler runs to its
 * end without changing anything, like a killed process). Requests of the process started
 * afterwards are answered as usual. (`reconcile-process.test.ts` does it with a real SIGKILL.)
 */
const killAfterFirstBackportPullRequest = (s: Scenario) => {
  const sim = s.t.sim;
  const handle = sim.handle.bind(sim);
  let state: "alive" | "dying" | "dead" = "alive";
  sim.handle = async (method, url, body, headers) => {
    if (state === "dead") return "reset";
    const response = await handle(method, url, body, headers);
    if (state === "alive" && method === "POST" && /\/repos\/acme\/shop\/pulls$/.test(new URL(url, sim.baseUrl).pathname) && response !== "hang" && response !== "reset" && response.status === 201) {
      state = "dead";
    }
    return response;
  };
  return {
    isDead: () => state === "dead",
    /** The old process is gone; the simulator serves the new one. */
    restart: () => {
      sim.handle = handle;
    },
  };
};

test("a process killed after the first backport PR: a fresh process's sweep completes the follow-ups exactly once", async () => {
  const s = await scenario();
  const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
  const kill = killAfterFirstBackportPullRequest(s);
  await receiveMerge(s, pr.number).catch(() => {}); // the "dead" process reaches GitHub no more
  expect(kill.isDead()).toBe(true);
  expect(backportPulls(s).map((pull) => pull.base.ref)).toEqual(["release/1.0"]);
  expect(postmortems(s)).toHaveLength(0);
  kill.restart();

  // A fresh process (its own memory: no lock, no delivery record) with a short interval.
  const fresh = await createTestApp({ sim: s.t.sim, reconcileIntervalMinutes: 0.01 });
  await waitFor("the postmortem link on the PR", () => appComments(s, pr.number).some((comment) => comment.body.includes("hotfix-governance:postmortem-comment")));
  // Let a few more sweeps run: they find everything in place.
  await sleep(2_000);

  const pulls = backportPulls(s);
  expect(pulls.map((pull) => pull.base.ref).sort()).toEqual(["release/1.0", "release/2.0"]);
  expect(pulls.map((pull) => pull.head.ref).sort()).toEqual([`backport/${pr.number}-to-release/1.0`, `backport/${pr.number}-to-release/2.0`]);
  expect(postmortems(s)).toHaveLength(1);
  expect(postmortems(s)[0].body).toContain(`#${pulls.find((pull) => pull.base.ref === "release/2.0")!.number}`);
  const markers = appComments(s, pr.number).map((comment) => markerOf(comment.body));
  expect(markers).toEqual([...new Set(markers)]);
  expect(markers).toContain(`<!-- hotfix-governance:postmortem-comment pr=${pr.number} issue=${postmortems(s)[0].number} -->`);
  for (const pull of pulls) expect(appComments(s, pull.number)).toEqual([]);
  await fresh.close();
}, 60_000);

test("a crash mid content-merge leaves a temporary branch: a sweep keeps it while an attempt could still be running, deletes it once stale", async () => {
  const s = await scenario();
  // release/1.0 changed the file the hotfix changes (elsewhere in it): its port needs git's merge on a temporary branch.
  s.git.commitFiles("release/1.0", { "src/checkout.ts": s.git.readFile("release/1.0", "src/checkout.ts")!.toString().replace("'EUR'", "'GBP'") }, "Pounds on 1.0");
  const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
  // The process dies right after GitHub made the temporary branch (before the merge into it, and before deleting it).
  const sim = s.t.sim;
  const handle = sim.handle.bind(sim);
  let dead = false;
  sim.handle = async (method, url, body, headers) => {
    if (dead) return "reset";
    const response = await handle(method, url, body, headers);
    if (method === "POST" && new URL(url, sim.baseUrl).pathname === "/repos/acme/shop/git/refs" && String((body as { ref?: string })?.ref).startsWith("refs/heads/hotfix-governance/tmp/")) dead = true;
    return response;
  };
  await receiveMerge(s, pr.number).catch(() => {});
  expect(dead).toBe(true);
  sim.handle = handle;
  const temporary = () => [...s.git.refs("refs/heads/hotfix-governance/tmp/").keys()];
  const [leftover] = temporary();
  expect(leftover).toMatch(new RegExp(`^refs/heads/hotfix-governance/tmp/backport-${pr.number}/\\d+-[0-9a-f]+$`));

  // A sweep right away completes the follow-ups; the branch is minutes old — it could be a port in progress: it stays.
  const first = await runReconcileSweep(s.t.probot, s.t.runtime, new Date());
  expect(first).toMatchObject({ followedUp: 1, temporaryBranchesDeleted: 0, failures: 0 });
  expect(backportPulls(s).map((pull) => pull.base.ref).sort()).toEqual(["release/1.0", "release/2.0"]);
  expect(temporary()).toEqual([leftover]);

  // Twenty minutes on, nothing else is missing: the sweep's own search listed the branch, and one write deletes it.
  s.t.sim.reset();
  const later = await runReconcileSweep(s.t.probot, s.t.runtime, new Date(Date.now() + 20 * 60_000));
  expect(later).toMatchObject({ followedUp: 0, temporaryBranchesDeleted: 1, failures: 0 });
  expect(temporary()).toEqual([]);
  expect(s.t.sim.writes().map((write) => `${write.method} ${write.path}`)).toEqual([`DELETE /repos/acme/shop/git/refs/${leftover.replace(/^refs\//, "")}`]);
  expect(s.t.sim.requests.filter((request) => request.path === "/graphql")).toHaveLength(1);
  // The backports' own branches are untouched.
  expect([...s.git.refs("refs/heads/backport/").keys()]).toHaveLength(2);
}, 60_000);

test("once nothing is missing, a sweep is one GraphQL request per installation and writes nothing", async () => {
  const s = await scenario();
  const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
  await receiveMerge(s, pr.number);
  expect(postmortems(s)).toHaveLength(1);
  s.t.sim.addRepo("octocat/blog");
  addInstallation(s.t.sim, { id: 4343, account: { login: "octocat", type: "User" } });
  // The first sweep of a process also reads each repository's config once for its label (then daily).
  await runReconcileSweep(s.t.probot, s.t.runtime, new Date());
  s.t.sim.reset();
  const report = await runReconcileSweep(s.t.probot, s.t.runtime, new Date());
  expect(report).toMatchObject({ installations: 2, merged: 1, followedUp: 0, open: 0, evaluated: 0, searchRequests: 2, failures: 0 });
  const requests = s.t.sim.requests.filter((request) => !/access_tokens$/.test(request.path));
  expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual(["GET /app/installations", "POST /graphql", "POST /graphql"]);
  expect(s.t.sim.writes()).toEqual([]);
});

test("a merged hotfix whose merge event never arrived is followed up; one merged outside the window is left alone", async () => {
  const s = await scenario();
  const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
  const pull = s.t.sim.pull(REPO, pr.number);
  // 80 hours later: outside the window.
  const late = new Date(Date.parse(pull.mergedAt!) + 80 * 3600_000);
  expect((await runReconcileSweep(s.t.probot, s.t.runtime, late)).merged).toBe(0);
  expect(backportPulls(s)).toEqual([]);
  const report = await runReconcileSweep(s.t.probot, s.t.runtime, new Date(Date.parse(pull.mergedAt!) + 3600_000));
  expect(report).toMatchObject({ merged: 1, followedUp: 1, failures: 0 });
  expect(backportPulls(s)).toHaveLength(2);
  expect(postmortems(s)).toHaveLength(1);
});

test("an open hotfix whose head has no `Hotfix governance` run is evaluated; one that has it is not", async () => {
  const t = await createTestApp();
  t.sim.addRepo(REPO);
  addInstallation(t.sim, { id: INSTALLATION, account: { login: "acme", type: "Organization" } });
  const lost = t.sim.addPull(REPO, { labels: ["hotfix"] });
  const seen = t.sim.addPull(REPO, { labels: ["hotfix"] });
  const other = t.sim.addPull(REPO, { labels: [] });
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, seen.number, "opened"));
  expect(t.sim.checkRuns(REPO, lost.head.sha)).toHaveLength(0);
  const runsOfSeen = t.sim.checkRuns(REPO, seen.head.sha).length;
  const report = await runReconcileSweep(t.probot, t.runtime, new Date());
  expect(report).toMatchObject({ open: 2, evaluated: 1, failures: 0 });
  expect(t.sim.latestCheck(REPO, lost.head.sha)).toMatchObject({ status: "in_progress" });
  expect(t.sim.checkRuns(REPO, seen.head.sha)).toHaveLength(runsOfSeen);
  expect(t.sim.checkRuns(REPO, other.head.sha)).toHaveLength(0);
});

test("a repository whose config names another label: a fresh process's first sweep finds its label by reading the configs", async () => {
  const t = await createTestApp();
  t.sim.addRepo(REPO, { config: "label: emergency\n" });
  t.sim.addRepo("acme/api");
  addInstallation(t.sim, { id: INSTALLATION, account: { login: "acme", type: "Organization" } });
  const lost = t.sim.addPull(REPO, { labels: ["emergency"] });
  const report = await runReconcileSweep(t.probot, t.runtime, new Date());
  expect(report).toMatchObject({ open: 1, evaluated: 1, searchRequests: 2, failures: 0 });
  expect(t.sim.latestCheck(REPO, lost.head.sha)).toMatchObject({ status: "in_progress" });
  // The next sweep searches both labels at once, and reads no config.
  t.sim.reset();
  expect(await runReconcileSweep(t.probot, t.runtime, new Date())).toMatchObject({ open: 1, evaluated: 0, searchRequests: 1 });
  expect(t.sim.requests.filter((request) => request.path.includes("/contents/"))).toEqual([]);
});

test("a repository whose config names another label: its hotfixes are searched once a config naming it was read", async () => {
  const t = await createTestApp();
  t.sim.addRepo(REPO, { config: "label: emergency\n" });
  addInstallation(t.sim, { id: INSTALLATION, account: { login: "acme", type: "Organization" } });
  const first = t.sim.addPull(REPO, { labels: ["emergency"] });
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, first.number, "opened"));
  const lost = t.sim.addPull(REPO, { labels: ["emergency"] });
  const report = await runReconcileSweep(t.probot, t.runtime, new Date());
  expect(report).toMatchObject({ open: 2, evaluated: 1 });
  expect(t.sim.latestCheck(REPO, lost.head.sha)?.output.title).not.toMatch(/Not a hotfix/);
});

test("a green hotfix rests on approvals that may expire: re-evaluated where `expire_after_hours` is set, passed over elsewhere", async () => {
  const t = await createTestApp();
  t.sim.addRepo("acme/expiring", { config: "approvals:\n  expire_after_hours: 1\n" });
  t.sim.addRepo("acme/lasting");
  addInstallation(t.sim, { id: INSTALLATION, account: { login: "acme", type: "Organization" } });
  const green = (repo: string) => {
    const pull = t.sim.addPull(repo, { labels: ["hotfix"] });
    t.sim.addCheckRun(repo, { headSha: pull.head.sha, name: "Hotfix governance", conclusion: "success", app: { id: SIM_APP.id, slug: SIM_APP.slug } });
    return pull;
  };
  const expiring = green("acme/expiring");
  const lasting = green("acme/lasting");
  const first = await runReconcileSweep(t.probot, t.runtime, new Date());
  expect(first).toMatchObject({ open: 2, evaluated: 1, failures: 0 });
  // Evaluated now, the green check had nothing to rest on: a new verdict replaces it.
  expect(t.sim.latestCheck("acme/expiring", expiring.head.sha)?.conclusion).not.toBe("success");
  expect(t.sim.checkRuns("acme/lasting", lasting.head.sha)).toHaveLength(1);
  // Known now: the next sweeps read no config of the repository where nothing expires.
  t.sim.reset();
  await runReconcileSweep(t.probot, t.runtime, new Date());
  expect(t.sim.requests.filter((request) => request.path.startsWith("/repos/acme/lasting/contents/"))).toEqual([]);
});

test("an installation on selected repositories: the account-wide search's other repositories are left alone", async () => {
  const t = await createTestApp();
  t.sim.addRepo(REPO);
  t.sim.addRepo("acme/public-site");
  addInstallation(t.sim, { id: INSTALLATION, account: { login: "acme", type: "Organization" }, repositorySelection: "selected", repositories: [REPO] });
  const mine = t.sim.addPull(REPO, { labels: ["hotfix"] });
  const theirs = t.sim.addPull("acme/public-site", { labels: ["hotfix"] });
  const report = await runReconcileSweep(t.probot, t.runtime, new Date());
  expect(report).toMatchObject({ open: 1, evaluated: 1, failures: 0 });
  expect(t.sim.checkRuns(REPO, mine.head.sha)).toHaveLength(1);
  expect(t.sim.checkRuns("acme/public-site", theirs.head.sha)).toHaveLength(0);
  expect(t.sim.requests.filter((request) => request.path.startsWith("/repos/acme/public-site"))).toEqual([]);
});

describe("pure parts", () => {
  test("the searches: label, window, account", () => {
    const since = new Date("2024-05-01T09:00:00.000Z");
    expect(reconcileSearches({ login: "acme", type: "Organization" }, ["hotfix", "emergency"], since)).toEqual({
      merged: 'is:pr is:merged archived:false label:"hotfix","emergency" merged:>=2024-05-01T09:00:00Z org:acme',
      open: 'is:pr is:open archived:false label:"hotfix","emergency" org:acme',
    });
    expect(reconcileSearches({ login: "octocat", type: "User" }, ["hotfix"], since).open).toBe('is:pr is:open archived:false label:"hotfix" user:octocat');
  });

  test.each([
    [[], false],
    [["<!-- hotfix-governance:backport-failure:7:release/1.0 -->\nconflict"], false],
    [["<!-- hotfix-governance:postmortem-comment pr=7 issue=12 -->\n📝"], true],
    [["<!-- hotfix-governance:postmortem-comment pr=7 issue=none -->\n⚠️ could not open"], true],
    [["<!-- hotfix-governance:postmortem-comment pr=70 issue=12 -->"], false],
    [["<!-- hotfix-governance:not-followed-up pr=7 -->"], true],
  ])("follow-ups done for comments %j: %s", (appComments, done) => {
    expect(followUpsDone({ number: 7, appComments })).toBe(done);
  });
});
