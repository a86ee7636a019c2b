import nock from "nock";
import { createTestApp, type TestApp } from "../support/app.js";
import { checkRunEvent, checkSuiteEvent, mergeGroupEvent, pullRequestEvent, statusEvent } from "../support/events.js";
import { sha, SIM_APP } from "../support/simulator/index.js";
import { dequeue, enqueue } from "../support/simulator/routes-checks.js";

/**
 * SPEC §3 as GitHub behaves: required checks as branch protection counts them, fork PRs that
 * check payloads leave out, "Re-run" that always answers, merge queues — and the cost rule:
 * an event that cannot change a verdict costs (almost) nothing.
 */
const REPO = "acme/shop";
let t: TestApp;

const setup = async (config = "required_checks: [build]\n") => {
  t = await createTestApp();
  t.sim.addRepo(REPO, { config });
};

const latest = (number: number) => t.sim.latestCheck(REPO, t.sim.pull(REPO, number).head.sha)!;
/** What GitHub counts against the installation's budgets (token creation aside). */
const apiRequests = () => t.sim.requests.filter((request) => !/\/access_tokens$/.test(request.path));
const factsQueries = () => t.sim.requests.filter((request) => request.path === "/graphql" && /query PullRequestFacts/.test(request.body?.query ?? ""));

const open = async (options: Parameters<TestApp["sim"]["addPull"]>[1] = {}) => {
  const pr = t.sim.addPull(REPO, options);
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
  return pr;
};

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

describe("required checks as branch protection counts them", () => {
  test("neutral and skipped pass", async () => {
    await setup("required_checks: [build, lint]\napprovals:\n  required: 0\n  min_permission: null\n");
    const pr = await open({ labels: ["hotfix"] });
    t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "neutral" });
    const lint = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "lint", conclusion: "skipped" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, lint, "completed", [pr.number]));
    expect(latest(pr.number)).toMatchObject({ status: "completed", conclusion: "success" });
  });

  test("another app's earlier success of the same name never stands in for the newer failing run", async () => {
    await setup();
    const pr = await open({ labels: ["hotfix"] });
    t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success", app: { id: 999, slug: "old-ci" } });
    t.sim.advance(60_000);
    const newer = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "failure" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, newer, "completed", [pr.number]));
    expect(latest(pr.number)).toMatchObject({ conclusion: "failure" });
    expect(latest(pr.number).output.summary).toContain("Required check `build` succeeded**: Finished with `failure`");
  });

  test("a check run and a status of one name: both must pass", async () => {
    await setup();
    const pr = await open({ labels: ["hotfix"] });
    t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success" });
    const status = t.sim.addStatus(REPO, { sha: pr.head.sha, context: "build", state: "failure" });
    await t.receive("status", statusEvent(t.sim, REPO, status));
    expect(latest(pr.number)).toMatchObject({ conclusion: "failure" });
  });

  test("a check that never reported is still awaited", async () => {
    await setup("required_checks: [build, deploy]\n");
    const pr = await open({ labels: ["hotfix"] });
    const build = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, build, "completed", [pr.number]));
    expect(latest(pr.number).status).toBe("in_progress");
    expect(latest(pr.number).output.text).toContain("⏳ **Required check `deploy` succeeded**: Not reported on the head commit yet.");
  });

  test("a commit with more than 100 checks and statuses is read completely", async () => {
    await setup("required_checks: [build, ci/deploy]\napprovals:\n  required: 0\n  min_permission: null\n");
    const pr = await open({ labels: ["hotfix"] });
    for (let index = 0; index < 120; index++) t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: `job-${index}`, conclusion: "success" });
    const build = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success" });
    for (let index = 0; index < 90; index++) t.sim.addStatus(REPO, { sha: pr.head.sha, context: `ci/other-${index}`, state: "success" });
    t.sim.addStatus(REPO, { sha: pr.head.sha, context: "ci/deploy", state: "success" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, build, "completed", [pr.number]));
    expect(latest(pr.number)).toMatchObject({ status: "completed", conclusion: "success" });
    expect(t.sim.unhandled).toEqual([]);
  });
});

describe("fork PRs on check and status events", () => {
  test("GitHub's 'pull requests of a commit' answers nothing for a commit that exists only in a fork", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"], fromFork: "outsider/shop" });
    const response = await t.sim.handle("GET", `/repos/${REPO}/commits/${pr.head.sha}/pulls`, undefined, {});
    expect(response).toMatchObject({ status: 200, body: [] });
  });

  test("a fork hotfix waiting on a required check turns green when the check completes", async () => {
    await setup("required_checks: [build]\napprovals:\n  required: 0\n  min_permission: null\n");
    const pr = await open({ labels: ["hotfix"], fromFork: "outsider/shop" });
    expect(latest(pr.number).status).toBe("in_progress");
    const build = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, build, "completed", [pr.number]));
    expect(latest(pr.number)).toMatchObject({ status: "completed", conclusion: "success" });
  });

  test("a status on a fork hotfix nobody evaluated yet (another replica, a restart) finds it by search", async () => {
    await setup("required_checks: [ci/deploy]\napprovals:\n  required: 0\n  min_permission: null\n");
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"], fromFork: "outsider/shop" });
    const status = t.sim.addStatus(REPO, { sha: pr.head.sha, context: "ci/deploy", state: "success" });
    await t.receive("status", statusEvent(t.sim, REPO, status));
    expect(latest(pr.number)).toMatchObject({ status: "completed", conclusion: "success" });
  });
});

