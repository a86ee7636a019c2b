import nock from "nock";
import { syncPullWithGit } from "../../scripts/demo/git-pulls.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { issueCommentEvent, pullRequestEvent } from "../support/events.js";
import { disposeAllGitRepos, type GitRepo } from "../support/git/git-repo.js";
import { attachGit, identityOf, mergePullFromGit, openPullFromGit } from "../support/simulator/routes-git.js";
import type { SimPull } from "../support/simulator/state.js";
import { clockAt, fakeDateOnly } from "../support/clock.js";

/**
 * A safe trial (SPEC §2 `dry_run`): the app evaluates and reports everything — the check, the
 * replies, the status comment — but creates no branch, no pull request and no issue; what it
 * would have created is said on the PR instead.
 */

const REPO = "acme/shop";
const APP = "hotfix-governance[bot]";
const TITLE = "Fix checkout crash";
const CONFIG = `dry_run: true
approvals:
  users: [maria]
backport:
  targets: [release/1.1]
postmortem:
  assignees: [maria]
`;
const T0 = Date.parse("2024-05-01T10:00:00.000Z");

let t: TestApp;
let git: GitRepo;

const at = clockAt(T0, () => t.sim);

fakeDateOnly();
afterEach(() => nock.cleanAll());
afterAll(() => {
  disposeAllGitRepos();
  nock.restore();
});

/** main; release/1.1 and release/1.2 cut from it; a hotfix to release/1.2 that ports cleanly everywhere. */
beforeEach(async () => {
  t = await createTestApp();
  at(0);
  t.sim.addRepo(REPO, { config: CONFIG });
  t.sim.setPermission(REPO, "dev", "write");
  t.sim.setPermission(REPO, "maria", "maintain");
  git = attachGit(t.sim, REPO);
  git.commitFiles("main", { "src/checkout.ts": "export const total = (items: number[]) => items[0] + 0;\n", "README.md": "# shop\n" }, "Checkout", { author: identityOf("dev") });
  git.createBranch("release/1.1", "refs/heads/main");
  git.createBranch("release/1.2", "refs/heads/main");
  const repo = t.sim.repo(REPO);
  repo.branches.clear();
  for (const [branch, sha] of git.branches()) repo.branches.set(branch, sha);
});

const appComments = (pr: SimPull) => t.sim.repo(REPO).issueComments.filter((comment) => comment.issueNumber === pr.number && comment.user.login === APP);
const creations = () =>
  t.sim.requests
    .filter((request) => request.method !== "GET")
    .map((request) => `${request.method} ${request.path}`)
    .filter((call) => /\/git\/|\/merges$|\/pulls$|\/issues$|\/labels$|\/assignees$/.test(call) && !call.endsWith("/comments"));

/** The hotfix, opened, approved by @maria and merged by her: the deliveries GitHub would send. */
const mergeHotfix = async (): Promise<SimPull> => {
  git.createBranch("fix/checkout", "refs/heads/release/1.2");
  git.commitFiles("fix/checkout", { "src/checkout.ts": "export const total = (items: number[]) => items.reduce((a, b) => a + b, 0);\n" }, TITLE, { author: identityOf("dev") });
  const pr = openPullFromGit(t.sim, REPO, { head: "fix/checkout", base: "release/1.2", title: TITLE, labels: ["hotfix"], author: "dev" });
  syncPullWithGit(t.sim, git, REPO, pr.number);
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
  at(10);
  const approval = t.sim.addComment(REPO, pr.number, "maria", "/approve-emergency");
  await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, approval, "created"));
  expect(t.sim.latestCheck(REPO, pr.head.sha)?.conclusion).toBe("success");
  at(20);
  mergePullFromGit(t.sim, REPO, pr.number, "squash", "maria");
  return pr;
};

/** What the check and the status comment say the merge would create. */
const WOULD = [
  "🧪 **Dry run** (`dry_run: true`): the app creates no branch, pull request or issue. When this hotfix merges, it would:",
  "- port it to `release/1.1`: branch `backport/1-to-release/1.1` and pull request **[Backport release/1.1] Fix checkout crash**;",
  "- port it to `main`: branch `backport/1-to-main` and pull request **[Backport main] Fix checkout crash**;",
  "- open the postmortem issue **Postmortem: Fix checkout crash (#1)**, assigned to `dev`, `maria`.",
].join("\n");

