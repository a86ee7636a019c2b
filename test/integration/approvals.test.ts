import { jest } from "@jest/globals";
import { APP, approvalsHarness, REPO, T0 } from "../support/approvals-harness.js";
import type { TestApp } from "../support/app.js";
import { issueCommentEvent, pullRequestEvent, pullRequestReviewCommentEvent, pullRequestReviewEvent } from "../support/events.js";
import { ghError, type SimComment, type SimPull } from "../support/simulator/simulator.js";

const CONFIG = "approvals:\n  users: [lead]\n  teams: [sre]\n";

const { t, at, start: startWith, comment, check, replies, calls } = approvalsHarness();

/** A repository with approvers of every kind, and a hotfix PR by `dev` the app has seen labelled. */
const start = (options: { config?: string; pull?: Parameters<TestApp["sim"]["addPull"]>[1] } = {}): Promise<SimPull> =>
  startWith({
    config: options.config ?? CONFIG,
    roles: { alice: "maintain", erin: "admin", bob: "write", lead: "read", dev: "write" },
    setup: () => {
      t.sim.addTeam("acme", "sre", { sre1: "active", sre2: "pending" });
      t.sim.addTeam("acme", "dba", { dba1: "active" });
      t.sim.addTeam("other-org", "sre", { mallory: "active" });
    },
    pull: options.pull,
  });

const approvalsRow = (pr: SimPull) => check(pr).output.text!.split("\n").find((line) => line.includes("**Emergency approvals**"))!;
const reactions = (subjectId: number) =>
  t.sim.repo(REPO).reactions.filter((reaction) => reaction.subjectId === subjectId).map((reaction) => `${reaction.user.login} ${reaction.content}`);
const appComments = () => t.sim.repo(REPO).issueComments.filter((item) => item.user.login === APP);
const statusComment = () => appComments().find((item) => item.body.includes("<!-- hotfix-governance:status -->"));
const lookups = () => calls().filter((call) => call.includes("/permission") || call.includes("/memberships/"));

/** The approval was refused: 👎 on it, one reply (quoting it) that says `why`, and the check still waits. */
const expectRefused = (pr: SimPull, command: SimComment, why: RegExp) => {
  expect(reactions(command.id)).toEqual([`${APP} -1`]);
  const answers = replies().filter((reply) => reply.body.includes(`hotfix-governance:reply:comment:${command.id}`));
  expect(answers).toHaveLength(1);
  expect(answers[0].body).toMatch(why);
  expect(answers[0].body).toContain(`> \`${command.body.split("\n").find((line) => line.trim().startsWith("/"))!.trim()}\``);
  expect(check(pr).status).toBe("in_progress");
  expect(approvalsRow(pr)).toContain("0 of 1 required");
};