describe("Re-run always answers", () => {
  test("check_run.rerequested gets one fresh run even when the verdict is unchanged", async () => {
    await setup("required_checks: []\n");
    const pr = await open({ labels: ["hotfix"] });
    const before = t.sim.checkRuns(REPO, pr.head.sha).map((run) => ({ ...run, output: { ...run.output } }));
    expect(before).toHaveLength(1);
    await t.receive("check_run", checkRunEvent(t.sim, REPO, latest(pr.number), "rerequested", [pr.number]));
    const runs = t.sim.checkRuns(REPO, pr.head.sha);
    expect(runs).toHaveLength(2);
    // The older run is never left pending behind the newer one.
    expect(runs.filter((run) => run.status !== "completed")).toHaveLength(1);
    expect(runs[1].output.title).toBe(before[0].output.title);
  });

  test("a completed neutral check on a non-hotfix is answered again on Re-run", async () => {
    await setup();
    const pr = await open();
    expect(latest(pr.number).conclusion).toBe("neutral");
    await t.receive("check_run", checkRunEvent(t.sim, REPO, latest(pr.number), "rerequested", [pr.number]));
    expect(t.sim.checkRuns(REPO, pr.head.sha)).toHaveLength(2);
    expect(latest(pr.number).conclusion).toBe("neutral");
  });

  test("check_suite.rerequested of our suite gets a fresh run", async () => {
    await setup();
    const pr = await open();
    await t.receive("check_suite", checkSuiteEvent(t.sim, REPO, pr.head.sha, "rerequested", "dev", { app: SIM_APP, pullNumbers: [pr.number] }));
    expect(t.sim.checkRuns(REPO, pr.head.sha)).toHaveLength(2);
  });
});

describe("cost: an event that cannot change a verdict costs (almost) nothing", () => {
  test("a foreign check, suite or status on a non-hotfix PR: no request once its commit was evaluated, no write", async () => {
    await setup();
    const pr = await open();
    t.sim.reset();
    const build = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, build, "completed", [pr.number]));
    await t.receive("check_suite", checkSuiteEvent(t.sim, REPO, pr.head.sha, "completed", "dev", { pullNumbers: [pr.number] }));
    await t.receive("status", statusEvent(t.sim, REPO, t.sim.addStatus(REPO, { sha: pr.head.sha, context: "ci/x", state: "success" })));
    expect(apiRequests()).toEqual([]);
  });

  test("a status on a commit the app never saw: one request, no write", async () => {
    await setup();
    const pr = t.sim.addPull(REPO);
    await t.receive("status", statusEvent(t.sim, REPO, t.sim.addStatus(REPO, { sha: pr.head.sha, context: "ci/x", state: "success" })));
    const requests = apiRequests();
    // The config read may come with it once (it is cached afterwards).
    expect(requests.filter((request) => !request.path.includes("/contents/"))).toHaveLength(1);
    expect(t.sim.writes()).toEqual([]);
    // The answer is remembered for the commit's next events.
    t.sim.reset();
    await t.receive("status", statusEvent(t.sim, REPO, t.sim.addStatus(REPO, { sha: pr.head.sha, context: "ci/y", state: "success" })));
    expect(apiRequests()).toEqual([]);
  });

  test("the app's own check suite completing makes no request", async () => {
    await setup();
    const pr = await open({ labels: ["hotfix"] });
    t.sim.reset();
    await t.receive("check_suite", checkSuiteEvent(t.sim, REPO, pr.head.sha, "completed", "hotfix-governance[bot]", { app: SIM_APP, pullNumbers: [pr.number] }));
    expect(t.sim.requests).toEqual([]);
  });

  test("a hotfix re-evaluates only for its required checks", async () => {
    await setup("required_checks: [build]\n");
    const pr = await open({ labels: ["hotfix"] });
    t.sim.reset();
    const lint = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "lint", conclusion: "failure" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, lint, "completed", [pr.number]));
    expect(apiRequests()).toEqual([]);
    const build = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success" });
    await t.receive("check_run", checkRunEvent(t.sim, REPO, build, "completed", [pr.number]));
    expect(factsQueries()).toHaveLength(1);
  });

  test("a non-hotfix PR's evaluation reads its head only (1 point), never the full facts", async () => {
    await setup();
    const pr = await open();
    expect(factsQueries()).toEqual([]);
    expect(latest(pr.number).conclusion).toBe("neutral");
    const points = t.sim.requests.filter((request) => request.path === "/graphql").reduce((sum, request) => sum + (request.points ?? 0), 0);
    expect(points).toBe(1);
  });

  test("a hotfix without path rules reads no file pages", async () => {
    await setup();
    const files = Array.from({ length: 450 }, (_, index) => ({ path: `src/f${index}.ts`, additions: 1, deletions: 0 }));
    const pr = await open({ labels: ["hotfix"], files });
    expect(t.sim.requests.filter((request) => /query PullRequestFiles/.test(request.body?.query ?? ""))).toEqual([]);
    expect(latest(pr.number).output.summary).toContain("450 files changed");
  });

  test("the config is read once, then reused until a push to the default branch touches .github/", async () => {
    await setup();
    const first = await open();
    const second = await open();
    const contents = () => t.sim.requests.filter((request) => request.path.includes("/contents/"));
    expect(contents()).toHaveLength(1);
    t.sim.setFile(REPO, ".github/hotfix.yml", "label: emergency\n");
    const push = {
      ref: "refs/heads/main",
      before: sha("a"),
      after: sha("b"),
      commits: [{ id: sha("b"), added: [], removed: [], modified: [".github/hotfix.yml"] }],
      repository: { ...pullRequestEvent(t.sim, REPO, first.number, "opened").repository, default_branch: "main" },
      sender: { login: "dev", id: 1 },
      installation: { id: 4242 },
    };
    await t.receive("push", push);
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, second.number, "edited"));
    expect(contents()).toHaveLength(2);
    expect(latest(second.number).output.summary).toContain("`emergency` label");
  });
});

