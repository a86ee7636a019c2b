import { readFileSync, writeFileSync } from "node:fs";
import { jest } from "@jest/globals";
import nock from "nock";
import { renderReport, transcriptOfStep } from "../../scripts/demo/report.js";
import { DEMO_REPO, DEMO_TITLE, playStory, type StoryResult } from "../../scripts/demo/story.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { disposeAllGitRepos } from "../support/git/git-repo.js";

/**
 * `npm run demo`'s story, end to end, with the real app in process (the demo itself sends the same
 * webhooks signed over HTTP to `node lib/main.js`): every step's expectation holds and the final
 * state on GitHub is the one the README promises.
 */

const APP = "hotfix-governance[bot]";
const T0 = Date.parse("2024-05-01T09:30:00.000Z");
let t: TestApp;
let story: StoryResult;

beforeAll(async () => {
  // Only Date is faked (the app's clock and the simulator's move together); timers and I/O stay real.
  jest.useFakeTimers({
    doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"],
  });
  jest.setSystemTime(T0);
  // Commits git dates itself from the real clock: fixed, the same story makes the same SHAs (docs/demo-report.md).
  process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE = new Date(T0).toISOString();
  t = await createTestApp();
  t.sim.setTime(new Date(T0).toISOString());
  let now = T0;
  story = await playStory({
    sim: t.sim,
    deliver: async (name, payload) => {
      const started = performance.now();
      await t.receive(name, payload);
      return { status: null, ms: performance.now() - started };
    },
    advance: (minutes) => {
      now += minutes * 60_000;
      jest.setSystemTime(now);
      t.sim.setTime(new Date(now).toISOString());
    },
  });
}, 60_000);
afterEach(() => nock.cleanAll());
afterAll(() => {
  delete process.env.GIT_AUTHOR_DATE;
  delete process.env.GIT_COMMITTER_DATE;
  jest.useRealTimers();
  disposeAllGitRepos();
  nock.restore();
});

const repo = () => t.sim.repo(DEMO_REPO);
const appComments = (number: number) => repo().issueComments.filter((comment) => comment.issueNumber === number && comment.user.login === APP);

test.each([1, 2, 3, 4, 5, 6])("step %i happens as the demo says", (index) => {
  const step = story.steps[index - 1];
  expect(step.expectations.filter((item) => !item.ok)).toEqual([]);
});

test("the story makes no request GitHub would not answer", () => {
  expect(t.sim.unhandled).toEqual([]);
  expect(t.sim.requests.filter((request) => request.status >= 500)).toEqual([]);
});

test("the hotfix PR: merged, its final check passed, one status comment, one refusal reply", () => {
  const pr = t.sim.pull(DEMO_REPO, story.pr);
  expect(pr.merged).toBe(true);
  const runs = t.sim.checkRuns(DEMO_REPO, pr.head.sha);
  expect(runs.at(-1)?.conclusion).toBe("success");
  // The first head failed scope; its failure stays on that commit, the new head got its own run.
  const firstHead = pr.commits[0].sha;
  expect(t.sim.latestCheck(DEMO_REPO, firstHead)?.conclusion).toBe("failure");
  const comments = appComments(story.pr);
  expect(comments.filter((comment) => comment.body.includes("<!-- hotfix-governance:status -->"))).toHaveLength(1);
  expect(comments.filter((comment) => comment.body.includes("hotfix-governance:reply:"))).toHaveLength(1);
});

