import nock from "nock";
import { clockAt, fakeDateOnly } from "../support/clock.js";
import { issueCommentEvent, pullRequestEvent } from "../support/events.js";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { cartFix, createScenario, openLabelledHotfix, REPO, type Scenario } from "../support/git/scenario.js";
import { addRuleset, allowMergeMethods, appBypass, commitMessage, protectBranch } from "../support/simulator/routes-merge.js";
import type { SimComment, SimPull } from "../support/simulator/state.js";

const APP = "hotfix-governance[bot]";
const CONFIG = (merge = "") => `
approvals:
  users: [lead, ops]
postmortem:
  enabled: false
backport:
  forward_port_to_default: false
${merge}`;
const T0 = Date.parse("2026-11-30T10:00:00.000Z");

let s: Scenario;
const at = clockAt(T0, () => s.t.sim);

fakeDateOnly();
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.restore();
  disposeAllGitRepos();
});

/** A hotfix PR by `dev` from git, labelled (the app has seen it), on a repository whose main is protected by a ruleset. */
const hotfix = async (options: { config?: string; draft?: boolean; retry?: boolean } = {}): Promise<SimPull> => {
  s = await createScenario(options.config ?? CONFIG(), { retry: options.retry });
  at(0);
  cartFix(s);
  const pr = await openLabelledHotfix(s, { draft: options.draft });
  at(5);
  return pr;
};

const comment = async (pr: SimPull, login: string, body: string): Promise<SimComment> => {
  const created = s.t.sim.addComment(REPO, pr.number, login, body);
  await s.t.receive("issue_comment", issueCommentEvent(s.t.sim, REPO, created, "created"));
  return created;
};

const approved = async (pr: SimPull) => {
  await comment(pr, "lead", "/approve-emergency rollback checked");
  expect(check(pr).conclusion).toBe("success");
  at(10);
};

const check = (pr: SimPull) => s.t.sim.latestCheck(REPO, s.t.sim.pull(REPO, pr.number).head.sha)!;
const reactions = (id: number) => s.t.sim.repo(REPO).reactions.filter((reaction) => reaction.subjectId === id && reaction.user.login === APP).map((reaction) => reaction.content);
const replies = (id: number) => s.t.sim.repo(REPO).issueComments.filter((item) => item.user.login === APP && item.body.includes(`hotfix-governance:merge-reply comment=${id} `));
const merges = () => s.t.sim.requests.filter((request) => request.method === "PUT" && /\/pulls\/\d+\/merge$/.test(request.path));
const mainSha = () => s.git.rev("refs/heads/main");

/** A ruleset on main asking 1 approving review, with the app as bypass actor ("always") unless told otherwise. */
const ruleset = (bypass: boolean) =>
  addRuleset(s.t.sim, REPO, { name: "main", branches: ["~DEFAULT_BRANCH"], requiredApprovingReviewCount: 1, bypassActors: bypass ? [appBypass("always")] : [] });

