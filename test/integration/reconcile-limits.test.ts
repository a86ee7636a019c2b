import nock from "nock";
import { createTestApp } from "../support/app.js";
import { issueCommentEvent } from "../support/events.js";

/** Nothing the app writes exceeds GitHub's limits (the simulator refuses what GitHub refuses: 422). */
const REPO = "acme/shop";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

test("a reply quoting a huge command is cut to GitHub's 65,536 characters and says so, instead of being refused", async () => {
  const t = await createTestApp();
  t.sim.addRepo(REPO);
  const pr = t.sim.addPull(REPO, { labels: ["hotfix"], state: "closed", merged: true, mergedAt: t.sim.now(), mergeCommitSha: "a".repeat(40) });
  // A comment may hold 65,536 characters; the refusal quotes it and adds its reason.
  const command = `/backport ${"release/x ".repeat(6_550)}`.slice(0, 65_536);
  const comment = t.sim.addComment(REPO, pr.number, "mallory", command);
  await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, comment, "created"));
  const reply = t.sim.repo(REPO).issueComments.find((item) => item.body.includes(`backport-reply:${comment.id}`));
  expect(reply).toBeDefined();
  expect(reply!.body.length).toBeLessThanOrEqual(65_536);
  expect(reply!.body).toMatch(/Cut to GitHub's limit of 65,536 characters/);
  expect(t.sim.requests.filter((request) => request.status === 422)).toEqual([]);
});