describe("accepted approvals", () => {
  test("a maintainer's /approve-emergency passes the check, gets a 👍 and the check says who, when, on which commit and why", async () => {
    const pr = await start();
    const approval = await comment(pr, "alice", "Checked the rollback.\n/approve-emergency verified on staging");
    expect(check(pr).conclusion).toBe("success");
    expect(reactions(approval.id)).toEqual([`${APP} +1`]);
    expect(replies()).toHaveLength(0);
    expect(approvalsRow(pr)).toContain("Approved by `alice` (1 of 1 required)");
    expect(check(pr).output.text).toContain(
      `\`alice\` at 2024-05-01 10:05:00 UTC on \`${pr.head.sha.slice(0, 7)}\` (comment; has the \`maintain\` role): \`verified on staging\``,
    );
  });

  test("an admin, a listed user and an active member of a listed team may approve", async () => {
    const pr = await start({ config: "approvals:\n  required: 3\n  users: [lead]\n  teams: [sre]\n" });
    await comment(pr, "erin", "/approve-emergency");
    await comment(pr, "lead", "/approve-emergency");
    await comment(pr, "sre1", "/APPROVE-EMERGENCY on call");
    expect(check(pr).conclusion).toBe("success");
    const text = check(pr).output.text!;
    expect(text).toContain("(comment; has the `admin` role)");
    expect(text).toContain("`lead` at");
    expect(text).toContain("(comment; listed in the approvers)");
    expect(text).toContain("(comment; member of `@acme/sre`)");
  });

  test("a listed user needs no look-up at all; a team member only the look-ups that decide", async () => {
    const pr = await start();
    await comment(pr, "lead", "/approve-emergency");
    expect(lookups()).toEqual([]);
    t.sim.reset();
    await comment(pr, "sre1", "/approve-emergency");
    expect(lookups()).toEqual([`GET /repos/${REPO}/collaborators/sre1/permission`, "GET /orgs/acme/teams/sre/memberships/sre1"]);
  });

  test("an approval in a submitted review counts, and the review gets its 👍 through GraphQL (REST has no review reactions)", async () => {
    const pr = await start();
    const review = t.sim.addReview(REPO, pr.number, "alice", "/approve-emergency", { state: "APPROVED" });
    await t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, review, "submitted"));
    expect(check(pr).conclusion).toBe("success");
    expect(t.sim.repo(REPO).reactions.filter((reaction) => reaction.subject === "review" && reaction.subjectId === review.id).map((r) => r.content)).toEqual(["+1"]);
    expect(t.sim.requests.filter((request) => request.path === "/graphql" && String(request.body.query).includes("addReaction"))).toHaveLength(1);
  });

  test("an approval in a review comment on the diff counts and gets its 👍", async () => {
    const pr = await start();
    const note = t.sim.addReviewComment(REPO, pr.number, "alice", "This line is the fix.\n/approve-emergency");
    await t.receive("pull_request_review_comment", pullRequestReviewCommentEvent(t.sim, REPO, note, "created"));
    expect(check(pr).conclusion).toBe("success");
    expect(t.sim.repo(REPO).reactions.filter((reaction) => reaction.subject === "review_comment").map((r) => `${r.subjectId} ${r.content}`)).toEqual([
      `${note.id} +1`,
    ]);
    expect(check(pr).output.text).toContain("(review comment; has the `maintain` role)");
  });

  test("approvals are counted once the people approve, whatever the order of events", async () => {
    const pr = await start();
    // Written while the app was away: found and answered by the next evaluation, whatever triggered it.
    const earlier = t.sim.addComment(REPO, pr.number, "alice", "/approve-emergency");
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(check(pr).conclusion).toBe("success");
    expect(reactions(earlier.id)).toEqual([`${APP} +1`]);
  });
});