test("after the merge: a forward-port PR to main, no backport PR or branch for release/1.1, one postmortem issue", () => {
  const pulls = [...repo().pulls.values()].filter((pull) => pull.number !== story.pr);
  expect(pulls.map((pull) => `${pull.head.ref} → ${pull.base.ref}: ${pull.title}`)).toEqual([`backport/${story.pr}-to-main → main: [Backport main] ${DEMO_TITLE}`]);
  expect([...repo().branches.keys()].filter((name) => name.startsWith("backport/"))).toEqual([`backport/${story.pr}-to-main`]);
  // The forward-port is one commit on main whose tree has the fix.
  const forward = pulls[0];
  expect(story.git.readFile(forward.head.sha, "src/checkout.ts")?.toString()).toContain("if (cart.items.length === 0) return 0;");
  expect(story.git.commit(forward.head.sha).message).toMatch(/\(cherry picked from commit [0-9a-f]{40}\)\s*$/);
  const issues = [...repo().issues.values()];
  expect(issues.map((issue) => issue.title)).toEqual([`Postmortem: ${DEMO_TITLE} (#${story.pr})`]);
  expect(issues[0].assignees).toEqual(["dev", "maria"]);
});

test("the transcript and the report say what happened, with the check's text and the postmortem", () => {
  const transcript = story.steps.map(transcriptOfStep).join("\n");
  expect(transcript).not.toContain("DID NOT HAPPEN");
  expect(transcript).toContain("❌ failure — Hotfix blocked: 1 requirement failed");
  expect(transcript).toContain("6 files changed; a hotfix may change at most 3.");
  expect(transcript).toContain("✅ success — Hotfix governance passed");
  const report = renderReport(t.sim, story, { how: "in process", startedAt: new Date(T0), seconds: 1 });
  expect(report).toMatch(/\*\*All \d+ expectations held\*\*/);
  expect(report).toContain(`#### #2 [Backport main] ${DEMO_TITLE}`);
  expect(report).toContain(`#### #3 Postmortem: ${DEMO_TITLE} (#${story.pr})`);
  expect(report).toContain("`backport/1-to-main`");
});

test("what each step costs on GitHub (requests, of which writes): the figures the README quotes", () => {
  expect(story.steps.map((step) => [step.event, step.requests, step.writes])).toEqual([
    ["pull_request.opened", 6, 3], // config, facts, pushes (no pusher is asked to review); check, status comment, review request
    ["pull_request.synchronize", 3, 2], // facts (the config is cached since the PR opened); new check on the new head, status comment
    ["issue_comment.created", 6, 3], // config, facts, pushes; check text, 👎, reply (the author needs no look-up)
    ["issue_comment.created", 7, 3], // config, facts, pushes, @maria's role; check, 👍, status comment
    ["check_run.completed", 5, 2], // facts (config cached 5 min), pushes, role (cached 60 s: this is 2 minutes later); check, status comment
    ["pull_request.closed", 24, 14], // the history first (a squash of several commits where rebase is allowed too), a clean forward-port (tree, commit, ref), one PR labelled by name (no `backport` label yet), the conflict report, the review after merge (facts, comment), the postmortem
  ]);
});

/**
 * docs/demo-report.md is this story's report, so it cannot go stale: when the app's texts change,
 * this test fails; `UPDATE_DEMO_REPORT=1` (then review the diff) writes it again.
 */
test("docs/demo-report.md is the report of this story as the app plays it now", () => {
  const path = "docs/demo-report.md";
  const report = [
    "<!-- A sample of reports/demo.md (what `npm run demo` writes; reports/ is not committed). Kept current by",
    "     test/integration/demo.test.ts: UPDATE_DEMO_REPORT=1 npx jest test/integration/demo.test.ts rewrites it. -->",
    "",
    renderReport(t.sim, story, {
      how: "the story `npm run demo` plays, with the app in process (the demo sends the same webhooks signed over HTTP to `node lib/main.js`), against the simulated GitHub whose git endpoints are backed by a real git repository; the clock is the test's, so the timeline reads as minutes between steps.",
      by: "`test/integration/demo.test.ts`",
      startedAt: new Date(T0),
    }),
  ].join("\n");
  if (process.env.UPDATE_DEMO_REPORT) writeFileSync(path, report);
  expect(readFileSync(path, "utf8")).toBe(report);
});