test("before the merge: the check and the replies as without dry run, plus what the merge would create; nothing is created", async () => {
  const pr = await mergeHotfix();
  const check = t.sim.latestCheck(REPO, pr.head.sha)!;
  expect(check.output.title).toBe("Hotfix governance passed");
  expect(check.output.text).toContain(WOULD);
  const status = appComments(pr).filter((comment) => comment.body.includes("<!-- hotfix-governance:status -->"));
  expect(status).toHaveLength(1);
  expect(status[0].body).toContain(WOULD);
  const approval = t.sim.repo(REPO).issueComments.find((comment) => comment.user.login === "maria")!;
  expect(t.sim.repo(REPO).reactions.filter((reaction) => reaction.subjectId === approval.id).map((reaction) => reaction.content)).toEqual(["+1"]);
  expect(creations()).toEqual([]);
});

test("the merge of a hotfix creates no branch, no pull request and no issue, and says on the PR what it would have opened", async () => {
  const pr = await mergeHotfix();
  const branchesBefore = new Map(t.sim.repo(REPO).branches);
  const refsBefore = git.refs();
  t.sim.reset();

  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "closed", { sender: "maria" }));

  // Nothing created: no branch (GitHub's view and git's, temporary branches included), PR, issue, commit.
  expect(new Map(t.sim.repo(REPO).branches)).toEqual(branchesBefore);
  expect(git.refs()).toEqual(refsBefore);
  expect([...t.sim.repo(REPO).pulls.keys()]).toEqual([pr.number]);
  expect(t.sim.repo(REPO).issues.size).toBe(0);
  expect(creations()).toEqual([]);
  expect(t.sim.unhandled).toEqual([]);

  // Said instead, on the PR: the backports and the postmortem it would have opened (the status
  // comment, kept from before the merge), and the postmortem comment of the merge itself.
  const said = appComments(pr).map((comment) => comment.body).join("\n\n");
  expect(said).toContain(WOULD);
  expect(said).toContain("🧪 Dry run (`dry_run: true`): a postmortem issue would be opened");
  expect(said).toContain(`**Postmortem: ${TITLE} (#${pr.number})**`);
  expect(said).toContain("assigned to @dev, @maria");
  expect(t.sim.latestCheck(REPO, pr.head.sha)?.output.text).toContain(WOULD);
  // After the merge, one trial report names what each backport target would have got.
  const trial = appComments(pr).filter((comment) => comment.body.includes(`<!-- hotfix-governance:backport-dry-run:${pr.number} -->`));
  expect(trial).toHaveLength(1);
  expect(trial[0].body).toContain("(dry run: nothing was created)");
  expect(trial[0].body).toMatch(/#### `main`: [^\n]+\n\nWould cherry-pick the /);
});

test("a redelivered merge in dry run says nothing twice", async () => {
  const pr = await mergeHotfix();
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "closed", { sender: "maria" }));
  const comments = appComments(pr).map((comment) => comment.body);
  t.sim.reset();
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "closed", { sender: "maria" }));
  expect(appComments(pr).map((comment) => comment.body)).toEqual(comments);
  expect(t.sim.writes()).toEqual([]);
});

test("/backport on the merged hotfix in dry run answers what it would do and creates nothing", async () => {
  const pr = await mergeHotfix();
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "closed", { sender: "maria" }));
  const refsBefore = git.refs();
  at(30);
  t.sim.reset();
  const command = t.sim.addComment(REPO, pr.number, "maria", "/backport release/1.1");
  await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, command, "created"));

  expect(git.refs()).toEqual(refsBefore);
  expect([...t.sim.repo(REPO).pulls.keys()]).toEqual([pr.number]);
  expect(creations()).toEqual([]);
  const reply = appComments(pr).find((comment) => comment.body.includes("> /backport release/1.1"));
  expect(reply?.body).toContain("Dry run (`dry_run: true`): nothing was created.");
  expect(reply?.body).toContain("release/1.1");
});
