import nock from "nock";
import { createTestApp, type TestApp } from "../support/app.js";
import { checkRunEvent, checkSuiteEvent, pullRequestEvent, statusEvent } from "../support/events.js";
import { ghError, SIM_APP } from "../support/simulator/index.js";

const REPO = "acme/shop";
let t: TestApp;

const setup = async (config?: string) => {
  t = await createTestApp();
  t.sim.addRepo(REPO, config === undefined ? {} : { config });
};

const label = async (number: number, name = "hotfix") => {
  const pull = t.sim.pull(REPO, number);
  if (!pull.labels.includes(name)) pull.labels.push(name);
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, number, "labeled", { label: name }));
};

const unlabel = async (number: number, name = "hotfix") => {
  const pull = t.sim.pull(REPO, number);
  pull.labels = pull.labels.filter((candidate) => candidate !== name);
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, number, "unlabeled", { label: name }));
};

/** Writes of the check run itself (the status comment of approvals is tested in approvals.test.ts). */
const checkWrites = () => t.sim.writes().filter((write) => write.path.includes("/check-runs"));

const latest = (number: number) => t.sim.latestCheck(REPO, t.sim.pull(REPO, number).head.sha)!;

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

describe("pull requests that are not hotfixes", () => {
  test("get a neutral check saying no emergency governance applies", async () => {
    await setup();
    const pr = t.sim.addPull(REPO);
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(latest(pr.number)).toMatchObject({
      status: "completed",
      conclusion: "neutral",
      output: { title: "Not a hotfix: no emergency governance applies" },
    });
  });

  test("get no check when report_all_pull_requests is false", async () => {
    await setup("report_all_pull_requests: false\n");
    const pr = t.sim.addPull(REPO);
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(t.sim.checkRuns(REPO, pr.head.sha)).toHaveLength(0);
    expect(t.sim.writes()).toHaveLength(0);
  });

  test("removing the label turns the existing check neutral, even without report_all_pull_requests", async () => {
    await setup("report_all_pull_requests: false\n");
    const pr = t.sim.addPull(REPO);
    await label(pr.number);
    expect(latest(pr.number).status).toBe("in_progress");
    await unlabel(pr.number);
    // The in-progress run is completed in place: nothing is left pending.
    expect(t.sim.checkRuns(REPO, pr.head.sha)).toHaveLength(1);
    expect(latest(pr.number)).toMatchObject({ status: "completed", conclusion: "neutral" });
  });

  test("a label removed and added again is a hotfix again, in a new run", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: [] });
    await label(pr.number);
    await unlabel(pr.number);
    await label(pr.number);
    const runs = t.sim.checkRuns(REPO, pr.head.sha);
    expect(runs.map((run) => [run.status, run.conclusion])).toEqual([
      ["completed", "neutral"],
      ["in_progress", null],
    ]);
  });
});

describe("hotfix pull requests", () => {
  test("list every requirement with pass/fail and why, and wait for approvals", async () => {
    await setup("required_checks: [build]\nbody:\n  incident_pattern: 'INC-\\d+'\n");
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"], base: "main" });
    t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", status: "completed", conclusion: "success" });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    const run = latest(pr.number);
    expect(run.status).toBe("in_progress");
    expect(run.conclusion).toBeNull();
    expect(run.output.text).toContain("✅ **Base branch allowed**: `main` matches `main`.");
    expect(run.output.text).toContain("✅ **Changed files within scope**: 1 file changed (limit 20).");
    expect(run.output.text).toContain("✅ **Changed lines within scope**");
    expect(run.output.text).toContain("✅ **No forbidden path touched**");
    expect(run.output.text).toContain("✅ **Required sections present**");
    expect(run.output.text).toContain("✅ **Incident reference present**: Found `INC-1`.");
    expect(run.output.text).toContain("✅ **Required check `build` succeeded**");
    expect(run.output.text).toContain("⏳ **Emergency approvals**");
  });

  test("fail on a hard rule and name it", async () => {
    await setup("scope:\n  max_files: 2\n  forbidden_paths: ['db/**']\n");
    const pr = t.sim.addPull(REPO, {
      labels: ["hotfix"],
      base: "develop",
      files: [
        { path: "db/schema.sql", additions: 1, deletions: 0 },
        { path: "a.ts", additions: 1, deletions: 0 },
        { path: "b.ts", additions: 1, deletions: 0 },
      ],
    });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    const run = latest(pr.number);
    expect(run).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "Hotfix blocked: 3 requirements failed" } });
    expect(run.output.summary).toContain("❌ **Base branch allowed**: `develop` is not a hotfix target");
    expect(run.output.summary).toContain("❌ **Changed files within scope**: 3 files changed; a hotfix may change at most 2.");
    expect(run.output.summary).toContain("❌ **No forbidden path touched**");
    expect(run.output.text).toContain("`db/schema.sql`");
  });

  test("a PR with an empty (null) body fails the sections rule without crashing", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"], body: null });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(latest(pr.number).conclusion).toBe("failure");
    expect(latest(pr.number).output.summary).toContain("heading `Incident` is missing");
  });

  test("a PR from a fork is evaluated on its head commit", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"], fromFork: "outsider/shop" });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(latest(pr.number).status).toBe("in_progress");
  });

  test("a PR with 3000+ changed files: GitHub's capped list is paginated and the gap is said", async () => {
    await setup("scope:\n  forbidden_paths: ['secrets/**']\n");
    const files = Array.from({ length: 3000 }, (_, i) => ({ path: `gen/file-${i}.ts`, additions: 1, deletions: 0 }));
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"], files, changedFilesOverride: 3200 });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    const run = latest(pr.number);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("3200 files changed; a hotfix may change at most 20.");
    expect(run.output.summary).toContain("GitHub listed only 3000 of the 3200 changed files");
    const queries = t.sim.requests.filter((request) => request.path === "/graphql");
    expect(queries).toHaveLength(30); // 100 files a page, GitHub's cap of 3000
  });
});

