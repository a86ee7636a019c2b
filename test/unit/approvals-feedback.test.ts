import nock from "nock";
import { HotfixConfig } from "../../src/config/schema.js";
import { evaluateApprovals } from "../../src/governance/approvals/evaluate-approvals.js";
import {
  findStatusComment,
  inactiveStatusBody,
  INACTIVE_MARKER,
  planFeedback,
  planStatusComment,
  replyMarker,
  reviewRequestsFor,
  STATUS_MARKER,
  statusCommentBody,
} from "../../src/governance/approvals/feedback.js";
import type { CommandSource, PullRequestFacts } from "../../src/governance/facts.js";
import { pass, pending, type RuleResult } from "../../src/governance/rule-result.js";
import { pullRequestFacts } from "../support/facts.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

const HEAD = "a".repeat(40);
const config = (extra: Record<string, unknown> = {}) => HotfixConfig.parse(extra);

const base: PullRequestFacts = pullRequestFacts({ commits: [{ sha: HEAD, authorLogins: ["dev", "carol"], committerLogin: "dev" }] });

let nextId = 500;
const source = (login: string, body: string, extra: Partial<CommandSource> = {}): CommandSource => ({
  kind: "comment",
  id: nextId++,
  nodeId: `IC_${nextId}`,
  author: { login, isBot: login.endsWith("[bot]") },
  body,
  createdAt: "2024-05-01T10:05:00Z",
  lastEditedAt: null,
  commitSha: null,
  viewerDidAuthor: false,
  viewerReactions: [],
  ...extra,
});
const own = (body: string) => source("hotfix-governance", body, { viewerDidAuthor: true, author: { login: "hotfix-governance", isBot: true } });

const plan = (comments: CommandSource[], reviews: CommandSource[] = []) => {
  const facts = { ...base, comments, reviews };
  const access = new Map([["alice", { role: { name: "maintain", base: "maintain" as const }, teams: {} }]]);
  return planFeedback(evaluateApprovals({ facts, config: config(), access, now: new Date("2024-05-01T12:00:00Z") }), facts);
};

describe("planFeedback", () => {
  test("an unanswered accepted command gets 👍; a refused one 👎 and one reply", () => {
    const accepted = source("alice", "/approve-emergency");
    const refused = source("bob", "/approve-emergency please");
    const result = plan([accepted, refused]);
    expect(result.reactions.map((reaction) => [reaction.source.id, reaction.content])).toEqual([
      [accepted.id, "+1"],
      [refused.id, "-1"],
    ]);
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0].body).toContain(replyMarker(refused));
    expect(result.replies[0].body).toContain("> `/approve-emergency please`");
    expect(result.replies[0].body).toContain(`@bob, this [command](https://github.com/acme/shop/pull/7#issuecomment-${refused.id}) was not accepted: \`bob\` is not allowed`);
    expect(result.fresh.map((decision) => decision.login)).toEqual(["alice", "bob"]);
  });

  test("answered commands (the app's reaction is on them) get nothing more", () => {
    const accepted = source("alice", "/approve-emergency", { viewerReactions: ["THUMBS_UP"] });
    const refused = source("bob", "/approve-emergency", { viewerReactions: ["THUMBS_DOWN"] });
    const reply = own(`${replyMarker(refused)}\n> /approve-emergency\n\nno`);
    expect(plan([accepted, refused, reply])).toEqual({ reactions: [], replies: [], fresh: [] });
  });

  test("a 👎 whose reply was lost gets its reply, and no second reaction", () => {
    const refused = source("bob", "/approve-emergency", { viewerReactions: ["THUMBS_DOWN"] });
    const result = plan([refused]);
    expect(result.reactions).toEqual([]);
    expect(result.replies.map((reply) => reply.source.id)).toEqual([refused.id]);
  });

  test("a command accepted then (edited) refused is not answered again", () => {
    const approval = source("alice", "/approve-emergency", { viewerReactions: ["THUMBS_UP"], lastEditedAt: "2024-05-01T10:30:00Z" });
    expect(plan([approval])).toEqual({ reactions: [], replies: [], fresh: [] });
  });

  test("one reaction per comment, for its last command", () => {
    const both = source("alice", "/approve-emergency\n\n/revoke-emergency");
    const result = plan([both]);
    expect(result.reactions.map((reaction) => reaction.content)).toEqual(["+1"]);
    expect(result.fresh.map((decision) => decision.command.kind)).toEqual(["approve", "revoke"]);
  });

  test("reviews are answered too (through their node id); dismissed reviews are not", () => {
    const review = source("alice", "/approve-emergency", { kind: "review", commitSha: HEAD, state: "APPROVED", nodeId: "PRR_1" });
    const dismissed = source("bob", "/approve-emergency", { kind: "review", commitSha: HEAD, state: "DISMISSED" });
    const result = plan([], [review, dismissed]);
    expect(result.reactions.map((reaction) => [reaction.source.nodeId, reaction.content])).toEqual([["PRR_1", "+1"]]);
    expect(result.replies).toEqual([]);
  });

  test("mentions in a refused command are quoted as code, so the app pings no one", () => {
    const result = plan([source("bob", "/approve-emergency cc @acme/everyone")]);
    expect(result.replies[0].body).toContain("> `/approve-emergency cc @acme/everyone`");
  });

  test("a bot is not @-mentioned in its reply", () => {
    const result = plan([source("ci[bot]", "/approve-emergency")]);
    expect(result.replies[0].body).toContain("`ci[bot]`, this [command]");
    expect(result.replies[0].body).not.toContain("@ci");
  });

  test("a marker in someone else's comment does not count as the app's reply", () => {
    const refused = source("bob", "/approve-emergency", { viewerReactions: ["THUMBS_DOWN"] });
    const forged = source("mallory", replyMarker(refused));
    expect(plan([refused, forged]).replies).toHaveLength(1);
  });
});

