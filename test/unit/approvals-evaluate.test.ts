import nock from "nock";
import { HotfixConfig } from "../../src/config/schema.js";
import type { PersonAccess } from "../../src/governance/approvals/access.js";
import { evaluateApprovals, headFirstSeenAt, peopleToLookUp, type ApprovalsEvaluation } from "../../src/governance/approvals/evaluate-approvals.js";
import type { CommandSource, PullRequestFacts } from "../../src/governance/facts.js";
import { pullRequestFacts } from "../support/facts.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

const HEAD = "a".repeat(40);
const OLD = "b".repeat(40);
const SEEN = "2024-05-01T10:00:00Z";
const NOW = new Date("2024-05-01T12:00:00Z");

const config = (approvals: Record<string, unknown> = {}) => HotfixConfig.parse({ approvals });

const facts = (overrides: Partial<PullRequestFacts> = {}): PullRequestFacts =>
  pullRequestFacts({ ownCheckRuns: [{ id: 1, status: "in_progress", conclusion: null, startedAt: SEEN, title: null, summary: null, text: null }], ...overrides });

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
    ["before the head was first seen", [said("alice", "/approve-emergency", -5)], {}, ["alice approve refused stale"]],
    ["at the very second the head was first seen", [said("alice", "/approve-emergency", 0)], {}, ["alice approve refused stale"]],
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
      "a review comment after the push",
      [said("alice", "/approve-emergency", 5, { kind: "review_comment", commitSha: OLD })],
      {},
      ["alice approve accepted"],
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
    const evaluation = run({ facts: facts({ ownCheckRuns: [], comments: [said("alice", "/approve-emergency", 60)] }), access: maintainers });
    expect(outcomes(evaluation)).toEqual(["alice approve refused stale"]);
    const later = evaluateApprovals({ facts: facts({ ownCheckRuns: [], comments: [said("alice", "/approve-emergency", 60)] }), config: config(), access: new Map(Object.entries(maintainers)), now: new Date("2024-05-01T10:30:00Z") });
    expect(outcomes(later)).toEqual(["alice approve accepted"]);
  });

  test("the earliest of the app's runs is when it first saw the head", () => {
    expect(
      headFirstSeenAt({
        ownCheckRuns: [
          { id: 3, status: "completed", conclusion: "success", startedAt: "2024-05-01T11:00:00Z", title: null, summary: null, text: null },
          { id: 2, status: "completed", conclusion: "neutral", startedAt: "2024-05-01T09:30:00Z", title: null, summary: null, text: null },
          { id: 4, status: "queued", conclusion: null, startedAt: null, title: null, summary: null, text: null },
        ],
      }),
    ).toBe("2024-05-01T09:30:00Z");
    expect(headFirstSeenAt({ ownCheckRuns: [] })).toBeNull();
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
