import nock from "nock";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { appComments, comment, createScenario, mergeHotfix, receiveMerge, REPO, seedHistory, type Scenario } from "../support/git/scenario.js";
import { gitBacking, mergePullFromGit, openPullFromGit, syncBranches } from "../support/simulator/routes-git.js";

afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.restore();
  disposeAllGitRepos();
});

const CONFIG = `
approvals:
  users: [lead, ops]
body:
  incident_pattern: "INC-\\\\d+"
backport:
  targets: []
  forward_port_to_default: false
postmortem:
  enabled: false
`;

const BODY = "## Incident\n\nINC-42: checkout down\n\n## Rollback plan\n\nRevert.\n";

const revertPulls = (s: Scenario) => [...s.t.sim.repo(REPO).pulls.values()].filter((pull) => pull.head.ref.startsWith("revert/"));
const reactionsOn = (s: Scenario, commentId: number) => s.t.sim.repo(REPO).reactions.filter((reaction) => reaction.subjectId === commentId).map((reaction) => reaction.content);
/** The app's replies to revert commands on PR #`number` (other follow-ups comment too). */
const replies = (s: Scenario, number: number) => appComments(s, number).filter((item) => item.body.includes("hotfix-governance:revert-reply"));
const revertCommit = (s: Scenario, number: number) => s.git.commit(s.git.rev(`refs/heads/revert/${number}`));

/** A merged hotfix, then main moves on elsewhere. */
const merged = async (method: "squash" | "rebase" | "merge", config = CONFIG) => {
  const s = await createScenario(config);
  seedHistory(s.git);
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("main", "src/checkout.ts")!.toString().replace("'EUR'", "'USD'") }, "Dollars");
  s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['fixed'];\n", "assets/icon.bin": Buffer.from([0, 1, 2, 255]) }, "Cart and icon", { renames: { "README.md": "docs/README.md" } });
  const result = mergeHotfix(s, { head: "fix", method, body: BODY });
  s.git.commitFiles("main", { "src/search.ts": "export const search = () => ['later'];\n" }, "Later work");
  await receiveMerge(s, result.pr.number);
  return { s, ...result };
};

describe("/revert-emergency opens a revert PR whose one commit is what `git revert` gives", () => {
  test.each([
    ["squash", (sha: string) => ({ commit: sha })],
    ["merge", (sha: string) => ({ commit: sha, mainline: 1 })],
  ] as const)("%s merge", async (method, change) => {
    const { s, pr, mergeSha } = await merged(method);
    const mainHead = s.git.rev("main");
    const order = await comment(s, pr.number, "lead", "/revert-emergency Checkout still broken after the fix");
    const [revert] = revertPulls(s);
    expect(revertPulls(s)).toHaveLength(1);
    expect(revert).toMatchObject({
      title: 'Revert "Fix the checkout outage"',
      base: { ref: "main" },
      head: { ref: `revert/${pr.number}` },
      labels: ["hotfix"],
      assignees: ["dev", "lead"],
    });
    expect(revert.body!.startsWith(`Reverts #${pr.number}`)).toBe(true);
    expect(revert.body).toContain("INC-42");
    expect(revert.body).toContain("Checkout still broken after the fix");
    expect(revert.body).toContain("## Rollback plan");
    const commit = revertCommit(s, pr.number);
    expect(commit.parents).toEqual([mainHead]);
    expect(commit.tree).toBe(s.git.revertTree(mainHead, change(mergeSha)));
    expect(commit.message).toContain(`This reverts commit ${mergeSha}.`);
    expect(s.git.readFile(commit.sha, "src/search.ts")!.toString()).toContain("later"); // later work stays
    expect(gitBacking(s.t.sim, REPO).signed.has(commit.sha)).toBe(true); // the app's own commit: GitHub signs it
    expect(reactionsOn(s, order.id)).toEqual(["+1"]);
    expect(replies(s, pr.number)).toHaveLength(1);
    expect(replies(s, pr.number)[0].body).toContain(`Opened #${revert.number}`);
  });

  test("rebase merge of 2 commits: both reverted in one commit, like `git revert` of the range", async () => {
    const { s, pr, mergeSha } = await merged("rebase");
    const mainHead = s.git.rev("main");
    await comment(s, pr.number, "lead", "/revert-emergency");
    const commit = revertCommit(s, pr.number);
    expect(commit.tree).toBe(s.git.revertTree(mainHead, { range: [s.git.rev(`${mergeSha}~2`), mergeSha] }));
    expect(revertPulls(s)[0].body).toContain("Reason: none given.");
  });
});

