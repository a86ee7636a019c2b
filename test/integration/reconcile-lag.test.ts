import nock from "nock";
import pino from "pino";
import { Writable } from "node:stream";
import { isNotFoundAnswer, readThroughLag } from "../../src/github/read-through-lag.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { issueCommentEvent, pullRequestEvent, statusEvent } from "../support/events.js";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { backportPulls, createScenario, mergeHotfix, receiveMerge, seedHistory } from "../support/git/scenario.js";

/**
 * SPEC §7: reads right after an event may not see it yet (GitHub replicates). A not-found answer
 * for what the event just announced is retried for a few seconds before it is believed; a push is
 * evaluated on its `after` commit; a believed not-found is one log line and a 2xx, on every path.
 */
const REPO = "acme/shop";
let t: TestApp;
let lines: Array<Record<string, unknown>>;

const capture = () => {
  lines = [];
  return pino(
    { level: "debug" },
    new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
};

beforeEach(async () => {
  t = await createTestApp({ log: capture() });
  t.sim.addRepo(REPO);
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

test("a PR the facts read does not find yet (GraphQL NOT_FOUND) is read again and evaluated", async () => {
  const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
  t.sim.lagPull(REPO, pr.number, { reads: 2 });
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
  expect(t.sim.latestCheck(REPO, pr.head.sha)).toMatchObject({ status: "in_progress" });
});

test("a push is evaluated on its `after` commit, never on the older head a lagging read returns", async () => {
  const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
  const before = pr.head.sha;
  const runsBefore = t.sim.checkRuns(REPO, before).length;
  const pushed = t.sim.push(REPO, pr.number);
  t.sim.lagPull(REPO, pr.number, { reads: 2, staleHead: before });
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "synchronize"));
  expect(t.sim.checkRuns(REPO, before)).toHaveLength(runsBefore);
  expect(t.sim.latestCheck(REPO, pushed.sha)).toMatchObject({ status: "in_progress" });
});

test("a push GitHub still does not show after the retries is not evaluated on the old head (the sweep does it later)", async () => {
  const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
  const before = pr.head.sha;
  const runsBefore = t.sim.checkRuns(REPO, before).length;
  const pushed = t.sim.push(REPO, pr.number);
  t.sim.lagPull(REPO, pr.number, { reads: 50, staleHead: before });
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "synchronize"));
  expect(t.sim.checkRuns(REPO, before)).toHaveLength(runsBefore);
  expect(t.sim.checkRuns(REPO, pushed.sha)).toHaveLength(0);
  expect(lines.filter((line) => line.outcome === "stale-read")).toHaveLength(1);
});

test("a `/backport` on a PR GitHub does not show yet (GraphQL NOT_FOUND) is read again", async () => {
  const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
  t.sim.setPermission(REPO, "lead", "maintain");
  const comment = t.sim.addComment(REPO, pr.number, "lead", "/backport release/1.0");
  t.sim.lagPull(REPO, pr.number, { reads: 1 });
  await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, comment, "created"));
  // Read again: the refusal says why (not merged), not "not found".
  const reply = t.sim.repo(REPO).issueComments.find((item) => item.body.includes(`backport-reply:${comment.id}`));
  expect(reply?.body).toContain("is not merged");
});

test("a merge whose PR the first reads do not find yet is still ported and gets its postmortem", async () => {
  nock.cleanAll();
  const s = await createScenario("backport:\n  targets: [release/1.0]\n");
  seedHistory(s.git);
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("main", "src/checkout.ts")!.toString().replace("0);", "0) * 100 / 100;") }, "Round totals");
  const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
  s.t.sim.lagPull(REPO, pr.number, { reads: 2 });
  await receiveMerge(s, pr.number);
  expect(backportPulls(s).map((pull) => pull.base.ref)).toEqual(["release/1.0"]);
  expect([...s.t.sim.repo(REPO).issues.values()].filter((issue) => issue.title.startsWith("Postmortem:"))).toHaveLength(1);
  disposeAllGitRepos();
});

describe("a not-found believed after the retries: one log line and a 2xx, never an error", () => {
  test("a pull_request event for a PR that is gone", async () => {
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    const payload = pullRequestEvent(t.sim, REPO, pr.number, "opened");
    t.sim.repo(REPO).pulls.delete(pr.number);
    await expect(t.receive("pull_request", payload)).resolves.toBeUndefined();
    expect(lines.filter((line) => line.outcome === "not-found")).toHaveLength(1);
    expect(t.sim.writes()).toEqual([]);
  });

  test("a status event in a repository the app can no longer see", async () => {
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    const status = t.sim.addStatus(REPO, { sha: pr.head.sha, context: "ci", state: "success" });
    const payload = statusEvent(t.sim, REPO, status);
    t.sim.invisibleRepositories.add(REPO);
    await expect(t.receive("status", payload)).resolves.toBeUndefined();
    expect(lines.filter((line) => line.outcome === "not-found")).toHaveLength(1);
    expect(lines.filter((line) => line.level === 50)).toEqual([]);
  });

  test("a `/backport` on a PR that is gone", async () => {
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    const comment = t.sim.addComment(REPO, pr.number, "lead", "/backport release/1.0");
    const payload = issueCommentEvent(t.sim, REPO, comment, "created");
    t.sim.repo(REPO).pulls.delete(pr.number);
    await expect(t.receive("issue_comment", payload)).resolves.toBeUndefined();
    expect(lines.filter((line) => line.outcome === "not-found").length).toBeGreaterThanOrEqual(1);
  });
});

describe("readThroughLag", () => {
  const notFound = Object.assign(new Error("Could not resolve"), { errors: [{ type: "NOT_FOUND" }] });
  const sleeps: number[] = [];
  const sleep = async (ms: number) => void sleeps.push(ms);

  test("retries not-found answers with the given delays, then believes them", async () => {
    sleeps.length = 0;
    let calls = 0;
    await expect(readThroughLag(async () => { calls += 1; throw notFound; }, { delaysMs: [1, 2, 3], sleep })).rejects.toBe(notFound);
    expect(calls).toBe(4);
    expect(sleeps).toEqual([1, 2, 3]);
  });

  test("returns as soon as the answer is there and fresh; other errors are not retried", async () => {
    const answers = [null, { head: "old" }, { head: "new" }];
    await expect(readThroughLag(async () => answers.shift(), { delaysMs: [1, 1, 1, 1], sleep, isStale: (value) => (value as { head: string }).head !== "new" })).resolves.toEqual({ head: "new" });
    const boom = Object.assign(new Error("boom"), { status: 502 });
    let calls = 0;
    await expect(readThroughLag(async () => { calls += 1; throw boom; }, { delaysMs: [1, 1], sleep })).rejects.toBe(boom);
    expect(calls).toBe(1);
  });

  test.each([
    [{ status: 404 }, true],
    [{ errors: [{ type: "NOT_FOUND" }] }, true],
    [{ errors: [{ type: "NOT_FOUND" }, { type: "FORBIDDEN" }] }, false],
    [{ status: 403 }, false],
    [new Error("network"), false],
  ])("isNotFoundAnswer(%j) is %s", (error, expected) => {
    expect(isNotFoundAnswer(error)).toBe(expected);
  });
});