describe("/merge-emergency on a green hotfix", () => {
  test("the author orders it: merged with merge.method and the evaluated head, 👍, the commit records who, why and the approvals; no check re-write", async () => {
    const pr = await hotfix();
    ruleset(true);
    await approved(pr);
    const head = pr.head.sha;
    s.t.sim.reset();
    const order = await comment(pr, "dev", "/merge-emergency checkout is down for everyone");
    const pull = s.t.sim.pull(REPO, pr.number);
    expect(pull).toMatchObject({ merged: true, state: "closed", mergedBy: { login: APP } });
    expect(merges()).toHaveLength(1);
    expect(merges()[0].body).toMatchObject({ merge_method: "squash", sha: head });
    expect(mainSha()).toBe(pull.mergeCommitSha);
    const message = commitMessage(s.t.sim, REPO, pull.mergeCommitSha!);
    expect(message).toContain("Fast-track merged by hotfix-governance on behalf of @dev");
    expect(message).toContain("Reason: checkout is down for everyone");
    expect(message).toMatch(new RegExp(`- lead on ${head} at 2026-11-30 10:05:\\d\\d UTC`));
    expect(message).toContain(`#issuecomment-${order.id}`);
    expect(reactions(order.id)).toEqual(["+1"]);
    expect(replies(order.id)).toHaveLength(0);
    // Cost: the facts read, one merge write and one reaction; the green check is not re-written.
    const writes = s.t.sim.writes().map((request) => `${request.method} ${request.path.replace(/\d+/g, "N")}`);
    expect(writes).toEqual(["PUT /repos/acme/shop/pulls/N/merge", "POST /repos/acme/shop/issues/comments/N/reactions"]);
    const reads = s.t.sim.requests.filter((request) => request.method === "GET" || request.path === "/graphql").map((request) => `${request.method} ${request.path}`);
    // The config, and the PR's facts once (with the pushes to its branch, read once): the verdict and the authorization (the author needs no role look-up).
    expect(reads).toEqual(["GET /repos/acme/shop/contents/.github/hotfix.yml", "POST /graphql", "GET /repos/acme/shop/activity"]);
  });

  test("an approver orders it with merge.method rebase: no commit of its own, so the reply carries the record", async () => {
    const pr = await hotfix({ config: CONFIG("merge:\n  method: rebase\n") });
    ruleset(true);
    await approved(pr);
    const order = await comment(pr, "ops", "/merge-emergency");
    expect(merges()[0].body).toMatchObject({ merge_method: "rebase", sha: pr.head.sha });
    expect(s.t.sim.pull(REPO, pr.number).merged).toBe(true);
    expect(reactions(order.id)).toEqual(["+1"]);
    const [reply] = replies(order.id);
    expect(reply.body).toContain("Fast-track merged by hotfix-governance on behalf of @ops");
    expect(reply.body).toContain("Reason: (none given)");
    expect(reply.body).toContain("@lead on");
  });

  test("the check and the status comment say that the fast track is available and who may use it", async () => {
    const pr = await hotfix();
    expect(check(pr).output.text).toContain("**Fast track:** once this check passes, the author (`dev`) or `lead`, `ops` or anyone with the `maintain` role or higher may comment `/merge-emergency <reason>`");
    const status = s.t.sim.repo(REPO).issueComments.find((item) => item.body.includes("<!-- hotfix-governance:status -->"))!;
    expect(status.body).toContain("may comment `/merge-emergency <reason>`");
    expect(status.body).toContain("one is due within 24 h after it");
  });
});