describe("security: who may never approve", () => {
  test("self-approval by the PR's author is refused", async () => {
    const pr = await start();
    const own = await comment(pr, "dev", "/approve-emergency it's fine");
    expectRefused(pr, own, /author of a pull request cannot approve it/);
    expect(lookups()).toEqual([]);
  });

  test("a co-committer of the PR is refused, even as a maintainer", async () => {
    const pr = await start({
      pull: { commits: [{ sha: "c".repeat(40), authorLogins: ["dev", "alice"], committerLogin: "dev" }], headSha: "c".repeat(40) },
    });
    const own = await comment(pr, "alice", "/approve-emergency");
    expectRefused(pr, own, /`alice` committed to this pull request/);
  });

  test("allow_author lets the author and committers approve", async () => {
    const pr = await start({ config: "approvals:\n  allow_author: true\n  users: [dev]\n" });
    await comment(pr, "dev", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });

  test("a bot commenting the command is refused without any look-up, even when listed", async () => {
    const pr = await start({ config: "approvals:\n  users: [deploy-bot]\n" });
    t.sim.setPermission(REPO, "deploy-bot[bot]", "admin");
    const bot = await comment(pr, "deploy-bot[bot]", "/approve-emergency");
    expect(reactions(bot.id)).toEqual([`${APP} -1`]);
    expect(replies()[0].body).toMatch(/Bot accounts never approve/);
    expect(lookups()).toEqual([]);
    expect(check(pr).status).toBe("in_progress");
  });

  test("a user with `write` is refused when min_permission is `maintain`, and the reply says who can approve", async () => {
    const pr = await start();
    const approval = await comment(pr, "bob", "/approve-emergency");
    expectRefused(pr, approval, /`bob` is not allowed to approve \(has the `write` role, below `maintain`\)/);
    expect(replies()[0].body).toContain("Only `lead`, members of `@acme/sre` or anyone with the `maintain` role or higher can approve");
    expect(replies()[0].body).toContain("@bob");
  });

  test("a member of a team that is not listed is refused (and that team is never asked about)", async () => {
    const pr = await start();
    const approval = await comment(pr, "dba1", "/approve-emergency");
    expectRefused(pr, approval, /`dba1` is not allowed to approve/);
    expect(lookups().some((call) => call.includes("/teams/dba/"))).toBe(false);
  });

  test("a pending (invited, not yet active) team membership is refused", async () => {
    const pr = await start();
    const approval = await comment(pr, "sre2", "/approve-emergency");
    expectRefused(pr, approval, /the invitation to `@acme\/sre` is still pending/);
  });

  test("a team of another organisation (`other-org/sre`) is never trusted nor asked about", async () => {
    const pr = await start({ config: "approvals:\n  teams: [other-org/sre]\n  min_permission: null\n" });
    const approval = await comment(pr, "mallory", "/approve-emergency");
    expect(reactions(approval.id)).toEqual([`${APP} -1`]);
    expect(lookups()).toEqual([]);
    expect(check(pr).conclusion).toBe("failure");
    expect(approvalsRow(pr)).toContain("No one can approve");
    expect(check(pr).output.text).toContain("Ignored (teams of another organisation are never trusted): `other-org/sre`");
  });

  test("`acme/sre` (the repository's own organisation) is trusted", async () => {
    const pr = await start({ config: "approvals:\n  teams: [acme/sre]\n  min_permission: null\n" });
    await comment(pr, "sre1", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });
});

describe("security: what is not an approval", () => {
  test("an approval quoted by someone else (`> /approve-emergency`) is not theirs: no evaluation, no feedback", async () => {
    const pr = await start();
    const quote = await comment(pr, "alice", "> /approve-emergency\n\nWho wrote this?");
    expect(t.sim.requests.filter((request) => request.path === "/graphql")).toHaveLength(0);
    expect(reactions(quote.id)).toEqual([]);
    expect(check(pr).status).toBe("in_progress");
    // ...and it stays no approval when another event evaluates the PR.
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(check(pr).status).toBe("in_progress");
    expect(reactions(quote.id)).toEqual([]);
  });

  test("an approval inside a code block is not an approval", async () => {
    const pr = await start();
    const snippet = t.sim.addComment(REPO, pr.number, "alice", "Type this:\n\n```\n/approve-emergency\n```\n\n    /approve-emergency");
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(check(pr).status).toBe("in_progress");
    expect(reactions(snippet.id)).toEqual([]);
  });

  test("an edited comment that now contains the command never grants: 👎 and a reply", async () => {
    const pr = await start();
    const note = t.sim.addComment(REPO, pr.number, "alice", "Looking at it now");
    await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, note, "created"));
    at(6);
    note.body = "Looking at it now\n/approve-emergency";
    note.lastEditedAt = t.sim.now();
    const edited: any = issueCommentEvent(t.sim, REPO, note, "edited");
    edited.changes = { body: { from: "Looking at it now" } };
    await t.receive("issue_comment", edited);
    expectRefused(pr, note, /edited after it was posted/);
  });

  test("an edited review body or review comment never grants either", async () => {
    const pr = await start();
    const review = t.sim.addReview(REPO, pr.number, "alice", "Reviewed.", { state: "COMMENTED" });
    await t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, review, "submitted"));
    expect(t.sim.requests.filter((request) => request.path === "/graphql")).toHaveLength(0);
    at(6);
    review.body = "Reviewed.\n\n/approve-emergency";
    review.lastEditedAt = t.sim.now();
    await t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, review, "edited", { previousBody: "Reviewed." }));
    const note = t.sim.addReviewComment(REPO, pr.number, "alice", "nit");
    at(7);
    note.body = "/approve-emergency";
    note.lastEditedAt = t.sim.now();
    await t.receive("pull_request_review_comment", pullRequestReviewCommentEvent(t.sim, REPO, note, "edited", { previousBody: "nit" }));
    expect(check(pr).status).toBe("in_progress");
    expect(check(pr).output.text).toMatch(/\| `alice` \| 2024-05-01 10:05:00 UTC \| `\w{7}` \| review \| `\/approve-emergency` \| \*\*edited\*\*: it was edited after it was posted/);
    expect(t.sim.repo(REPO).reactions.map((reaction) => `${reaction.subject} ${reaction.content}`).sort()).toEqual(["review -1", "review_comment -1"]);
    expect(replies()).toHaveLength(2);
  });

  test("an approval edited afterwards stops counting", async () => {
    const pr = await start();
    const approval = await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
    at(7);
    approval.body = "/approve-emergency (typo fixed)";
    approval.lastEditedAt = t.sim.now();
    const edited: any = issueCommentEvent(t.sim, REPO, approval, "edited");
    edited.changes = { body: { from: "/approve-emergency" } };
    await t.receive("issue_comment", edited);
    expect(check(pr).status).toBe("in_progress");
    expect(check(pr).output.text).toContain("edited after it was posted");
  });

  test("the app's own reactions do not make an approval look edited", async () => {
    const pr = await start();
    const approval = await comment(pr, "alice", "/approve-emergency");
    expect(reactions(approval.id)).toEqual([`${APP} +1`]);
    expect(approval.lastEditedAt).toBeNull();
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(check(pr).conclusion).toBe("success");
  });

  test("an approval that predates a force-push does not count on the new head; neither does a review of the old commit", async () => {
    const pr = await start();
    const approval = await comment(pr, "alice", "/approve-emergency");
    const review = t.sim.addReview(REPO, pr.number, "lead", "/approve-emergency", { state: "APPROVED" });
    await t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, review, "submitted"));
    expect(check(pr).conclusion).toBe("success");
    at(10);
    const old = pr.head.sha;
    const pull = t.sim.pull(REPO, pr.number);
    pull.commits = [];
    t.sim.push(REPO, pr.number, { sha: "f".repeat(40) });
    t.sim.reset();
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "synchronize", { before: old }));
    expect(check(pr).status).toBe("in_progress");
    expect(check(pr).output.text).toContain("**stale after push**: it was given before the head commit `fffffff` became the PR's head (pushed at 2024-05-01 10:10:00 UTC by `dev`)");
    expect(check(pr).output.text).toContain(`the review was made on \`${old.slice(0, 7)}\`, not on the head commit \`fffffff\``);
    // Already answered: a push adds no reaction and no reply.
    expect(reactions(approval.id)).toEqual([`${APP} +1`]);
    expect(replies()).toHaveLength(0);
    expect(t.sim.writes().map((write) => `${write.method} ${write.path}`)).toEqual([
      `POST /repos/${REPO}/check-runs`,
      `PATCH /repos/${REPO}/issues/comments/${statusComment()!.id}`,
    ]);
    // Approving again on the new head counts.
    at(12);
    await comment(pr, "alice", "/approve-emergency again");
    expect(check(pr).conclusion).toBe("success");
  });

  test("with no record of when the head commit was pushed the app assumes now: it fails closed", async () => {
    t.sim.addRepo(REPO, { config: "report_all_pull_requests: false\n" });
    t.sim.setPermission(REPO, "alice", "maintain");
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.repo(REPO).activity.length = 0; // GitHub's activity does not list the push (yet)
    const approval = t.sim.addComment(REPO, pr.number, "alice", "/approve-emergency");
    jest.setSystemTime(new Date(T0 + 60_000)); // the app sees it a minute later, with no check run of its own yet
    await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, approval, "created"));
    expect(check(pr).status).toBe("in_progress");
    expect(reactions(approval.id)).toEqual([`${APP} -1`]);
    expect(replies()[0].body).toContain(`GitHub's activity does not list a push of \`${pr.head.sha.slice(0, 7)}\` to \`${pr.head.ref}\` yet, so the app assumes it was pushed just now`);
  });

  test("dismiss_on_push: false keeps approvals across pushes", async () => {
    const pr = await start({ config: "approvals:\n  dismiss_on_push: false\n" });
    await comment(pr, "alice", "/approve-emergency");
    at(10);
    t.sim.push(REPO, pr.number);
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "synchronize"));
    expect(check(pr).conclusion).toBe("success");
  });
});