describe("events never dropped behind a lock", () => {
  test("a burst of 50 events for one PR ends in one correct verdict, at most 3 evaluations", async () => {
    await setup("required_checks: [build]\napprovals:\n  required: 0\n  min_permission: null\n");
    const pr = await open({ labels: ["hotfix"] });
    t.sim.reset();
    const build = t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "build", conclusion: "success" });
    const events = Array.from({ length: 50 }, (_, index) =>
      index % 2 === 0
        ? t.receive("check_run", checkRunEvent(t.sim, REPO, build, "completed", [pr.number]))
        : t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited")),
    );
    const results = await Promise.allSettled(events);
    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    expect(factsQueries().length).toBeLessThanOrEqual(3);
    expect(latest(pr.number)).toMatchObject({ status: "completed", conclusion: "success" });
    expect(t.sim.checkRuns(REPO, pr.head.sha).filter((run) => run.status !== "completed")).toEqual([]);
  });
});

describe("budget awareness", () => {
  test("when the installation's budget runs low, a non-hotfix neutral check waits and a hotfix is still evaluated", async () => {
    await setup("required_checks: []\n");
    t.sim.rateLimit(4242, "graphql").used = 4_800;
    const hotfix = t.sim.addPull(REPO, { labels: ["hotfix"] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, hotfix.number, "opened"));
    expect(latest(hotfix.number).status).toBe("in_progress");
    const other = await open();
    expect(t.sim.checkRuns(REPO, other.head.sha)).toEqual([]);
  });
});

describe("merge queues", () => {
  const groupSha = sha("merge-group");
  const groupRun = () => t.sim.latestCheck(REPO, groupSha)!;

  test("a group with a non-hotfix PR gets success; one with a hotfix ahead that is not green fails naming it", async () => {
    await setup("required_checks: [build]\n");
    const waiting = await open({ labels: ["hotfix"] });
    const plain = await open();
    enqueue(t.sim, REPO, waiting.number);
    enqueue(t.sim, REPO, plain.number);
    await t.receive("merge_group", mergeGroupEvent(t.sim, REPO, plain.number, groupSha));
    expect(groupRun()).toMatchObject({ conclusion: "failure" });
    expect(groupRun().output.title).toContain(`#${waiting.number}`);

    const alone = sha("merge-group-2");
    dequeue(t.sim, REPO, waiting.number);
    await t.receive("merge_group", mergeGroupEvent(t.sim, REPO, plain.number, alone));
    expect(t.sim.latestCheck(REPO, alone)).toMatchObject({ conclusion: "success" });
  });

  test("a hotfix with a success verdict passes; the PR behind it in the queue is not part of its group", async () => {
    await setup("required_checks: []\napprovals:\n  required: 0\n  min_permission: null\n");
    const green = await open({ labels: ["hotfix"] });
    expect(latest(green.number).conclusion).toBe("success");
    const behind = await open({ labels: ["hotfix"], body: "no sections" });
    enqueue(t.sim, REPO, green.number);
    enqueue(t.sim, REPO, behind.number);
    await t.receive("merge_group", mergeGroupEvent(t.sim, REPO, green.number, groupSha));
    expect(groupRun()).toMatchObject({ conclusion: "success" });
    // A redelivery writes nothing more.
    await t.receive("merge_group", mergeGroupEvent(t.sim, REPO, green.number, groupSha));
    expect(t.sim.checkRuns(REPO, groupSha)).toHaveLength(1);
  });
});