describe("the status comment", () => {
  const evaluation = () =>
    evaluateApprovals({
      facts: { ...base, comments: [source("alice", "/approve-emergency")] },
      config: config({ approvals: { required: 2, users: ["lead"], rules: [{ paths: ["src/**"], teams: ["dba"] }] } }),
      access: new Map([["alice", { role: { name: "maintain", base: "maintain" as const }, teams: {} }]]),
      now: new Date(),
    });

  test("lists what is still missing and who can approve", () => {
    const results: RuleResult[] = [pass("base-branch", "Base branch allowed", "ok"), pending("approvals", "Emergency approvals", "1 of 2 required")];
    const body = statusCommentBody({ config: config({ approvals: { required: 2, users: ["lead"], rules: [{ paths: ["src/**"], teams: ["dba"] }] } }), results, approvals: evaluation() });
    expect(body.startsWith(STATUS_MARKER)).toBe(true);
    expect(body).toContain("- ⏳ **Emergency approvals**: 1 of 2 required");
    expect(body).not.toContain("Base branch allowed");
    expect(body).toContain(`**Approved by:** \`alice\` (on \`${HEAD.slice(0, 7)}\`)`);
    expect(body).toContain("**Who can approve:** `lead` or anyone with the `maintain` role or higher. The author, the committers and whoever pushed to this pull request cannot approve it.");
    expect(body).toContain("- for `src/**`: members of `@acme/dba` (1 needed)");
    expect(body).toContain("a new push dismisses earlier approvals");
  });

  test("says so when everything holds", () => {
    const body = statusCommentBody({ config: config(), results: [pass("approvals", "Emergency approvals", "ok")], approvals: evaluation() });
    expect(body).toContain("✅ **Every requirement holds.**");
  });

  test("find-or-create: created once, updated only when the text changes, never from someone else's marker", () => {
    const body = `${STATUS_MARKER}\nmissing: approvals`;
    expect(planStatusComment({ comments: [] }, body)).toEqual({ action: "create", body, becameHotfix: true });
    expect(planStatusComment({ comments: [source("mallory", STATUS_MARKER)] }, body)).toMatchObject({ action: "create" });
    const mine = own(`${body}\r\n`);
    expect(planStatusComment({ comments: [mine] }, body)).toEqual({ action: "none", becameHotfix: false });
    expect(planStatusComment({ comments: [mine] }, `${STATUS_MARKER}\nall good`)).toEqual({
      action: "update",
      commentId: mine.id,
      body: `${STATUS_MARKER}\nall good`,
      becameHotfix: false,
    });
  });

  test("the label's return (after an inactive status) counts as becoming a hotfix again; retiring never creates", () => {
    const inactive = own(inactiveStatusBody(config()));
    expect(inactive.body).toContain(INACTIVE_MARKER);
    expect(planStatusComment({ comments: [inactive] }, `${STATUS_MARKER}\nmissing`)).toMatchObject({ action: "update", becameHotfix: true });
    expect(planStatusComment({ comments: [] }, inactiveStatusBody(config()))).toEqual({ action: "none", becameHotfix: false });
    expect(findStatusComment({ comments: [source("x", "hi"), inactive] })).toBe(inactive);
  });
});

describe("reviewRequestsFor", () => {
  test("approver users and teams of the requirements that apply, never the author, a committer or a bot", () => {
    const settings = config({
      approvals: {
        users: ["lead", "dev", "carol", "ci[bot]", "LEAD"],
        teams: ["sre", "other/x"],
        rules: [
          { paths: ["src/**"], users: ["dba-lead"], teams: ["dba"] },
          { paths: ["docs/**"], users: ["writer"] },
        ],
      },
    });
    const evaluation = evaluateApprovals({ facts: base, config: settings, access: new Map(), now: new Date() });
    expect(reviewRequestsFor(evaluation, base, settings)).toEqual({ users: ["lead", "dba-lead"], teams: ["sre", "dba"] });
  });

  test("whoever pushed to the PR is not asked; pushers that cannot be known do not stop review requests", () => {
    const settings = config({ approvals: { users: ["lead", "mallory"] } });
    const pushed = { ...base, pushes: { ...base.pushes, records: [...base.pushes.records, { after: HEAD, before: null, actor: "mallory", at: "2024-05-01T10:01:00Z", type: "push" as const, source: "activity" as const }] } };
    const evaluation = evaluateApprovals({ facts: pushed, config: settings, access: new Map(), now: new Date() });
    expect(reviewRequestsFor(evaluation, pushed, settings)).toEqual({ users: ["lead"], teams: [] });
    const fork = { ...base, pushes: { state: "unavailable" as const, complete: false, repository: "x/shop", records: [] } };
    expect(reviewRequestsFor(evaluation, fork, settings)).toEqual({ users: ["lead", "mallory"], teams: [] });
  });

  test("with allow_author, committers may be asked (the author never: GitHub refuses it)", () => {
    const settings = config({ approvals: { users: ["dev", "carol"], allow_author: true } });
    const evaluation = evaluateApprovals({ facts: base, config: settings, access: new Map(), now: new Date() });
    expect(reviewRequestsFor(evaluation, base, settings)).toEqual({ users: ["carol"], teams: [] });
  });
});