describe("counting", () => {
  test("two approvals by the same person count once", async () => {
    const pr = await start({ config: "approvals:\n  required: 2\n" });
    await comment(pr, "alice", "/approve-emergency");
    await comment(pr, "alice", "/approve-emergency really");
    const review = t.sim.addReview(REPO, pr.number, "alice", "/approve-emergency", { state: "APPROVED" });
    await t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, review, "submitted"));
    expect(check(pr).status).toBe("in_progress");
    expect(approvalsRow(pr)).toContain("1 of 2 required: needs 1 more approval");
  });

  test("`required: 2` with one approver waits, and passes with the second", async () => {
    const pr = await start({ config: "approvals:\n  required: 2\n  users: [lead]\n" });
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).status).toBe("in_progress");
    expect(statusComment()!.body).toContain("1 of 2 required");
    await comment(pr, "lead", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
    expect(approvalsRow(pr)).toContain("Approved by `alice`, `lead` (2 of 2 required)");
  });

  test("/revoke-emergency withdraws the same person's approval; approving again restores it", async () => {
    const pr = await start();
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
    at(6);
    const revoke = await comment(pr, "alice", "/revoke-emergency found a problem");
    expect(check(pr).status).toBe("in_progress");
    expect(reactions(revoke.id)).toEqual([`${APP} +1`]);
    expect(check(pr).output.text).toContain("**revoked**: `alice` revoked their approval at 2024-05-01 10:06:00 UTC");
    at(7);
    await comment(pr, "alice", "/approve-emergency fixed now");
    expect(check(pr).conclusion).toBe("success");
  });

  test("someone else's revocation withdraws nothing", async () => {
    const pr = await start();
    await comment(pr, "alice", "/approve-emergency");
    at(6);
    await comment(pr, "bob", "/revoke-emergency");
    expect(check(pr).status).toBe("completed");
    expect(check(pr).conclusion).toBe("success");
  });

  test("a dismissed review's approval is gone", async () => {
    const pr = await start();
    const review = t.sim.addReview(REPO, pr.number, "alice", "LGTM\n\n/approve-emergency", { state: "APPROVED" });
    await t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, review, "submitted"));
    expect(check(pr).conclusion).toBe("success");
    at(8);
    review.state = "DISMISSED";
    await t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, review, "dismissed", { sender: "erin" }));
    expect(check(pr).status).toBe("in_progress");
    expect(check(pr).output.text).toContain("the review was dismissed");
  });

  test("a deleted comment's approval is gone", async () => {
    const pr = await start();
    const approval = await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
    const event = issueCommentEvent(t.sim, REPO, approval, "deleted");
    const comments = t.sim.repo(REPO).issueComments;
    comments.splice(comments.indexOf(approval), 1);
    await t.receive("issue_comment", event);
    expect(check(pr).status).toBe("in_progress");
    expect(approvalsRow(pr)).toContain("0 of 1 required");
  });

  test("a deleted review comment's approval is gone", async () => {
    const pr = await start();
    const note = t.sim.addReviewComment(REPO, pr.number, "alice", "/approve-emergency");
    await t.receive("pull_request_review_comment", pullRequestReviewCommentEvent(t.sim, REPO, note, "created"));
    expect(check(pr).conclusion).toBe("success");
    const event = pullRequestReviewCommentEvent(t.sim, REPO, note, "deleted");
    const notes = t.sim.repo(REPO).reviewComments;
    notes.splice(notes.indexOf(note), 1);
    await t.receive("pull_request_review_comment", event);
    expect(check(pr).status).toBe("in_progress");
  });

  test("path rules: each rule is its own row, and its approvers count for it", async () => {
    const config = "approvals:\n  rules:\n    - paths: [\"db/migrations/**\"]\n      teams: [dba]\n    - paths: [\"docs/**\"]\n      users: [lead]\n";
    const pr = await start({ config, pull: { files: [{ path: "db/migrations/001.sql", additions: 3, deletions: 0 }] } });
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).status).toBe("in_progress");
    const text = check(pr).output.text!;
    expect(text).toContain("✅ **Emergency approvals**: Approved by `alice`");
    expect(text).toContain("⏳ **Approvals for `db/migrations/**`**: 0 of 1 required: needs 1 more approval from members of `@acme/dba`");
    expect(text).toContain("✅ **Approvals for `docs/**`**: No changed file matches these paths.");
    // A DBA approves the rule only: accepted (👍) though not a global approver.
    const dba = await comment(pr, "dba1", "/approve-emergency schema change reviewed");
    expect(reactions(dba.id)).toEqual([`${APP} +1`]);
    expect(check(pr).conclusion).toBe("success");
    expect(check(pr).output.text).toContain("✅ **Approvals for `db/migrations/**`**: Approved by `dba1` (1 of 1 required).");
    expect(check(pr).output.text).toContain("✅ **Emergency approvals**: Approved by `alice` (1 of 1 required).");
  });
});

