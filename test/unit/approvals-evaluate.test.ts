import nock from "nock";
import { HotfixConfig } from "../../src/config/schema.js";
import type { PersonAccess } from "../../src/governance/approvals/access.js";
import { evaluateApprovals, headPushOf, peopleToLookUp, pushersOf, type ApprovalsEvaluation } from "../../src/governance/approvals/evaluate-approvals.js";
import type { CommandSource, PullRequestFacts, PushHistory, PushRecord } from "../../src/governance/facts.js";
import { eligibilityWithoutAccess } from "../../src/governance/approvals/eligibility.js";
import { pullRequestFacts } from "../support/facts.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

const HEAD = "a".repeat(40);
const OLD = "b".repeat(40);
const SEEN = "2024-05-01T10:00:00Z";
const NOW = new Date("2024-05-01T12:00:00Z");

const config = (approvals: Record<string, unknown> = {}) => HotfixConfig.parse({ approvals });

/** The fixture's head was pushed by `dev` at SEEN (GitHub's activity). */
const facts = (overrides: Partial<PullRequestFacts> = {}): PullRequestFacts => pullRequestFacts(overrides);

const pushed = (after: string, minute: number, actor: string | null = "dev", type: PushRecord["type"] = "push", source: PushRecord["source"] = "activity"): PushRecord => ({
  after,
  before: null,
  actor,
  at: new Date(Date.parse(SEEN) + minute * 60_000).toISOString(),
  type,
  source,
});
const history = (records: PushRecord[], extra: Partial<PushHistory> = {}): PushHistory => ({ state: "read", complete: true, repository: "acme/shop", records, ...extra });

let nextId = 100;
const said = (login: string, body: string, minute: number, extra: Partial<CommandSource> = {}): CommandSource => ({
  kind: "comment",
  id: nextId++,
  author: { login, isBot: login.endsWith("[bot]") },
  body,
  createdAt: new Date(Date.parse(SEEN) + minute * 60_000).toISOString(),
  lastEditedAt: null,
  commitSha: null,
  ...extra,
});

const role = (base: "read" | "write" | "maintain" | "admin"): PersonAccess => ({ role: { name: base, base }, teams: {} });

const run = (input: { facts: PullRequestFacts; config?: HotfixConfig; access?: Record<string, PersonAccess> }): ApprovalsEvaluation =>
  evaluateApprovals({
    facts: input.facts,
    config: input.config ?? config(),
    access: new Map(Object.entries(input.access ?? {})),
    now: NOW,
  });

const outcomes = (evaluation: ApprovalsEvaluation) =>
  evaluation.decisions.map((decision) => `${decision.login} ${decision.command.kind} ${decision.outcome}${decision.reason ? ` ${decision.reason}` : ""}`);

