import { approvalsHarness, REPO } from "../support/approvals-harness.js";
import type { TestApp } from "../support/app.js";
import { issueCommentEvent, pullRequestEvent, pullRequestReviewCommentEvent, pullRequestReviewEvent } from "../support/events.js";
import type { SimPull } from "../support/simulator/simulator.js";

/**
 * Issue 11, attacked: each test is a way a person with write access could get code merged that no
 * authorized approver looked at. The attack leaves the check waiting; a legitimate approval in the
 * same test turns it green. GitHub's side (pushes and who made them, force-pushes, base changes,
 * deletions, dismissals, renames) is recorded by the simulator as GitHub records it.
 */

const { t, at, start: startWith, comment, check, replies, calls } = approvalsHarness();

const start = (options: { config?: string; pull?: Parameters<TestApp["sim"]["addPull"]>[1] } = {}): Promise<SimPull> =>
  startWith({ config: options.config ?? "approvals:\n  users: [lead]\n", roles: { alice: "maintain", mallory: "maintain", dev: "write" }, pull: options.pull });
const synchronize = (pr: SimPull, before: string) => t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "synchronize", { before }));
const head = (pr: SimPull) => t.sim.pull(REPO, pr.number).head.sha;
const text = (pr: SimPull) => check(pr).output.text!;

describe("1. an approval is bound to the head as it became the PR's head", () => {
  test("a commit checked before, replaced, approved in its replacement and force-pushed back does not inherit the approval", async () => {
    const pr = await start();
    const bad = head(pr); // the app already ran its check on it at 10:00
    at(10);
    const good = t.sim.forcePush(REPO, pr.number, { sha: "b".repeat(40) });
    await synchronize(pr, bad);
    at(15);
    await comment(pr, "alice", "/approve-emergency reviewed the clean version");
    expect(check(pr).conclusion).toBe("success");

    // The attack: force-push the already-checked commit back. Its first check run (10:00) predates the approval.
    at(20);
    t.sim.forcePush(REPO, pr.number, { sha: bad, pusher: "dev" });
    await synchronize(pr, good);
    expect(head(pr)).toBe(bad);
    expect(check(pr).status).toBe("in_progress");
    expect(text(pr)).toContain(
      "**stale after push**: it was given before the head commit `" + bad.slice(0, 7) + "` became the PR's head (pushed at 2024-05-01 10:20:00 UTC by `dev`)",
    );
    // The table says on which commit it was given: the one GitHub's pushes say was the head at 10:15.
    expect(text(pr)).toMatch(new RegExp(`\\| \`alice\` \\| 2024-05-01 10:15:00 UTC \\| \`${good.slice(0, 7)}\` \\| comment \\|`));

    // Control: approving the commit now on the head counts.
    at(25);
    await comment(pr, "alice", "/approve-emergency looked at it again");
    expect(check(pr).conclusion).toBe("success");
  });

  test("a fast-forward back to an approved-before commit makes it new again", async () => {
    const pr = await start();
    const first = head(pr);
    at(6);
    const second = t.sim.push(REPO, pr.number).sha;
    await synchronize(pr, first);
    at(8);
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
    // Back to the first commit (force), then a fast-forward to the approved one: it became the head again at 10:12.
    at(10);
    t.sim.forcePush(REPO, pr.number, { sha: first });
    at(12);
    t.sim.push(REPO, pr.number, { sha: second });
    await synchronize(pr, first);
    expect(head(pr)).toBe(second);
    expect(check(pr).status).toBe("in_progress");
    expect(text(pr)).toContain("pushed at 2024-05-01 10:12:00 UTC");
    at(13);
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });

  test("a review comment written on the old commit approves nothing on the new one, though GitHub moves its `commit` along", async () => {
    const pr = await start();
    const old = head(pr);
    at(6);
    const next = t.sim.push(REPO, pr.number).sha;
    await synchronize(pr, old);
    at(8);
    // Written after the push, on a page still showing the old commit; GitHub keeps `original_commit_id` and moves `commit_id` to the head.
    const stale = t.sim.addReviewComment(REPO, pr.number, "alice", "/approve-emergency", { commitId: next, originalCommitId: old });
    await t.receive("pull_request_review_comment", pullRequestReviewCommentEvent(t.sim, REPO, stale, "created"));
    expect(check(pr).status).toBe("in_progress");
    expect(text(pr)).toContain(`the review comment was made on \`${old.slice(0, 7)}\`, not on the head commit \`${next.slice(0, 7)}\``);
    at(9);
    const fresh = t.sim.addReviewComment(REPO, pr.number, "alice", "/approve-emergency");
    await t.receive("pull_request_review_comment", pullRequestReviewCommentEvent(t.sim, REPO, fresh, "created"));
    expect(check(pr).conclusion).toBe("success");
  });

  test("a PR from a fork whose pushes the app cannot read never counts an approval, and the check says why", async () => {
    const pr = await start({ pull: { fromFork: "outsider/shop" } });
    await comment(pr, "alice", "/approve-emergency");
    expect(calls()).toContain("GET /repos/outsider/shop/activity");
    expect(check(pr).status).toBe("in_progress");
    expect(check(pr).output.text).toContain("its branch is in the fork `outsider/shop`, whose pushes the app cannot read");
    expect(replies()).toHaveLength(1);
    // Control: with `allow_author` the makers need not be known, and GitHub's force-push record dates the head.
    t.sim.setFile(REPO, ".github/hotfix.yml", "approvals:\n  users: [lead]\n  allow_author: true\n");
    at(10);
    const before = head(pr);
    t.sim.forcePush(REPO, pr.number, { sha: "c".repeat(40), pusher: "outsider" });
    await synchronize(pr, before);
    at(11);
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
    expect(text(pr)).toContain("pushed at 2024-05-01 10:10:00 UTC by `outsider`");
  });
});