describe("feedback", () => {
  test("a redelivered webhook adds no second reply and no second reaction", async () => {
    const pr = await start();
    const approval = t.sim.addComment(REPO, pr.number, "bob", "/approve-emergency");
    const event = issueCommentEvent(t.sim, REPO, approval, "created");
    await t.receive("issue_comment", event);
    expect(replies()).toHaveLength(1);
    t.sim.reset();
    await t.receive("issue_comment", event);
    await t.receive("issue_comment", event);
    expect(replies()).toHaveLength(1);
    expect(reactions(approval.id)).toEqual([`${APP} -1`]);
    expect(t.sim.writes()).toEqual([]);
  });

  test("a reply lost to a GitHub error is made up for by the next evaluation, without a second reaction", async () => {
    const pr = await start();
    t.sim.fail("POST", new RegExp(`/repos/${REPO}/issues/${pr.number}/comments$`), ghError(502, "Bad Gateway"));
    const approval = await comment(pr, "bob", "/approve-emergency");
    expect(reactions(approval.id)).toEqual([`${APP} -1`]);
    expect(replies()).toHaveLength(0);
    expect(check(pr).output.text).toContain("`bob` is not allowed to approve");
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(replies()).toHaveLength(1);
    expect(reactions(approval.id)).toEqual([`${APP} -1`]);
  });

  test("feedback failures never block the check", async () => {
    const pr = await start();
    t.sim.fail("POST", /\/reactions$/, ghError(500, "Server Error"), 5);
    t.sim.fail("PATCH", /\/issues\/comments\/\d+$/, ghError(500, "Server Error"), 5);
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
  });

  test("each decision is counted in the approvals metric once", async () => {
    const pr = await start();
    const before = async (outcome: string, reason: string) =>
      (await t.runtime.metrics.approvals.get()).values.find((value) => value.labels.outcome === outcome && value.labels.reason === reason)?.value ?? 0;
    const accepted = await before("accepted", "approve");
    const refused = await before("refused", "not_authorized");
    const approval = await comment(pr, "alice", "/approve-emergency");
    await comment(pr, "bob", "/approve-emergency");
    await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, approval, "created"));
    expect(await before("accepted", "approve")).toBe(accepted + 1);
    expect(await before("refused", "not_authorized")).toBe(refused + 1);
  });

  test("commands on closed PRs and on plain issues are not evaluated", async () => {
    const pr = await start();
    t.sim.pull(REPO, pr.number).state = "closed";
    await comment(pr, "alice", "/approve-emergency");
    expect(t.sim.requests.filter((request) => request.path === "/graphql")).toHaveLength(0);
  });
});