describe("evaluateApprovals: decisions", () => {
  const maintainers = { alice: role("maintain"), erin: role("admin"), bob: role("write") };

  test.each<[string, CommandSource[], Record<string, unknown>, string[]]>([
    ["a maintainer approves", [said("alice", "/approve-emergency", 5)], {}, ["alice approve accepted"]],
    ["a writer is below maintain", [said("bob", "/approve-emergency", 5)], {}, ["bob approve refused not_authorized"]],
    ["write suffices when min_permission is write", [said("bob", "/approve-emergency", 5)], { min_permission: "write" }, ["bob approve accepted"]],
    ["min_permission null: roles grant nothing", [said("erin", "/approve-emergency", 5)], { min_permission: null, users: ["lead"] }, ["erin approve refused not_authorized"]],
    ["the author", [said("dev", "/approve-emergency", 5)], { users: ["dev"] }, ["dev approve refused author"]],
    ["the author with allow_author", [said("dev", "/approve-emergency", 5)], { users: ["dev"], allow_author: true }, ["dev approve accepted"]],
    ["a bot, even listed", [said("ci[bot]", "/approve-emergency", 5)], { users: ["ci[bot]"] }, ["ci[bot] approve refused bot"]],
    ["a GraphQL Bot (login without [bot])", [said("ci", "/approve-emergency", 5, { author: { login: "ci", isBot: true } })], { users: ["ci"] }, ["ci approve refused bot"]],
    ["a deleted account", [said("x", "/approve-emergency", 5, { author: null })], {}, ["null approve refused unknown_author"]],
    ["an edited comment", [said("alice", "/approve-emergency", 5, { lastEditedAt: "2024-05-01T10:06:00Z" })], {}, ["alice approve refused edited"]],
    ["before the head was pushed", [said("alice", "/approve-emergency", -5)], {}, ["alice approve refused stale"]],
    ["at the very second the head was pushed", [said("alice", "/approve-emergency", 0)], {}, ["alice approve refused stale"]],
    ["before the push, without dismiss_on_push", [said("alice", "/approve-emergency", -5)], { dismiss_on_push: false }, ["alice approve accepted"]],
    [
      "a review on the head commit",
      [said("alice", "/approve-emergency", 5, { kind: "review", commitSha: HEAD, state: "APPROVED" })],
      {},
      ["alice approve accepted"],
    ],
    [
      "a review of an older commit",
      [said("alice", "/approve-emergency", 5, { kind: "review", commitSha: OLD, state: "COMMENTED" })],
      {},
      ["alice approve refused stale"],
    ],
    [
      "a dismissed review",
      [said("alice", "/approve-emergency", 5, { kind: "review", commitSha: HEAD, state: "DISMISSED" })],
      {},
      ["alice approve refused dismissed"],
    ],
    [
      "a review comment on the head after the push",
      [said("alice", "/approve-emergency", 5, { kind: "review_comment", commitSha: HEAD, reviewState: "COMMENTED" })],
      {},
      ["alice approve accepted"],
    ],
    [
      "a review comment written on an older commit, after the push",
      [said("alice", "/approve-emergency", 5, { kind: "review_comment", commitSha: OLD, reviewState: "COMMENTED" })],
      {},
      ["alice approve refused stale"],
    ],
    [
      "a review comment of a dismissed review",
      [said("alice", "/approve-emergency", 5, { kind: "review_comment", commitSha: HEAD, reviewState: "DISMISSED" })],
      {},
      ["alice approve refused dismissed"],
    ],
    [
      "a review requesting changes",
      [said("alice", "/approve-emergency", 5, { kind: "review", commitSha: HEAD, state: "CHANGES_REQUESTED" })],
      {},
      ["alice approve refused changes_requested"],
    ],
    [
      "a review of the head submitted before the head was pushed (again)",
      [said("alice", "/approve-emergency", -5, { kind: "review", commitSha: HEAD, state: "APPROVED" })],
      {},
      ["alice approve refused stale"],
    ],
    ["a revocation is always accepted", [said("bob", "/revoke-emergency", 5)], {}, ["bob revoke accepted"]],
    [
      "authorization is judged before freshness (the reply names the real obstacle)",
      [said("bob", "/approve-emergency", -5, { lastEditedAt: "2024-05-01T10:06:00Z" })],
      {},
      ["bob approve refused not_authorized"],
    ],
  ])("%s", (_name, comments, approvals, expected) => {
    const evaluation = run({ facts: facts({ comments: comments.filter((c) => c.kind === "comment"), reviews: comments.filter((c) => c.kind === "review"), reviewComments: comments.filter((c) => c.kind === "review_comment") }), config: config(approvals), access: maintainers });
    expect(outcomes(evaluation)).toEqual(expected);
  });

  test("a committer (co-author or committer of any commit) is refused", () => {
    const evaluation = run({
      facts: facts({
        commits: [
          { sha: OLD, authorLogins: ["dev", "carol"], committerLogin: "web-flow" },
          { sha: HEAD, authorLogins: ["dev"], committerLogin: "dan" },
        ],
        comments: [said("carol", "/approve-emergency", 5), said("dan", "/approve-emergency", 6)],
      }),
      access: { carol: role("admin"), dan: role("admin") },
    });
    expect(outcomes(evaluation)).toEqual(["carol approve refused committer", "dan approve refused committer"]);
  });

  test("the app's own comments are never commands", () => {
    const evaluation = run({ facts: facts({ comments: [said("hotfix-governance", "/approve-emergency", 5, { viewerDidAuthor: true })] }), access: maintainers });
    expect(evaluation.decisions).toEqual([]);
  });

  test("pending reviews are ignored", () => {
    const evaluation = run({ facts: facts({ reviews: [said("alice", "/approve-emergency", 5, { kind: "review", commitSha: HEAD, state: "PENDING" })] }), access: maintainers });
    expect(evaluation.decisions).toEqual([]);
  });

  test("without a record of the push, now stands in for it (fail closed)", () => {
    const noRecord = facts({ pushes: history([]), comments: [said("alice", "/approve-emergency", 60)] });
    expect(outcomes(run({ facts: noRecord, access: maintainers }))).toEqual(["alice approve refused stale"]);
    expect(run({ facts: noRecord, access: maintainers }).decisions[0].explanation).toContain("GitHub's activity does not list a push of `aaaaaaa` to `fix` yet, so the app assumes it was pushed just now");
    const later = evaluateApprovals({ facts: noRecord, config: config(), access: new Map(Object.entries(maintainers)), now: new Date("2024-05-01T10:30:00Z") });
    expect(outcomes(later)).toEqual(["alice approve accepted"]);
  });

  test("pushers are makers, even when git says someone else wrote and committed the commit", () => {
    const evaluation = run({
      facts: facts({ pushes: history([pushed(HEAD, 3, "mallory"), pushed(OLD, 1, "dev")]), comments: [said("mallory", "/approve-emergency", 5)] }),
      access: { mallory: role("admin") },
    });
    expect(outcomes(evaluation)).toEqual(["mallory approve refused pusher"]);
  });

  test("pushers that cannot be known refuse everyone but a listed maker with allow_author (fail closed)", () => {
    const fork = facts({ isCrossRepository: true, headRepository: "outsider/shop", pushes: history([], { state: "unavailable", repository: "outsider/shop" }), comments: [said("alice", "/approve-emergency", 5)] });
    const evaluation = run({ facts: fork, access: maintainers });
    expect(outcomes(evaluation)).toEqual(["alice approve refused pusher"]);
    expect(evaluation.results[0]).toMatchObject({ status: "pending", summary: expect.stringContaining("its branch is in the fork `outsider/shop`, whose pushes the app cannot read") });
  });

  test("a base change withdraws approvals given before it, not after", () => {
    const timeline = { baseChanges: [{ at: "2024-05-01T10:06:00Z", actor: "dev", from: "main", to: "release/1" }], deletions: [], dismissals: [], complete: true, since: null };
    const evaluation = run({ facts: facts({ timeline, comments: [said("alice", "/approve-emergency", 5), said("erin", "/approve-emergency", 7)] }), access: maintainers });
    expect(outcomes(evaluation)).toEqual(["alice approve refused base_changed", "erin approve accepted"]);
  });

  test("a deleted comment withdraws what its author approved before it; a recorded revocation stands until they approve again", () => {
    const timeline = { baseChanges: [], deletions: [{ at: "2024-05-01T10:06:00Z", actor: "dev", author: "alice" }], dismissals: [], complete: true, since: null };
    expect(outcomes(run({ facts: facts({ timeline, comments: [said("alice", "/approve-emergency", 5)] }), access: maintainers }))).toEqual(["alice approve refused revoked"]);
    const recorded = facts({
      ownCheckRuns: [{ id: 1, status: "completed", conclusion: null, startedAt: SEEN, title: null, summary: null, text: "x\n<!-- hotfix-governance:revoked:erin:2024-05-01T10:06:00.000Z -->" }],
      comments: [said("erin", "/approve-emergency", 5)],
    });
    const evaluation = run({ facts: recorded, access: maintainers });
    expect(outcomes(evaluation)).toEqual(["erin approve refused revoked"]);
    // The record is carried on, so it survives the next run too.
    expect(evaluation.results[0].details).toContain("<!-- hotfix-governance:revoked:erin:2024-05-01T10:06:00.000Z -->");
    const again = run({ facts: { ...recorded, comments: [...recorded.comments, said("erin", "/approve-emergency", 8)] }, access: maintainers });
    expect(again.approvals.map((approval) => approval.login)).toEqual(["erin"]);
    expect(again.results[0].details).not.toContain("hotfix-governance:revoked");
  });

  test("expire_after_hours: an older approval stops counting, and the row says when it expired", () => {
    const evaluation = run({ facts: facts({ comments: [said("alice", "/approve-emergency", 5), said("erin", "/approve-emergency", 90)] }), config: config({ expire_after_hours: 1.5 }) , access: maintainers });
    expect(outcomes(evaluation)).toEqual(["alice approve refused expired", "erin approve accepted"]);
    expect(evaluation.decisions[0].explanation).toBe("it expired at 2024-05-01 11:35:00 UTC (`approvals.expire_after_hours` is 1.5): approve again");
    expect(evaluation.approvals[0].expiresAt).toBe("2024-05-01T13:00:00.000Z");
  });

  test("the table names the commit each approval was given on: for a comment, the head GitHub's pushes say the PR had then", () => {
    const evaluation = run({ facts: facts({ pushes: history([pushed(OLD, -10), pushed(HEAD, 0)]), comments: [said("alice", "/approve-emergency", -5)] }), access: maintainers });
    expect(evaluation.decisions[0].commitSha).toBe(OLD);
    expect(evaluation.results[0].details).toContain(`| \`alice\` | 2024-05-01 09:55:00 UTC | \`${OLD.slice(0, 7)}\` | comment | \`/approve-emergency\` | **stale after push**:`);
  });
});