describe("2. whoever pushed to the PR is a maker", () => {
  test("a maintainer who pushed a commit under the author's git name cannot approve it; someone who did not push can", async () => {
    const pr = await start();
    at(6);
    const before = head(pr);
    // Git metadata says `dev` wrote and committed it; GitHub's push record says `mallory` pushed it.
    t.sim.push(REPO, pr.number, { authorLogins: ["dev"], committerLogin: "dev", pusher: "mallory" });
    await synchronize(pr, before);
    at(8);
    await comment(pr, "mallory", "/approve-emergency trust me");
    expect(check(pr).status).toBe("in_progress");
    expect(replies()[0].body).toContain("`mallory` pushed commits to this pull request, and whoever pushed to it cannot approve it");
    expect(text(pr)).toContain("Pushed to this pull request (cannot approve): `mallory`, `dev`.");
    // One activity request per evaluation, filtered by the head branch.
    const activity = t.sim.requests.filter((request) => request.path === `/repos/${REPO}/activity`);
    expect(activity.map((request) => `${request.query.get("ref")} ${request.query.get("per_page")}`)).toEqual([`refs/heads/${pr.head.ref} 100`]);
    at(9);
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });

  test("a pusher from more than 100 pushes ago is still found: a second activity page only then", async () => {
    const pr = await start();
    at(6);
    const before = head(pr);
    t.sim.push(REPO, pr.number, { pusher: "mallory" });
    for (let index = 0; index < 120; index++) t.sim.push(REPO, pr.number);
    await synchronize(pr, before);
    at(30);
    await comment(pr, "mallory", "/approve-emergency");
    expect(replies()[0].body).toContain("`mallory` pushed commits to this pull request");
    const pages = t.sim.requests.filter((request) => request.path === `/repos/${REPO}/activity`).map((request) => request.query.get("after") === null);
    expect(pages).toEqual([true, false]);
    at(31);
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });

  test("an evaluation with no approval command reads no pushes", async () => {
    const pr = await start();
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(calls().filter((call) => call.endsWith("/activity"))).toEqual([]);
  });
});