describe("the status comment", () => {
  test("is created once when the PR becomes a hotfix, says what is missing and who can approve, and is edited in place", async () => {
    const pr = await start();
    const status = statusComment()!;
    expect(appComments()).toHaveLength(1);
    expect(status.body).toContain("**Still missing:**");
    expect(status.body).toContain("⏳ **Emergency approvals**: 0 of 1 required");
    expect(status.body).toContain("**Who can approve:** `lead`, members of `@acme/sre` or anyone with the `maintain` role or higher.");
    // A redelivered labeled event writes nothing.
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "labeled", { label: "hotfix" }));
    expect(t.sim.writes()).toEqual([]);
    await comment(pr, "alice", "/approve-emergency");
    expect(appComments()).toHaveLength(1);
    expect(statusComment()!.body).toContain("✅ **Every requirement holds.**");
    expect(statusComment()!.body).toContain("**Approved by:** `alice`");
    expect(statusComment()!.id).toBe(status.id);
  });

  test("says the rules no longer apply once the label is removed, and comes back when it is added again", async () => {
    const pr = await start();
    const pull = t.sim.pull(REPO, pr.number);
    pull.labels = [];
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "unlabeled", { label: "hotfix" }));
    expect(statusComment()!.body).toContain("no longer carries the `hotfix` label");
    t.sim.reset();
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "unlabeled", { label: "hotfix" }));
    expect(t.sim.writes()).toEqual([]);
    pull.labels = ["hotfix"];
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "labeled", { label: "hotfix" }));
    expect(statusComment()!.body).toContain("**Still missing:**");
    expect(appComments()).toHaveLength(1);
    expect(calls()).toContain(`POST /repos/${REPO}/pulls/${pr.number}/requested_reviewers`);
  });
});