describe("refusals: 👎, one reply, nothing merged", () => {
  const refused = (order: SimComment, why: RegExp) => {
    expect(reactions(order.id)).toEqual(["-1"]);
    const answers = replies(order.id);
    expect(answers).toHaveLength(1);
    expect(answers[0].body).toContain("> `/merge-emergency");
    expect(answers[0].body).toMatch(why);
  };

  test("not green yet: says what is missing, and GitHub is not asked", async () => {
    const pr = await hotfix();
    ruleset(true);
    const order = await comment(pr, "dev", "/merge-emergency now");
    refused(order, /check on [0-9a-f]{7} is still waiting\. Still missing:\n\n- ⏳ Emergency approvals/);
    expect(merges()).toHaveLength(0);
    expect(s.t.sim.pull(REPO, pr.number).merged).toBe(false);
  });

  test("someone who may not approve: not authorized, and who is", async () => {
    const pr = await hotfix();
    ruleset(true);
    await approved(pr);
    s.t.sim.setPermission(REPO, "visitor", "write");
    const order = await comment(pr, "visitor", "/merge-emergency");
    refused(order, /Only people who may approve emergency changes can order the fast-track merge, and `visitor` is not allowed to approve \(has the `write` role, below `maintain`\)\. Only `lead`, `ops` or anyone with the `maintain` role or higher can approve/);
    expect(merges()).toHaveLength(0);
  });

  test("a draft is not merged", async () => {
    const pr = await hotfix({ draft: true });
    ruleset(true);
    await comment(pr, "lead", "/approve-emergency");
    const order = await comment(pr, "dev", "/merge-emergency");
    refused(order, /is a draft; mark it ready for review first/);
    expect(merges()).toHaveLength(0);
  });

  test("a real push lands between the verdict and the merge request: GitHub's own 409, the unreviewed commit is not merged", async () => {
    const pr = await hotfix({ retry: true });
    ruleset(true);
    await approved(pr);
    const evaluated = pr.head.sha;
    const before = mainSha();
    const handle = s.t.sim.handle.bind(s.t.sim);
    let pushed = false;
    s.t.sim.handle = async (method, url, body, headers) => {
      if (method === "PUT" && /\/pulls\/\d+\/merge$/.test(new URL(url, s.t.sim.baseUrl).pathname) && !pushed) {
        pushed = true;
        s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['unreviewed'];\n" }, "Sneak in");
        s.t.sim.push(REPO, pr.number, { sha: s.git.rev("refs/heads/fix") });
      }
      return handle(method, url, body, headers);
    };
    const order = await comment(pr, "dev", "/merge-emergency");
    expect(merges()).toHaveLength(1);
    expect(merges()[0]).toMatchObject({ status: 409, body: { sha: evaluated } });
    expect(mainSha()).toBe(before);
    expect(s.t.sim.pull(REPO, pr.number).merged).toBe(false);
    refused(order, /moved after the verdict on [0-9a-f]{7}\. GitHub refused the merge \(409\)/);
  });

  test("the simulator's own 409: the sha names an older head", async () => {
    const pr = await hotfix();
    ruleset(true);
    await approved(pr);
    const evaluated = pr.head.sha;
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['unreviewed'];\n" }, "Sneak in");
    s.t.sim.push(REPO, pr.number, { sha: s.git.rev("refs/heads/fix") });
    // What the app sent for the head it had evaluated is refused: GitHub's rule, in the simulator.
    const answer = await s.t.sim.handle("PUT", `/repos/${REPO}/pulls/${pr.number}/merge`, { sha: evaluated, merge_method: "squash" }, {});
    expect(answer).toMatchObject({ status: 409, body: { message: "Head branch was modified. Review and try the merge again." } });
  });

  test("the app is not a bypass actor: GitHub's 405 in its words, with what to configure; not retried", async () => {
    const pr = await hotfix({ retry: true });
    ruleset(false);
    await approved(pr);
    const order = await comment(pr, "dev", "/merge-emergency");
    expect(merges()).toHaveLength(1);
    expect(s.t.sim.pull(REPO, pr.number).merged).toBe(false);
    refused(order, /GitHub refused the merge \(405\): "Repository rule violations found — At least 1 approving review is required by reviewers with write access\."/);
    refused(order, /Bypass list → Add bypass → the app, mode "Always allow"/);
    refused(order, /`bypass_pull_request_allowances\.apps`/);
  });

  test("classic protection with the app in bypass_pull_request_allowances.apps: reviews skipped, required status checks still apply", async () => {
    const pr = await hotfix();
    protectBranch(s.t.sim, REPO, { branch: "main", requiredApprovingReviewCount: 1, requiredStatusChecks: ["ci"], bypassApps: ["hotfix-governance"] });
    await approved(pr);
    const order = await comment(pr, "dev", "/merge-emergency");
    refused(order, /GitHub refused the merge \(405\): "Required status check \\"ci\\" is expected\."|Required status check "ci" is expected/);
    refused(order, /skips the review requirement only/);
    expect(s.t.sim.pull(REPO, pr.number).merged).toBe(false);
    // Once ci is green, the same protection lets the app merge past the review quota.
    s.t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "ci" });
    const again = await comment(pr, "lead", "/merge-emergency ci is green");
    expect(reactions(again.id)).toEqual(["+1"]);
    expect(s.t.sim.pull(REPO, pr.number).merged).toBe(true);
  });

  test("the README's set-up: reviews in a ruleset the app bypasses, CI in one it does not — CI still binds the app", async () => {
    const pr = await hotfix();
    ruleset(true);
    addRuleset(s.t.sim, REPO, { name: "ci", requiredStatusChecks: ["ci"], bypassActors: [{ actorType: "RepositoryRole", actorId: 5, bypassMode: "always" }] });
    await approved(pr);
    const order = await comment(pr, "dev", "/merge-emergency");
    refused(order, /"Repository rule violations found — Required status check "ci" is expected\."/);
    s.t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "ci" });
    const again = await comment(pr, "dev", "/merge-emergency ci passed");
    expect(reactions(again.id)).toEqual(["+1"]);
    expect(s.t.sim.pull(REPO, pr.number).merged).toBe(true);
  });

  test("a merge method the repository does not allow: GitHub's words and how to allow it", async () => {
    const pr = await hotfix();
    ruleset(true);
    allowMergeMethods(s.t.sim, REPO, { squash: false });
    await approved(pr);
    const order = await comment(pr, "dev", "/merge-emergency");
    refused(order, /"Squash merges are not allowed on this repository\."/);
    refused(order, /Allow the `squash` method .*or set `merge\.method`/);
  });

  test("merge.command: false refuses the command with the reason", async () => {
    const pr = await hotfix({ config: CONFIG("merge:\n  command: false\n") });
    await approved(pr);
    const order = await comment(pr, "lead", "/merge-emergency");
    refused(order, /`merge\.command` is `false`/);
    expect(merges()).toHaveLength(0);
  });

  test("already merged: said so, nothing asked of GitHub", async () => {
    const pr = await hotfix();
    ruleset(true);
    await approved(pr);
    await comment(pr, "dev", "/merge-emergency");
    const late = await comment(pr, "lead", "/merge-emergency");
    refused(late, /is already merged\. It was merged by `hotfix-governance`/);
    expect(merges()).toHaveLength(1);
  });
});