describe("3. a base change withdraws earlier approvals", () => {
  test("retargeting an approved PR at another branch withdraws the approval; approving again counts", async () => {
    const pr = await start({ config: "approvals:\n  users: [lead]\n" });
    t.sim.repo(REPO).branches.set("release/1.0", "e".repeat(40));
    await comment(pr, "alice", "/approve-emergency for main");
    expect(check(pr).conclusion).toBe("success");
    at(10);
    t.sim.changeBase(REPO, pr.number, "release/1.0", "dev");
    const edited: any = pullRequestEvent(t.sim, REPO, pr.number, "edited");
    edited.changes = { base: { ref: { from: "main" }, sha: { from: "0".repeat(40) } } };
    await t.receive("pull_request", edited);
    expect(check(pr).status).toBe("in_progress");
    expect(text(pr)).toContain("**base changed**: the base branch was changed from `main` to `release/1.0` at 2024-05-01 10:10:00 UTC, after it was given");
    expect(text(pr)).toContain("The base branch was changed at 2024-05-01 10:10:00 UTC: approvals given before then do not count.");
    at(12);
    await comment(pr, "alice", "/approve-emergency for release/1.0");
    expect(check(pr).conclusion).toBe("success");
  });
});

describe("4. dismissals and reviews that request changes", () => {
  test("dismissing a review withdraws its diff comments too, and re-evaluates although its body holds no command", async () => {
    const pr = await start();
    const review = t.sim.addReview(REPO, pr.number, "alice", "Looks fine.", { state: "APPROVED" });
    const note = t.sim.addReviewComment(REPO, pr.number, "alice", "/approve-emergency", { reviewId: review.id });
    await t.receive("pull_request_review_comment", pullRequestReviewCommentEvent(t.sim, REPO, note, "created"));
    expect(check(pr).conclusion).toBe("success");
    at(10);
    t.sim.dismissReview(REPO, review.id, "erin", "Reviewed the wrong thing");
    await t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, review, "dismissed", { sender: "erin" }));
    expect(check(pr).status).toBe("in_progress");
    expect(text(pr)).toContain("**dismissed**: the review it belongs to was dismissed by `erin` at 2024-05-01 10:10:00 UTC, which withdraws its diff comments too");
    at(12);
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });

  test("a review that requests changes never approves, whatever its body says", async () => {
    const pr = await start();
    const changes = t.sim.addReview(REPO, pr.number, "alice", "/approve-emergency", { state: "CHANGES_REQUESTED" });
    await t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, changes, "submitted"));
    expect(check(pr).status).toBe("in_progress");
    expect(text(pr)).toContain("**changes requested**: the review requests changes, and a review that requests changes never approves");
    at(7);
    const approved = t.sim.addReview(REPO, pr.number, "alice", "/approve-emergency", { state: "APPROVED" });
    await t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, approved, "submitted"));
    expect(check(pr).conclusion).toBe("success");
  });
});

describe("5. a revocation sticks", () => {
  test("someone deleting the approver's /revoke-emergency does not bring the approval back", async () => {
    const pr = await start();
    await comment(pr, "alice", "/approve-emergency");
    at(6);
    const revoke = await comment(pr, "alice", "/revoke-emergency found a problem");
    expect(check(pr).status).toBe("in_progress");
    at(8);
    t.sim.deleteComment(REPO, revoke.id, "dev"); // the timeline: "dev deleted a comment from alice"
    await t.receive("issue_comment", { ...issueCommentEvent(t.sim, REPO, revoke, "deleted"), sender: { login: "dev", id: 1, type: "User" } });
    expect(check(pr).status).toBe("in_progress");
    expect(text(pr)).toContain("`alice` revoked their approval at 2024-05-01 10:06:00 UTC (the app recorded it; the revoking comment is gone)");
    at(10);
    await comment(pr, "alice", "/approve-emergency fixed");
    expect(check(pr).conclusion).toBe("success");
  });

  test("the approver deleting their own revocation (GitHub records nothing) does not bring it back either", async () => {
    const pr = await start();
    await comment(pr, "alice", "/approve-emergency");
    at(6);
    const revoke = await comment(pr, "alice", "/revoke-emergency");
    at(8);
    t.sim.deleteComment(REPO, revoke.id, "alice");
    expect(t.sim.repo(REPO).timeline).toEqual([]);
    await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, revoke, "deleted"));
    expect(check(pr).status).toBe("in_progress");
    expect(text(pr)).toContain("the revoking comment is gone, the revocation stands until they approve again");
    at(10);
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });

  test("a deleted comment of an approver withdraws what they approved before it (GitHub keeps no text of it)", async () => {
    const pr = await start();
    await comment(pr, "alice", "/approve-emergency");
    await comment(pr, "lead", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
    at(8);
    // A revocation the app never saw (it was down), deleted by someone else before the app came back.
    const unseen = t.sim.addComment(REPO, pr.number, "alice", "/revoke-emergency");
    t.sim.deleteComment(REPO, unseen.id, "dev");
    t.sim.setFile(REPO, ".github/hotfix.yml", "approvals:\n  users: [lead]\n  required: 2\n");
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(text(pr)).toContain("a comment by `alice` was deleted at 2024-05-01 10:08:00 UTC by `dev`");
    expect(text(pr)).toContain("1 of 2 required");
    at(10);
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });
});