describe("headPushOf: when the head became the PR's head", () => {
  const base = { headSha: HEAD, headRef: "fix", isCrossRepository: false };
  test.each<[string, PushRecord[], string | null]>([
    ["the newest push is the head's", [pushed(OLD, 1), pushed(HEAD, 2)], "2024-05-01T10:02:00.000Z"],
    ["pushed, replaced, force-pushed back: the newest", [pushed(HEAD, 1), pushed(OLD, 2), pushed(HEAD, 3, "dev", "force_push")], "2024-05-01T10:03:00.000Z"],
    ["a newer push elsewhere: no record of the head (a lagging list)", [pushed(HEAD, 1), pushed(OLD, 2)], null],
    ["the branch was deleted after", [pushed(HEAD, 1), pushed("0".repeat(40), 2, "dev", "branch_deletion")], null],
    ["no record at all", [], null],
    ["the timeline's force-push when the activity cannot be read", [pushed(HEAD, 4, "dev", "force_push", "timeline")], "2024-05-01T10:04:00.000Z"],
  ])("%s", (_name, records, expected) => {
    expect(headPushOf({ ...base, pushes: history(records) }).at).toBe(expected);
  });

  test("pushersOf: pushes since the PR was opened and earlier pushes of its own commits; ghosts skipped; once each", () => {
    const records = [pushed("c".repeat(40), -120, "old-owner"), pushed(OLD, -90, "carol"), pushed(HEAD, 1, "Mallory"), pushed(HEAD, 2, "mallory"), pushed(HEAD, 3, null)];
    expect(pushersOf({ pushes: history(records), createdAt: "2024-05-01T09:00:00Z", commits: [{ sha: OLD, authorLogins: [], committerLogin: null }] })).toEqual(["carol", "Mallory"]);
  });
});

