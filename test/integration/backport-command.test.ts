import nock from "nock";
import { issueCommentEvent } from "../support/events.js";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { appComments, BACKPORT_CONFIG, backportPulls, cartFix, comment, createScenario, mergeHotfix, receiveMerge, REPO, seedHistory, type Scenario } from "../support/git/scenario.js";
import { openPullFromGit, syncBranches } from "../support/simulator/routes-git.js";

afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.restore();
  disposeAllGitRepos();
});

const reactions = (s: Scenario, commentId: number) =>
  s.t.sim.repo(REPO).reactions.filter((reaction) => reaction.subjectId === commentId && reaction.user.login.endsWith("[bot]")).map((reaction) => reaction.content);

/** A merged hotfix, already backported to release/1.0 at merge; release/0.9 exists too. */
const mergedHotfix = async (config = BACKPORT_CONFIG) => {
  const s = await createScenario(config);
  cartFix(s);
  s.git.createBranch("release/0.9", "release/1.0~1");
  const merged = mergeHotfix(s, { head: "fix", method: "squash" });
  await receiveMerge(s, merged.pr.number);
  return { s, ...merged };
};

test("an approver orders a backport: 👍, the PR, one reply saying what happened", async () => {
  const { s, pr, mergeSha } = await mergedHotfix();
  s.t.sim.reset();
  const order = await comment(s, pr.number, "lead", "/backport release/0.9");
  expect(reactions(s, order.id)).toEqual(["+1"]);
  // The PR is read once, for the authorization and the port alike (no REST read of it besides the facts query).
  const prReads = s.t.sim.requests.filter((request) => request.path === `/repos/${REPO}/pulls/${pr.number}` || (request.path === "/graphql" && /query PullRequestFacts\b/.test(String(request.body?.query))));
  expect(prReads.map((request) => `${request.method} ${request.path}`)).toEqual(["POST /graphql"]);
  const backport = backportPulls(s).find((pull) => pull.base.ref === "release/0.9")!;
  expect(backport).toMatchObject({ title: "[Backport release/0.9] Fix the checkout outage", head: { ref: `backport/${pr.number}-to-release/0.9` }, labels: ["backport"] });
  const tree = s.git.commit(s.git.rev(`backport/${pr.number}-to-release/0.9`)).tree;
  expect(tree).toBe(s.git.cherryPickTree(s.git.rev("release/0.9"), { commit: mergeSha }));
  const replies = appComments(s, pr.number);
  expect(replies).toHaveLength(1);
  expect(replies[0].body).toContain("> /backport release/0.9");
  expect(replies[0].body).toContain(`Backport pull request: #${backport.number}`);
});

test("several branches, the PR's own base and a bad name: ported, skipped and said so", async () => {
  const { s, pr } = await mergedHotfix();
  await comment(s, pr.number, "ops", "Please:\n/backport release/0.9 main\n/backport bad..name release/1.0");
  expect(backportPulls(s).map((pull) => pull.base.ref).sort()).toEqual(["release/0.9", "release/1.0"]);
  const [reply] = appComments(s, pr.number);
  expect(reply.body).toContain("`main`: skipped, the pull request was merged into it.");
  expect(reply.body).toContain("`bad..name`: skipped, not a valid branch name.");
  expect(reply.body).toContain("`release/1.0`: Backport opened"); // already made at merge: reported, not redone
});

test.each([
  ["someone who may not approve", "visitor", "only people who may approve emergency changes can order a backport"],
  ["the PR's author", "dev", "the author of a pull request cannot order a backport of it"],
])("%s is refused: 👎 and one reply, nothing created", async (_who, login, why) => {
  const { s, pr } = await mergedHotfix();
  s.t.sim.setPermission(REPO, "visitor", "read");
  s.t.sim.reset();
  const order = await comment(s, pr.number, login, "/backport release/0.9");
  expect(reactions(s, order.id)).toEqual(["-1"]);
  expect(backportPulls(s).map((pull) => pull.base.ref)).toEqual(["release/1.0"]);
  const replies = appComments(s, pr.number);
  expect(replies).toHaveLength(1);
  expect(replies[0].body).toContain(why);
  expect(s.git.ref(`refs/heads/backport/${pr.number}-to-release/0.9`)).toBeNull();
});

