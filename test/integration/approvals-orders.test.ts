import nock from "nock";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { appComments, backportPulls, comment, createScenario, cartFix, mergeHotfix, receiveMerge, REPO } from "../support/git/scenario.js";

/**
 * Pushers are makers for orders too: `/backport` asks the same eligibility decision as the
 * approvals, with the pushes GitHub recorded on the PR's branch (issue 11, item 2).
 */

afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.restore();
  disposeAllGitRepos();
});

test("a listed approver who pushed to the PR cannot order its backport; another approver can", async () => {
  const s = await createScenario();
  cartFix(s);
  s.git.createBranch("release/0.9", "release/1.0~1");
  const merged = mergeHotfix(s, { head: "fix", method: "squash" });
  // Git says `dev` wrote and committed everything; GitHub's activity says `lead` pushed the branch.
  const pull = s.t.sim.pull(REPO, merged.pr.number);
  s.t.sim.recordActivity(REPO, "fix", { before: "0".repeat(40), after: pull.head.sha, type: "push", actor: "lead", at: pull.createdAt });
  await receiveMerge(s, merged.pr.number);
  const before = backportPulls(s).map((backport) => backport.base.ref);
  s.t.sim.reset();

  const refused = await comment(s, merged.pr.number, "lead", "/backport release/0.9");
  expect(s.t.sim.requests.filter((request) => request.path === `/repos/${REPO}/activity`)).toHaveLength(1);
  expect(s.t.sim.repo(REPO).reactions.filter((reaction) => reaction.subjectId === refused.id).map((reaction) => reaction.content)).toEqual(["-1"]);
  expect(appComments(s, merged.pr.number)[0].body).toContain("`lead` pushed commits to this pull request, and whoever pushed to it cannot order a backport of it");
  expect(backportPulls(s).map((backport) => backport.base.ref)).toEqual(before);

  const accepted = await comment(s, merged.pr.number, "ops", "/backport release/0.9");
  expect(s.t.sim.repo(REPO).reactions.filter((reaction) => reaction.subjectId === accepted.id).map((reaction) => reaction.content)).toEqual(["+1"]);
  expect(backportPulls(s).map((backport) => backport.base.ref)).toContain("release/0.9");
});