describe("the check run's life cycle (GitHub never changes a completed run's conclusion)", () => {
  test("an in-progress run is updated in place when its text changes", async () => {
    await setup("required_checks: [build]\n");
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(latest(pr.number).output.text).toContain("Not reported on the head commit yet.");
    const build = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", status: "in_progress" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, { ...build, status: "completed", conclusion: "success" }, "completed", [pr.number]));
    // build is still running on GitHub: the row changes, the run stays the same.
    expect(t.sim.checkRuns(REPO, pr.head.sha)).toHaveLength(1);
    expect(latest(pr.number).output.text).toContain("Still running.");
  });

  test("a completed run is never patched: a new verdict gets a new run, the old one stays", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"], body: "no sections" });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(latest(pr.number).conclusion).toBe("failure");
    t.sim.pull(REPO, pr.number).body = "## Incident\nINC-9\n## Rollback plan\nrevert";
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    const runs = t.sim.checkRuns(REPO, pr.head.sha);
    expect(runs.map((run) => [run.status, run.conclusion])).toEqual([
      ["completed", "failure"],
      ["in_progress", null],
    ]);
    expect(checkWrites().filter((write) => write.method === "PATCH")).toHaveLength(0);
  });

  test("the same verdict with the same text writes nothing (a redelivery changes nothing)", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    const event = pullRequestEvent(t.sim, REPO, pr.number, "labeled", { label: "hotfix" });
    await t.receive("pull_request", event);
    expect(checkWrites()).toHaveLength(1);
    t.sim.reset();
    await t.receive("pull_request", event);
    expect(t.sim.writes()).toHaveLength(0);
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(t.sim.writes()).toHaveLength(0);
  });

  test("a push evaluates the new head commit in its own run", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    const first = pr.head.sha;
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    t.sim.push(REPO, pr.number);
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "synchronize", { before: first }));
    expect(t.sim.checkRuns(REPO, first)).toHaveLength(1);
    expect(t.sim.checkRuns(REPO, pr.head.sha)).toHaveLength(1);
    expect(pr.head.sha).not.toBe(first);
  });

  test("older runs left pending (a crashed replica) are completed, never left behind a newer one", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    const stale = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "Hotfix governance", status: "in_progress", app: { ...SIM_APP } });
    t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "Hotfix governance", status: "completed", conclusion: "failure", app: { ...SIM_APP } });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(stale).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(latest(pr.number).status).toBe("in_progress");
    expect(t.sim.checkRuns(REPO, pr.head.sha).filter((run) => run.status !== "completed")).toHaveLength(1);
  });

  test("a look-alike check of another app is never taken for ours", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "Hotfix governance", status: "completed", conclusion: "success", app: { id: 777, slug: "impostor" } });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(latest(pr.number)).toMatchObject({ status: "in_progress", app: { id: SIM_APP.id } });
  });
});