test("a co-committer who may approve others' changes cannot order a backport of this one (the approvals' own decision)", async () => {
  const s = await createScenario();
  cartFix(s);
  s.git.createBranch("release/0.9", "release/1.0~1");
  // `lead` is a listed approver, but wrote the second commit of this PR.
  s.git.commitFiles("fix", { "src/cart.test.ts": "test('cart', () => {});\n" }, "Test the cart", { author: { name: "Lead", email: "lead@example.com" } });
  const merged = mergeHotfix(s, { head: "fix", method: "squash" });
  await receiveMerge(s, merged.pr.number);
  s.t.sim.reset();
  const order = await comment(s, merged.pr.number, "lead", "/backport release/0.9");
  expect(reactions(s, order.id)).toEqual(["-1"]);
  expect(appComments(s, merged.pr.number)[0].body).toContain("`lead` committed to this pull request, and committers cannot order a backport of it");
  expect(backportPulls(s).map((pull) => pull.base.ref)).toEqual(["release/1.0"]);
  // The control: `ops`, who made none of it, may.
  const allowed = await comment(s, merged.pr.number, "ops", "/backport release/0.9");
  expect(reactions(s, allowed.id)).toEqual(["+1"]);
  expect(backportPulls(s).map((pull) => pull.base.ref).sort()).toEqual(["release/0.9", "release/1.0"]);
});

test("on a PR that is not merged: refused with the reason", async () => {
  const s = await createScenario();
  seedHistory(s.git);
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", { "src/cart.ts": "x\n" }, "x");
  syncBranches(s.t.sim.repo(REPO));
  const pr = openPullFromGit(s.t.sim, REPO, { head: "fix", labels: ["hotfix"], author: "dev" });
  const order = await comment(s, pr.number, "lead", "/backport release/1.0");
  expect(reactions(s, order.id)).toEqual(["-1"]);
  expect(appComments(s, pr.number)[0].body).toContain("is not merged");
  expect(backportPulls(s)).toEqual([]);
});

test("a redelivered command replies once and creates nothing new", async () => {
  const { s, pr } = await mergedHotfix();
  const order = await comment(s, pr.number, "lead", "/backport release/0.9");
  const pulls = backportPulls(s).length;
  s.t.sim.reset();
  await s.t.receive("issue_comment", issueCommentEvent(s.t.sim, REPO, order, "created"));
  expect(appComments(s, pr.number)).toHaveLength(1);
  expect(backportPulls(s)).toHaveLength(pulls);
  // The reply is found first: nothing at all is written again.
  expect(s.t.sim.writes()).toEqual([]);
});

test("a conflicting command target: the reply holds the manual commands", async () => {
  const { s, pr, mergeSha } = await mergedHotfix();
  s.git.commitFiles("release/0.9", { "src/cart.ts": "export const cart = ['0.9'];\n" }, "0.9 cart");
  await comment(s, pr.number, "lead", "/backport release/0.9");
  const [reply] = appComments(s, pr.number);
  expect(reply.body).toContain("`release/0.9`: Conflict");
  expect(reply.body).toContain(`git cherry-pick -x ${mergeSha}`);
});

test("dry run: the reply says what would be done; nothing is created", async () => {
  const { s, pr } = await mergedHotfix(BACKPORT_CONFIG + "dry_run: true\n");
  await comment(s, pr.number, "lead", "/backport release/0.9");
  expect(backportPulls(s)).toEqual([]);
  const reply = appComments(s, pr.number).find((item) => item.body.includes("> /backport release/0.9"))!;
  expect(reply.body).toContain("Dry run");
  expect(reply.body).toContain("`release/0.9`: Backport planned (dry run)");
});

test("comments without a command, or only quoting or mentioning one, cost nothing", async () => {
  const { s, pr } = await mergedHotfix();
  s.t.sim.reset();
  await comment(s, pr.number, "lead", "> /backport release/0.9\nthat was the idea");
  await comment(s, pr.number, "lead", "Should we `/backport release/0.9`?");
  expect(s.t.sim.writes()).toEqual([]);
});

test("a /backport that fails after the merge joins the postmortem's action items, once", async () => {
  const { s, pr } = await mergedHotfix(BACKPORT_CONFIG.replace("postmortem:\n  enabled: false", "postmortem:\n  enabled: true"));
  const [postmortem] = [...s.t.sim.repo(REPO).issues.values()];
  expect(postmortem.title).toBe(`Postmortem: Fix the checkout outage (#${pr.number})`);
  s.git.commitFiles("release/0.9", { "src/cart.ts": "export const cart = ['0.9'];\n" }, "0.9 cart");
  const order = await comment(s, pr.number, "lead", "/backport release/0.9");
  const notes = () => s.t.sim.repo(REPO).issueComments.filter((item) => item.issueNumber === postmortem.number && item.body.includes("postmortem-backport"));
  expect(notes()).toHaveLength(1);
  expect(notes()[0].body).toContain(`- [ ] Port #${pr.number} to \`release/0.9\` by hand (The change does not apply cleanly to \`release/0.9\``);
  await s.t.receive("issue_comment", issueCommentEvent(s.t.sim, REPO, order, "created"));
  expect(notes()).toHaveLength(1);
});
