import nock from "nock";
import { pino } from "pino";
import { runReminderSweep } from "../../src/flows/reminders.js";
import { clockAt, fakeDateOnly } from "../support/clock.js";
import { issueCommentEvent, pullRequestEvent, pullRequestReviewEvent } from "../support/events.js";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { cartFix, createScenario, openLabelledHotfix, REPO, type Scenario } from "../support/git/scenario.js";
import { addInstallation } from "../support/simulator/routes-apps.js";
import { addRuleset, appBypass } from "../support/simulator/routes-merge.js";
import type { SimComment, SimPull } from "../support/simulator/state.js";

const APP = "hotfix-governance[bot]";
const CONFIG = `
approvals:
  users: [lead, ops]
backport:
  forward_port_to_default: false
postmortem:
  enabled: true
review_after_merge:
  within_hours: 24
`;
const T0 = Date.parse("2026-11-30T10:00:00.000Z");

let s: Scenario;
let lines: string[];
const at = clockAt(T0, () => s.t.sim);

fakeDateOnly();
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.restore();
  disposeAllGitRepos();
});

const comment = async (pr: SimPull, login: string, body: string): Promise<SimComment> => {
  const created = s.t.sim.addComment(REPO, pr.number, login, body);
  await s.t.receive("issue_comment", issueCommentEvent(s.t.sim, REPO, created, "created"));
  return created;
};

/** A green hotfix by `dev`, fast-track merged on dev's command; the merge webhook delivered. */
const fastTracked = async (options: { reviewBeforeMerge?: string } = {}): Promise<SimPull> => {
  lines = [];
  s = await createScenario(CONFIG, { log: pino({ level: "info" }, { write: (line: string) => lines.push(line) }) });
  at(0);
  addInstallation(s.t.sim, { id: 4242, account: { login: "acme", type: "Organization" } });
  cartFix(s);
  addRuleset(s.t.sim, REPO, { name: "main", requiredApprovingReviewCount: 1, bypassActors: [appBypass("always")] });
  const pr = await openLabelledHotfix(s);
  at(5);
  await comment(pr, "lead", "/approve-emergency rollback checked");
  if (options.reviewBeforeMerge) s.t.sim.addReview(REPO, pr.number, options.reviewBeforeMerge, "Looks right", { state: "APPROVED" });
  at(10);
  await comment(pr, "dev", "/merge-emergency checkout is down");
  expect(s.t.sim.pull(REPO, pr.number).merged).toBe(true);
  at(11);
  await s.t.receive("pull_request", pullRequestEvent(s.t.sim, REPO, pr.number, "closed", { sender: APP }));
  return pr;
};

const requests = (pr: SimPull) => s.t.sim.repo(REPO).issueComments.filter((item) => item.issueNumber === pr.number && item.body.includes("hotfix-governance:review-after-merge pr="));
const postmortem = () => [...s.t.sim.repo(REPO).issues.values()].find((issue) => issue.title.startsWith("Postmortem:"))!;
const recorded = () => s.t.sim.repo(REPO).issueComments.filter((item) => item.issueNumber === postmortem().number && item.body.includes("review-after-merge-done"));

const review = async (pr: SimPull, login: string, state = "APPROVED", id?: string) => {
  const created = s.t.sim.addReview(REPO, pr.number, login, "Reviewed after the fact", { state });
  await s.t.receive("pull_request_review", pullRequestReviewEvent(s.t.sim, REPO, created, "submitted"), id);
  return created;
};

test("merged without an approving review: one comment mentioning the approvers, an action item and the timeline line in the postmortem", async () => {
  const pr = await fastTracked();
  const [ask] = requests(pr);
  expect(requests(pr)).toHaveLength(1);
  expect(ask.user.login).toBe(APP);
  expect(ask.body).toContain("@lead, @ops:");
  expect(ask.body).toContain("due by **2026-12-01 10:10 UTC**");
  const body = postmortem().body!;
  expect(body).toMatch(/Fast-track merged by the app on behalf of @dev \(\[command\]\([^)]+#issuecomment-\d+\)\) as `[0-9a-f]{7}`/);
  expect(body).toContain(`- [ ] Review #${pr.number} after the merge: it was merged without an approving review (due 2026-12-01 10:10 UTC)`);
  expect(body).toContain(`<!-- hotfix-governance:review-after-merge-due pr=${pr.number} at=2026-12-01T10:10:`);
  // Redelivered merge event: nothing new.
  await s.t.receive("pull_request", pullRequestEvent(s.t.sim, REPO, pr.number, "closed", { sender: APP }));
  expect(requests(pr)).toHaveLength(1);
});

test("the audit log has one line for the merge with actor, reason, sha and approvals", async () => {
  const pr = await fastTracked();
  const audit = lines.map((line) => JSON.parse(line)).filter((entry) => entry.outcome === "fast-track-merged");
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({ actor: "dev", orderedBy: "dev", reason: "checkout is down", sha: s.t.sim.pull(REPO, pr.number).commits.at(-1)!.sha, method: "squash", approvals: [{ login: "lead" }] });
  expect(audit[0].approvals[0].commit).toMatch(/^[0-9a-f]{40}$/);
  expect(audit[0].mergeSha).toBe(s.t.sim.pull(REPO, pr.number).mergeCommitSha);
});

test("an approving review from a writer before the merge: no review after merge is asked", async () => {
  const pr = await fastTracked({ reviewBeforeMerge: "ops" });
  expect(requests(pr)).toHaveLength(0);
  expect(postmortem().body).not.toContain("after the merge: it was merged without an approving review");
});

test("the first approving review on the merged PR is recorded once on the postmortem; a committer's does not count", async () => {
  const pr = await fastTracked();
  await review(pr, "dev");
  expect(recorded()).toHaveLength(0);
  await review(pr, "ops", "COMMENTED");
  expect(recorded()).toHaveLength(0);
  at(60);
  const approval = await review(pr, "ops", "APPROVED", "review-1");
  const [note] = recorded();
  expect(recorded()).toHaveLength(1);
  expect(note.body).toContain(`approved by @ops on 2026-11-30 11:00 UTC (within the deadline)`);
  expect(note.body).toContain(`#pullrequestreview-${approval.id}`);
  await review(pr, "lead");
  await s.t.receive("pull_request_review", pullRequestReviewEvent(s.t.sim, REPO, approval, "submitted"), "review-2");
  expect(recorded()).toHaveLength(1);
});

test("past within_hours the daily reminder names the missing review; once it is recorded, it does not", async () => {
  const pr = await fastTracked();
  const reminders = () => s.t.sim.repo(REPO).issueComments.filter((item) => item.issueNumber === postmortem().number && item.body.includes("postmortem-reminder"));
  at(60 * 23);
  await runReminderSweep(s.t.probot, new Date());
  expect(reminders()).toHaveLength(0);
  at(60 * 25);
  await runReminderSweep(s.t.probot, new Date());
  await runReminderSweep(s.t.probot, new Date());
  expect(reminders()).toHaveLength(1);
  expect(reminders()[0].body).toContain(`The review after merge of #${pr.number} is overdue (due 2026-12-01 10:10 UTC)`);
  expect(reminders()[0].body).toContain("@dev");
  await review(pr, "ops");
  at(60 * 49);
  await runReminderSweep(s.t.probot, new Date());
  expect(reminders()).toHaveLength(1);
});