describe("review requests", () => {
  test("becoming a hotfix asks the approver users and teams, never the author; a team GitHub refuses is tolerated", async () => {
    t.sim.addRepo(REPO, { config: "approvals:\n  users: [lead, dev, alice]\n  teams: [sre, ghosts]\n" });
    t.sim.setPermission(REPO, "lead", "read");
    t.sim.setPermission(REPO, "alice", "maintain");
    t.sim.addTeam("acme", "sre", { sre1: "active" });
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "labeled", { label: "hotfix" }));
    const pull = t.sim.pull(REPO, pr.number);
    expect(pull.requestedReviewers).toEqual(["lead", "alice"]);
    expect(pull.requestedTeams).toEqual(["sre"]);
    const asked = t.sim.requests.filter((request) => request.path.endsWith("/requested_reviewers")).map((request) => request.body);
    expect(asked.every((body) => !(body.reviewers ?? []).includes("dev"))).toBe(true);
    expect(asked[0]).toEqual({ reviewers: ["lead", "alice"], team_reviewers: ["sre", "ghosts"] });
    expect(check(pr).status).toBe("in_progress");
    // Not asked twice.
    t.sim.reset();
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "labeled", { label: "hotfix" }));
    expect(calls().filter((call) => call.endsWith("/requested_reviewers"))).toEqual([]);
  });

  test("request_reviews: false asks no one", async () => {
    t.sim.addRepo(REPO, { config: "request_reviews: false\napprovals:\n  users: [lead]\n" });
    t.sim.setPermission(REPO, "lead", "read");
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "labeled", { label: "hotfix" }));
    expect(calls().filter((call) => call.endsWith("/requested_reviewers"))).toEqual([]);
    expect(statusComment()).toBeDefined();
  });
});

describe("cost", () => {
  test("an approval event: one facts query, the config, the cached look-ups and three writes (reaction, check, status comment)", async () => {
    const pr = await start();
    await comment(pr, "alice", "/approve-emergency");
    expect(calls().filter((call) => call === "POST /graphql")).toHaveLength(1);
    // The config was read when the PR opened and is cached per repository since.
    expect(calls().filter((call) => call.includes("/contents/"))).toHaveLength(0);
    expect(lookups()).toEqual([`GET /repos/${REPO}/collaborators/alice/permission`]);
    expect(t.sim.writes().map((write) => `${write.method} ${write.path.replace(/\d+/g, "N")}`)).toEqual([
      `PATCH /repos/${REPO}/check-runs/N`,
      `POST /repos/${REPO}/issues/comments/N/reactions`,
      `PATCH /repos/${REPO}/issues/comments/N`,
    ]);
    expect(t.sim.unhandled).toEqual([]);
    // The same person again within the cache's lifetime: no look-up; nothing changed, so only the 👍.
    t.sim.reset();
    at(6);
    await comment(pr, "alice", "/approve-emergency still fine");
    expect(lookups()).toEqual([]);
    expect(t.sim.writes().map((write) => `${write.method} ${write.path.replace(/\d+/g, "N")}`)).toEqual([`POST /repos/${REPO}/issues/comments/N/reactions`]);
  });

  test("people who did not issue a command are never looked up", async () => {
    const pr = await start();
    for (const login of ["alice", "bob", "erin"]) t.sim.addComment(REPO, pr.number, login, "Looks scary, but fine.");
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "edited"));
    expect(lookups()).toEqual([]);
  });

  test("a look-up failing on a comment event (no head commit in the payload) still fails the check closed", async () => {
    const pr = await start();
    await comment(pr, "alice", "/approve-emergency");
    expect(check(pr).conclusion).toBe("success");
    t.sim.fail("GET", /\/collaborators\/erin\/permission$/, ghError(502, "Bad Gateway"));
    const approval = t.sim.addComment(REPO, pr.number, "erin", "/approve-emergency");
    await expect(t.receive("issue_comment", issueCommentEvent(t.sim, REPO, approval, "created"))).rejects.toThrow();
    expect(check(pr).conclusion).toBe("failure");
    expect(check(pr).output.summary).toContain("GitHub answered 502");
  });

  test("a look-up GitHub cannot answer fails the check closed", async () => {
    const pr = await start();
    t.sim.fail("GET", /\/collaborators\/alice\/permission$/, ghError(500, "Server Error"));
    const review = t.sim.addReview(REPO, pr.number, "alice", "/approve-emergency", { state: "APPROVED" });
    await expect(t.receive("pull_request_review", pullRequestReviewEvent(t.sim, REPO, review, "submitted"))).rejects.toThrow();
    expect(check(pr).conclusion).toBe("failure");
    expect(check(pr).output.title).toBe("Hotfix governance could not be evaluated");
  });
});