describe("re-evaluation when other checks finish", () => {
  const requireBuild = "required_checks: [build, ci/deploy]\n";

  test("a required check run completing re-evaluates the PR", async () => {
    await setup(requireBuild);
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    const build = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "failure" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, build, "completed", [pr.number]));
    expect(latest(pr.number).conclusion).toBe("failure");
    expect(latest(pr.number).output.summary).toContain("Required check `build` succeeded**: Finished with `failure`");
  });

  test("the newest run of a required check counts (a re-run that passed)", async () => {
    await setup("required_checks: [build]\n");
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "failure" });
    const rerun = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, rerun, "completed", [pr.number]));
    expect(latest(pr.number).output.text).toContain("✅ **Required check `build` succeeded**");
  });

  test("a commit status re-evaluates the PR found by its head commit (payloads carry no PR)", async () => {
    await setup(requireBuild);
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    const status = t.sim.addStatus(REPO, { sha: pr.head.sha, context: "ci/deploy", state: "error" });
    await t.receive("status", statusEvent(t.sim, REPO, status));
    expect(latest(pr.number).output.summary).toContain("Required check `ci/deploy` succeeded**: Finished with `error`");
  });

  test("a check on a fork PR's head (no pull_requests in the payload, no PR of the commit) finds the PR by its commit", async () => {
    await setup(requireBuild);
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"], fromFork: "outsider/shop" });
    const build = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success" });
    // GitHub leaves fork PRs out of the payload (the helper drops them as GitHub does).
    await t.receive("check_run", checkRunEvent(t.sim, REPO, build, "completed", [pr.number]));
    expect(latest(pr.number).output.text).toContain("✅ **Required check `build` succeeded**");
  });

  test("a check suite completing re-evaluates", async () => {
    await setup("required_checks: [build]\n");
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success" });
    await t.receive("check_suite", checkSuiteEvent(t.sim, REPO, pr.head.sha, "completed"));
    expect(latest(pr.number).output.text).toContain("✅ **Required check `build` succeeded**");
  });

  test("our own check completing does not trigger another evaluation", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    t.sim.reset();
    await t.receive("check_run", checkRunEvent(t.sim, REPO, latest(pr.number), "completed", [pr.number]));
    expect(t.sim.requests).toHaveLength(0);
  });

  test("Re-run on our check evaluates again", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.fail("POST", /^\/graphql$/, ghError(502, "Bad Gateway"));
    await expect(t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"))).rejects.toThrow();
    expect(latest(pr.number).output.title).toBe("Hotfix governance could not be evaluated");
    await t.receive("check_run", checkRunEvent(t.sim, REPO, latest(pr.number), "rerequested", [pr.number]));
    expect(latest(pr.number).status).toBe("in_progress");
  });
});

describe("configuration problems are shown in the check, never replaced by defaults", () => {
  test("a YAML syntax error fails the check with its line", async () => {
    await setup("label: hotfix\nscope:\n  max_files: [1, 2\n");
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(latest(pr.number)).toMatchObject({ conclusion: "failure", output: { title: "Invalid configuration in .github/hotfix.yml" } });
    expect(latest(pr.number).output.summary).toMatch(/the file \(line \d+\): invalid YAML/);
  });

  test("unknown keys, wrong types and bad regular expressions are each named", async () => {
    await setup("lable: hotfix\nscope:\n  max_files: ten\nbody:\n  incident_pattern: 'INC-('\napprovals:\n  min_permission: owner\n");
    const pr = t.sim.addPull(REPO);
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    const summary = latest(pr.number).output.summary!;
    expect(summary).toContain('`lable`: unknown key "lable"');
    expect(summary).toContain('`scope.max_files`: found "ten"; expected number');
    expect(summary).toContain("`body.incident_pattern`: found \"INC-(\"; expected a valid JavaScript regular expression");
    expect(summary).toContain('`approvals.min_permission`: found "owner"; allowed: "admin", "maintain", "write"');
  });

  test("the organisation's .github repository config is used when the repository has none (_extends works through Probot)", async () => {
    await setup();
    t.sim.addRepo("acme/.github", { config: "label: emergency\n" });
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(latest(pr.number).output.summary).toContain("does not carry the `emergency` label");
  });
});

describe("failing closed", () => {
  test("GitHub errors while reading the PR give a failure that says nothing was verified", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.fail("POST", /^\/graphql$/, ghError(502, "Bad Gateway"));
    await expect(t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"))).rejects.toThrow();
    expect(latest(pr.number)).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(latest(pr.number).output.summary).toContain("GitHub answered 502");
  });

  test("a config read error fails closed too", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.fail("GET", /contents\/\.github\/hotfix\.yml$/, ghError(500, "Server Error"));
    await expect(t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"))).rejects.toThrow();
    expect(latest(pr.number).conclusion).toBe("failure");
  });

  test("a repository the app lost access to is skipped quietly", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    const event = pullRequestEvent(t.sim, REPO, pr.number, "opened");
    t.sim.repos.delete(REPO);
    await t.receive("pull_request", event);
    expect(t.sim.writes()).toHaveLength(0);
  });

  test("an uninstalled app (no token) is skipped quietly", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.revokedInstallations.add(4242);
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(t.sim.writes()).toHaveLength(0);
  });
});

describe("cost", () => {
  test("one evaluation: one facts query, the config read, one check write (+ the status comment once); nothing when unchanged", async () => {
    await setup("label: hotfix\n");
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    const calls = t.sim.requests.map((request) => `${request.method} ${request.path}`);
    expect(calls.filter((call) => call === "POST /graphql")).toHaveLength(1);
    expect(calls.filter((call) => call.includes("/contents/"))).toHaveLength(1);
    expect(checkWrites()).toHaveLength(1);
    // Becoming a hotfix also posts the one status comment (SPEC §4); nothing else is written.
    expect(t.sim.writes().map((write) => `${write.method} ${write.path}`)).toEqual([
      `POST /repos/${REPO}/check-runs`,
      `POST /repos/${REPO}/issues/${pr.number}/comments`,
    ]);
    expect(t.sim.unhandled).toEqual([]);
    t.sim.reset();
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(t.sim.writes()).toHaveLength(0);
  });
});