describe("the simulator's merge endpoint answers as GitHub does", () => {
  const put = (pr: SimPull, body: unknown) => s.t.sim.handle("PUT", `/repos/${REPO}/pulls/${pr.number}/merge`, body, {});

  test("422 for a body GitHub's schema refuses; 405 for a draft and for a merged PR; 200 with sha, merged, message", async () => {
    const pr = await hotfix();
    expect(await put(pr, { merge_method: "fast-forward" })).toMatchObject({ status: 422, body: { message: expect.stringMatching(/^Invalid request\./) } });
    expect(await put(pr, { sha: 42 })).toMatchObject({ status: 422 });
    s.t.sim.pull(REPO, pr.number).draft = true;
    expect(await put(pr, {})).toMatchObject({ status: 405, body: { message: "Pull Request is still a draft" } });
    s.t.sim.pull(REPO, pr.number).draft = false;
    const merged = await put(pr, { merge_method: "merge", sha: pr.head.sha, commit_message: "custom" });
    expect(merged).toMatchObject({ status: 200, body: { merged: true, message: "Pull Request successfully merged", sha: mainSha() } });
    expect(commitMessage(s.t.sim, REPO, mainSha())).toMatch(/^Merge pull request #\d+ from acme\/fix\n\ncustom/);
    expect(s.t.sim.pull(REPO, pr.number).mergedBy?.login).toBe(APP);
    expect(await put(pr, {})).toMatchObject({ status: 405, body: { message: "Pull Request is not mergeable" } });
  });
});

describe("exactly once", () => {
  test("a redelivered command (new delivery id) merges once and answers once", async () => {
    const pr = await hotfix();
    ruleset(true);
    await approved(pr);
    const order = s.t.sim.addComment(REPO, pr.number, "dev", "/merge-emergency");
    const event = issueCommentEvent(s.t.sim, REPO, order, "created");
    await s.t.receive("issue_comment", event, "first");
    await s.t.receive("issue_comment", event, "second");
    await s.t.receive("issue_comment", event, "first");
    expect(merges()).toHaveLength(1);
    expect(reactions(order.id)).toEqual(["+1"]);
    expect(replies(order.id)).toHaveLength(0);
  });

  test("the same command delivered twice at the same moment: one merge", async () => {
    const pr = await hotfix();
    ruleset(true);
    await approved(pr);
    const order = s.t.sim.addComment(REPO, pr.number, "dev", "/merge-emergency");
    const event = issueCommentEvent(s.t.sim, REPO, order, "created");
    await Promise.all([s.t.receive("issue_comment", event, "a"), s.t.receive("issue_comment", event, "b")]);
    expect(merges()).toHaveLength(1);
    expect(s.t.sim.pull(REPO, pr.number).merged).toBe(true);
  });

  test("a refused command redelivered: still one reply", async () => {
    const pr = await hotfix();
    const order = s.t.sim.addComment(REPO, pr.number, "dev", "/merge-emergency");
    const event = issueCommentEvent(s.t.sim, REPO, order, "created");
    await s.t.receive("issue_comment", event, "x");
    await s.t.receive("issue_comment", event, "y");
    expect(replies(order.id)).toHaveLength(1);
    expect(reactions(order.id)).toEqual(["-1"]);
  });
});

describe("merge.auto", () => {
  test("the approval that turns the verdict success merges it, recorded as merge.auto", async () => {
    const pr = await hotfix({ config: CONFIG("merge:\n  auto: true\n") });
    ruleset(true);
    expect(s.t.sim.pull(REPO, pr.number).merged).toBe(false);
    await comment(pr, "lead", "/approve-emergency");
    const pull = s.t.sim.pull(REPO, pr.number);
    expect(pull.merged).toBe(true);
    expect(merges()).toHaveLength(1);
    expect(merges()[0].body).toMatchObject({ merge_method: "squash", sha: pr.head.sha });
    expect(commitMessage(s.t.sim, REPO, pull.mergeCommitSha!)).toContain("Fast-track merged by hotfix-governance because `merge.auto` is on and the check passed");
  });

  test("GitHub refuses the auto merge: one comment for that head, not asked again at every event", async () => {
    const pr = await hotfix({ config: CONFIG("merge:\n  auto: true\n") });
    ruleset(false);
    await comment(pr, "lead", "/approve-emergency");
    await s.t.receive("pull_request", pullRequestEvent(s.t.sim, REPO, pr.number, "edited"));
    expect(merges()).toHaveLength(1);
    const notes = s.t.sim.repo(REPO).issueComments.filter((item) => item.body.includes("hotfix-governance:auto-merge head="));
    expect(notes).toHaveLength(1);
    expect(notes[0].body).toContain("At least 1 approving review is required by reviewers with write access.");
  });
});