describe("who may order it, and ordering it again", () => {
  test("the PR's author may not: 👎 and a reply, nothing created", async () => {
    const { s, pr } = await merged("squash");
    const order = await comment(s, pr.number, "dev", "/revert-emergency please");
    expect(revertPulls(s)).toEqual([]);
    expect(s.git.ref(`refs/heads/revert/${pr.number}`)).toBeNull();
    expect(reactionsOn(s, order.id)).toEqual(["-1"]);
    const [reply] = replies(s, pr.number);
    expect(reply.body).toContain("Not done");
  });

  test("inside a code block or a sentence it is not a command", async () => {
    const { s, pr } = await merged("squash");
    s.t.sim.reset();
    await comment(s, pr.number, "lead", "```\n/revert-emergency\n```\nWe could /revert-emergency later.");
    expect(s.t.sim.writes()).toEqual([]);
  });

  test("a redelivery creates nothing more; a repeat by someone else is answered with the existing revert PR", async () => {
    const { s, pr } = await merged("squash");
    const order = await comment(s, pr.number, "lead", "/revert-emergency broken");
    const { issueCommentEvent } = await import("../support/events.js");
    s.t.sim.reset();
    await s.t.receive("issue_comment", issueCommentEvent(s.t.sim, REPO, order, "created"));
    expect(s.t.sim.writes()).toEqual([]);
    const repeat = await comment(s, pr.number, "ops", "/revert-emergency again");
    expect(revertPulls(s)).toHaveLength(1);
    expect(reactionsOn(s, repeat.id)).toEqual(["+1"]);
    const answer = replies(s, pr.number).at(-1)!;
    expect(answer.body).toContain(`already reverted by #${revertPulls(s)[0].number}`);
  });
});

test("dry run: 👍 and a reply saying what would be done; nothing created", async () => {
  const { s, pr } = await merged("squash", CONFIG + "dry_run: true\n");
  const order = await comment(s, pr.number, "lead", "/revert-emergency");
  expect(revertPulls(s)).toEqual([]);
  expect(s.git.ref(`refs/heads/revert/${pr.number}`)).toBeNull();
  expect(reactionsOn(s, order.id)).toEqual(["+1"]);
  expect(replies(s, pr.number)[0].body).toContain("Dry run");
});

describe("when it does not apply", () => {
  test("a conflict: 👎 and the git commands, no branch and no PR", async () => {
    const { s, pr, mergeSha } = await merged("squash");
    s.git.commitFiles("main", { "src/cart.ts": "export const cart = ['changed again'];\n" }, "Cart again");
    expect(s.git.revertTree(s.git.rev("main"), { commit: mergeSha })).toBeNull();
    const order = await comment(s, pr.number, "lead", "/revert-emergency");
    expect(revertPulls(s)).toEqual([]);
    expect(s.git.ref(`refs/heads/revert/${pr.number}`)).toBeNull();
    expect([...s.git.refs("refs/heads/hotfix-governance/").keys()]).toEqual([]);
    expect(reactionsOn(s, order.id)).toEqual(["-1"]);
    const [reply] = replies(s, pr.number);
    expect(reply.body).toContain("does not apply cleanly");
    expect(reply.body).toContain(`git revert --no-edit ${mergeSha}`);
    expect(reply.body).toContain(`git checkout -b revert/${pr.number} origin/main`);
  });

  test("main's workflow files changed since: the revert still opens (nothing written there)", async () => {
    const { s, pr, mergeSha } = await merged("squash");
    s.git.commitFiles("main", { ".github/workflows/ci.yml": "on: push # later\n", "src/checkout.ts": "// header\n" + s.git.readFile("main", "src/checkout.ts")!.toString() }, "CI and a header");
    const mainHead = s.git.rev("main");
    await comment(s, pr.number, "lead", "/revert-emergency");
    expect(revertPulls(s)).toHaveLength(1);
    expect(revertCommit(s, pr.number).tree).toBe(s.git.revertTree(mainHead, { commit: mergeSha }));
  });
});

