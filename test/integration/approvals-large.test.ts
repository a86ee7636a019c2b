import { APP, approvalsHarness, REPO } from "../support/approvals-harness.js";
import { pullRequestEvent } from "../support/events.js";
import { sha, type SimPull } from "../support/simulator/simulator.js";

/** Very large PRs: the facts query reads the newest 100 of each list; older pages are fetched too. */
const { t, at, comment } = approvalsHarness();

beforeEach(() => {
  t.sim.addRepo(REPO, { config: "approvals:\n  users: [lead]\n" });
  t.sim.setPermission(REPO, "alice", "maintain");
  t.sim.setPermission(REPO, "carol", "admin");
  t.sim.setPermission(REPO, "lead", "read");
});

const label = async (pr: SimPull) => {
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "labeled", { label: "hotfix" }));
  at(5);
};
const graphqlOperations = () =>
  t.sim.requests.filter((request) => request.path === "/graphql").map((request) => /query (\w+)/.exec(String(request.body.query))?.[1]);

test("the status comment is found beyond the newest 100 comments: edited, never posted twice", async () => {
  const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
  await label(pr);
  for (let i = 0; i < 150; i++) t.sim.addComment(REPO, pr.number, `user${i % 7}`, `comment ${i}`);
  t.sim.reset();
  await comment(pr, "alice", "/approve-emergency");
  const statuses = t.sim.repo(REPO).issueComments.filter((item) => item.user.login === APP && item.body.includes("hotfix-governance:status"));
  expect(statuses).toHaveLength(1);
  expect(statuses[0].body).toContain("Every requirement holds");
  expect(graphqlOperations()).toEqual(["PullRequestFacts", "PullRequestComments"]);
  expect(t.sim.latestCheck(REPO, pr.head.sha)!.conclusion).toBe("success");
});

test("an approval in an older page counts, and a revocation in the newest page withdraws it", async () => {
  const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
  await label(pr);
  const approval = t.sim.addComment(REPO, pr.number, "alice", "/approve-emergency");
  for (let i = 0; i < 120; i++) t.sim.addComment(REPO, pr.number, "chatter", `comment ${i}`);
  await comment(pr, "lead", "/approve-emergency");
  expect(t.sim.latestCheck(REPO, pr.head.sha)!.output.text).toContain("Approved by `alice`, `lead`");
  expect(t.sim.repo(REPO).reactions.filter((reaction) => reaction.subjectId === approval.id).map((reaction) => reaction.content)).toEqual(["+1"]);
  at(6);
  await comment(pr, "alice", "/revoke-emergency");
  expect(t.sim.latestCheck(REPO, pr.head.sha)!.output.text).toContain("Approved by `lead`");
  expect(t.sim.latestCheck(REPO, pr.head.sha)!.output.text).toContain("**revoked**: `alice` revoked their approval");
});

test("a committer of the 150th commit cannot approve: every commit page is read", async () => {
  const commits = Array.from({ length: 160 }, (_, i) => ({
    sha: sha(`commit-${i}`),
    authorLogins: [i === 149 ? "carol" : "dev"],
    committerLogin: i === 149 ? "carol" : "dev",
  }));
  const pr = t.sim.addPull(REPO, { labels: ["hotfix"], commits, headSha: commits[159].sha });
  await label(pr);
  t.sim.reset();
  const approval = await comment(pr, "carol", "/approve-emergency");
  expect(graphqlOperations()).toEqual(["PullRequestFacts", "PullRequestCommits"]);
  expect(t.sim.repo(REPO).reactions.filter((reaction) => reaction.subjectId === approval.id).map((reaction) => reaction.content)).toEqual(["-1"]);
  expect(t.sim.latestCheck(REPO, pr.head.sha)!.output.text).toContain("`carol` committed to this pull request");
});