describe("evaluateApprovals: counting", () => {
  const access = { alice: role("maintain"), erin: role("admin") };

  test("the latest accepted command of a person wins; approving again restores", () => {
    const comments = [said("alice", "/approve-emergency", 5), said("alice", "/revoke-emergency", 6)];
    expect(run({ facts: facts({ comments }), access }).approvals).toEqual([]);
    const again = run({ facts: facts({ comments: [...comments, said("alice", "/approve-emergency back", 7)] }), access });
    expect(again.approvals.map((approval) => [approval.login, approval.reason])).toEqual([["alice", "back"]]);
  });

  test("within one comment the later line wins", () => {
    expect(run({ facts: facts({ comments: [said("alice", "/approve-emergency\n\n/revoke-emergency", 5)] }), access }).approvals).toEqual([]);
    expect(run({ facts: facts({ comments: [said("alice", "/revoke-emergency\n\n/approve-emergency", 5)] }), access }).approvals).toHaveLength(1);
  });

  test("a refused approval does not undo a standing one; someone else's revocation does nothing", () => {
    const evaluation = run({
      facts: facts({
        comments: [said("alice", "/approve-emergency", 5), said("alice", "/approve-emergency", 6, { lastEditedAt: "2024-05-01T10:07:00Z" }), said("erin", "/revoke-emergency", 8)],
      }),
      access,
    });
    expect(evaluation.approvals.map((approval) => approval.login)).toEqual(["alice"]);
  });

  test("one person counts once across comments, reviews and review comments, and keeps the first approval's time", () => {
    const evaluation = run({
      facts: facts({
        comments: [said("alice", "/approve-emergency first", 5), said("ALICE", "/approve-emergency", 9)],
        reviews: [said("alice", "/approve-emergency", 7, { kind: "review", commitSha: HEAD, state: "APPROVED" })],
        reviewComments: [said("alice", "/approve-emergency", 8, { kind: "review_comment" })],
      }),
      config: config({ required: 2 }),
      access: { alice: role("maintain") },
    });
    expect(evaluation.approvals).toHaveLength(1);
    expect(evaluation.approvals[0].reason).toBe("first");
    expect(evaluation.results[0]).toMatchObject({ status: "pending", summary: expect.stringContaining("1 of 2 required: needs 1 more approval") });
  });

  test("rows: pass when enough, pending when not, with who and when in the details", () => {
    const evaluation = run({ facts: facts({ comments: [said("alice", "/approve-emergency looks right", 5)] }), access });
    expect(evaluation.results).toHaveLength(1);
    expect(evaluation.results[0]).toMatchObject({ id: "approvals", title: "Emergency approvals", status: "pass", summary: "Approved by `alice` (1 of 1 required)." });
    expect(evaluation.results[0].details).toContain(`\`alice\` at 2024-05-01 10:05:00 UTC on \`${HEAD.slice(0, 7)}\` (comment; has the \`maintain\` role): \`looks right\``);
  });

  test("`required: 0` passes without anyone", () => {
    expect(run({ facts: facts(), config: config({ required: 0 }) }).results[0]).toMatchObject({ status: "pass", summary: expect.stringContaining("No approvals are required") });
  });

  test("nobody can approve: a failure that says what to configure", () => {
    const result = run({ facts: facts(), config: config({ min_permission: null, teams: ["elsewhere/sre"] }) }).results[0];
    expect(result.status).toBe("fail");
    expect(result.summary).toContain("No one can approve");
    expect(result.details).toContain("`elsewhere/sre`");
  });
});