describe("6. renames: old and new paths", () => {
  const renamed = (from: string, to: string) => ({ path: to, previousPath: from, changeType: "RENAMED", additions: 0, deletions: 0 });

  test("renaming a secret out of a forbidden folder is still forbidden; a rename elsewhere is not", async () => {
    const pr = await start({
      config: "approvals:\n  users: [lead]\nscope:\n  forbidden_paths: ['secrets/**']\n",
      pull: { files: [renamed("secrets/prod.key", "docs/prod.key")] },
    });
    expect(check(pr).conclusion).toBe("failure");
    expect(text(pr)).toContain("`docs/prod.key (moved from secrets/prod.key)`");
    const control = t.sim.addPull(REPO, { labels: ["hotfix"], files: [renamed("src/old.ts", "src/new.ts")] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, control.number, "labeled", { label: "hotfix" }));
    expect(t.sim.latestCheck(REPO, control.head.sha)!.output.text).toContain("✅ **No forbidden path touched**");
    // The old paths cost one REST page, only because a file was renamed and a path is guarded.
    expect(calls().filter((call) => call.endsWith("/files"))).toEqual([`GET /repos/${REPO}/pulls/${control.number}/files`]);
  });

  test("moving a migration out of db/migrations still needs the DBA", async () => {
    t.sim.addTeam("acme", "dba", { dba1: "active" });
    const pr = await start({
      config: "approvals:\n  users: [lead]\n  rules:\n    - paths: ['db/migrations/**']\n      teams: [dba]\n",
      pull: { files: [renamed("db/migrations/001_users.sql", "archive/001_users.sql")] },
    });
    await comment(pr, "lead", "/approve-emergency");
    expect(check(pr).status).toBe("in_progress");
    expect(text(pr)).toContain("`archive/001_users.sql (moved from db/migrations/001_users.sql)`");
    at(6);
    await comment(pr, "dba1", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });

  test("without guarded paths a rename costs no request", async () => {
    await start({ pull: { files: [renamed("a.ts", "b.ts")] } });
    t.sim.reset();
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, 1, "edited"));
    expect(calls().filter((call) => call.endsWith("/files"))).toEqual([]);
  });
});

describe("8. co-authors are read completely", () => {
  test("the eleventh co-author of a commit cannot approve it; someone else can", async () => {
    const coauthors = Array.from({ length: 10 }, (_, index) => `pair${index}`);
    const pr = await start({ pull: { commits: [{ sha: "d".repeat(40), authorLogins: ["dev", ...coauthors.slice(1), "alice"], committerLogin: "dev" }], headSha: "d".repeat(40) } });
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).status).toBe("in_progress");
    expect(replies()[0].body).toContain("`alice` committed to this pull request");
    at(6);
    await comment(pr, "lead", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });
});

describe("9. approvals expire with expire_after_hours", () => {
  test("an approval older than the limit stops counting at the next event, and the check says when it expired", async () => {
    const pr = await start({ config: "approvals:\n  users: [lead]\n  expire_after_hours: 1\n" });
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
    expect(text(pr)).toContain("expires at 2024-05-01 11:05:00 UTC");
    at(70);
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(check(pr).status).toBe("in_progress");
    expect(text(pr)).toContain("**expired**: it expired at 2024-05-01 11:05:00 UTC (`approvals.expire_after_hours` is 1): approve again");
    at(71);
    await comment(pr, "alice", "/approve-emergency still fine");
    expect(check(pr).conclusion).toBe("success");
  });
});