test("the postmortem issue gets one comment linking the revert", async () => {
  const { s, pr } = await merged("squash", CONFIG.replace("postmortem:\n  enabled: false", "postmortem:\n  enabled: true"));
  const [postmortem] = [...s.t.sim.repo(REPO).issues.values()];
  expect(postmortem).toBeDefined();
  await comment(s, pr.number, "lead", "/revert-emergency broken");
  await comment(s, pr.number, "ops", "/revert-emergency");
  const notes = s.t.sim.repo(REPO).issueComments.filter((item) => item.issueNumber === postmortem.number && item.body.includes("postmortem-revert"));
  expect(notes).toHaveLength(1);
  expect(notes[0].body).toContain(`#${revertPulls(s)[0].number} reverts #${pr.number}`);
  expect(gitBacking(s.t.sim, REPO).workflowsPermission).toBe(false);
});

test("a postmortem built after the revert has it in its timeline: who ordered it, when, why, and its merge", async () => {
  const s = await createScenario(CONFIG.replace("postmortem:\n  enabled: false", "postmortem:\n  enabled: true"));
  seedHistory(s.git);
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['fixed'];\n" }, "Cart");
  // The merge's delivery is not handled now (the app was down): the sweep or a redelivery builds the postmortem later.
  const { pr } = mergeHotfix(s, { head: "fix", method: "squash", body: BODY });
  s.t.sim.advance(60_000);
  const order = await comment(s, pr.number, "lead", "/revert-emergency checkout still | broken");
  const [revertPull] = revertPulls(s);
  expect(revertPull).toBeDefined();
  s.t.sim.advance(120_000);
  mergePullFromGit(s.t.sim, REPO, revertPull.number, "squash", "ops");
  // A PR someone else opened saying `Reverts #n` is no revert of the app's.
  s.git.createBranch("undo", "main");
  s.git.commitFiles("undo", { "src/cart.ts": "export const cart = [];\n" }, "Undo by hand");
  syncBranches(s.t.sim.repo(REPO));
  openPullFromGit(s.t.sim, REPO, { head: "undo", title: "Undo", body: `Reverts #${pr.number}`, author: "dev", labels: [] });
  s.t.sim.advance(60_000);
  await receiveMerge(s, pr.number);

  const [postmortem] = [...s.t.sim.repo(REPO).issues.values()];
  expect(postmortem.title).toBe(`Postmortem: Fix the checkout outage (#${pr.number})`);
  const rows = postmortem.body!.split("\n").filter((line) => line.includes("Revert #"));
  const at = (iso: string) => iso.slice(0, 16).replace("T", " ");
  // The reason is the commander's text: escaped as Markdown, then as a table cell (GitHub shows `still | broken`).
  expect(rows).toEqual([
    `| ${at(revertPull.createdAt)} | Revert #${revertPull.number} opened by the app on the order of @lead at ${at(order.createdAt)} UTC ([command](https://github.com/${REPO}/pull/${pr.number}#issuecomment-${order.id})); reason: checkout still \\\\| broken |`,
    `| ${at(revertPull.mergedAt!)} | Revert #${revertPull.number} merged: #${pr.number} is reverted |`,
  ]);
});