describe("evaluateApprovals: path rules", () => {
  const rules = [
    { paths: ["db/migrations/**"], teams: ["dba"], required: 1 },
    { paths: ["docs/**"], users: ["writer"] },
    { paths: [".github/**"], required: 2 },
  ];
  const dbFacts = (comments: CommandSource[], extra: Partial<PullRequestFacts> = {}) =>
    facts({ files: [{ path: "db/migrations/001.sql", additions: 1, deletions: 0, changeType: "ADDED" }, { path: ".github/workflows/ci.yml", additions: 1, deletions: 0, changeType: "MODIFIED" }], comments, ...extra });
  const access = {
    alice: role("maintain"),
    erin: role("admin"),
    dba1: { role: { name: "read", base: "read" }, teams: { "acme/dba": "active" } } as PersonAccess,
  };

  test("each rule is its own row; a rule's approvers count only for what they are authorized for", () => {
    const evaluation = run({ facts: dbFacts([said("alice", "/approve-emergency", 5), said("dba1", "/approve-emergency", 6)]), config: config({ rules }), access });
    expect(evaluation.results.map((result) => [result.id, result.status, result.summary])).toEqual([
      ["approvals", "pass", "Approved by `alice` (1 of 1 required)."],
      ["approvals:rule:1", "pass", "Approved by `dba1` (1 of 1 required)."],
      ["approvals:rule:2", "pass", "No changed file matches these paths."],
      ["approvals:rule:3", "pending", "1 of 2 required: needs 1 more approval from anyone with the `maintain` role or higher."],
    ]);
    expect(evaluation.results[1].details).toContain("Changed files matching: `db/migrations/001.sql`");
  });

  test("a rule's approver is not authorized when the rule's paths are not touched", () => {
    const evaluation = run({ facts: facts({ comments: [said("dba1", "/approve-emergency", 5)] }), config: config({ rules }), access });
    expect(outcomes(evaluation)).toEqual(["dba1 approve refused not_authorized"]);
    expect(evaluation.decisions[0].explanation).toContain("Only anyone with the `maintain` role or higher can approve");
  });

  test("when GitHub did not list every file, every rule applies (fail closed)", () => {
    const evaluation = run({ facts: facts({ filesComplete: false, changedFiles: 4000 }), config: config({ rules }), access });
    expect(evaluation.results.map((result) => result.status)).toEqual(["pending", "pending", "pending", "pending"]);
  });

  test("peopleToLookUp: only authors of approval commands that authorization can still decide, with the policies of the rules that apply", () => {
    const people = peopleToLookUp(
      dbFacts([
        said("alice", "/approve-emergency", 5),
        said("Alice", "/approve-emergency", 6),
        said("bob", "/revoke-emergency", 7),
        said("ci[bot]", "/approve-emergency", 8),
        said("dev", "/approve-emergency", 9),
        said("zed", "just a comment", 10),
        said("own", "/approve-emergency", 11, { viewerDidAuthor: true }),
      ]),
      config({ rules }),
    );
    expect(people.map((person) => person.login)).toEqual(["alice"]);
    expect(people[0].policies.map((policy) => [policy.users, policy.teams.map((team) => team.slug), policy.minPermission])).toEqual([
      [[], [], "maintain"],
      [[], ["dba"], null],
      [[], [], "maintain"],
    ]);
  });
});

describe("eligibility when GitHub's pushes cannot be read", () => {
  const makers = { author: "dev", committers: ["dev"], pushers: [], pushersUnknown: "its branch is in the fork `x/shop`, whose pushes the app cannot read" };
  const ask = (login: string, order: "approve" | "backport" | "merge" | "review", allowAuthor = false) =>
    eligibilityWithoutAccess({ actor: { login, isBot: false }, order, makers, allowAuthor, authorities: [] });

  test.each<[string, "approve" | "backport" | "merge" | "review", boolean, string | null]>([
    ["alice", "approve", false, "pusher"],
    ["alice", "backport", false, "pusher"],
    ["alice", "review", false, null],
    ["alice", "approve", true, null],
    ["dev", "merge", false, "allowed"],
  ])("%s, %s (allow_author %s)", (login, order, allowAuthor, expected) => {
    const decision = ask(login, order, allowAuthor);
    expect(decision === null ? null : decision.allowed ? "allowed" : decision.reason).toBe(expected);
  });

  test("the refusal says why no one can", () => {
    const decision = ask("alice", "backport");
    expect(decision && !decision.allowed && decision.why).toContain("who pushed to this pull request cannot be verified (its branch is in the fork `x/shop`");
  });
});
