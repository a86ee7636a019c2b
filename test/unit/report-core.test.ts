import nock from "nock";
import { defaultConfig } from "../../src/config/schema.js";
import { backportsOf, hotfixAtMerge, hotfixRow, reviewAfterMerge } from "../../src/report/build-report.js";
import { approvalsFromCheck, expandSha } from "../../src/report/check-approvals.js";
import { approvalsRecordLine, readApprovalsRecord } from "../../src/governance/approvals/evaluate-approvals.js";
import type { HotfixFacts } from "../../src/report/facts.js";
import { csvCell } from "../../src/report/render-csv.js";
import { median, percentile } from "../../src/report/stats.js";
import { parseReportArgs } from "../../src/report-command.js";
import { mergeRecord } from "../../src/governance/merge/messages.js";
import { createSimulator } from "../support/simulator/index.js";
import { writeGovernanceCheck } from "../support/report-history.js";

// The simulator (for the app's own check output) imports nock, which intercepts until restored.
afterAll(() => nock.restore());

const L = (action: "labeled" | "unlabeled", at: string, label = "hotfix") => ({ action, label, at });

describe("hotfix by its labels at merge", () => {
  test.each([
    ["labelled at opening", [L("labeled", "2024-05-01T09:00:00Z")], true, "2024-05-01T09:00:00Z"],
    ["labelled only after merge", [L("labeled", "2024-05-01T13:00:00Z")], false, null],
    ["unlabelled before merge", [L("labeled", "2024-05-01T09:00:00Z"), L("unlabeled", "2024-05-01T10:00:00Z")], false, null],
    ["unlabelled after merge", [L("labeled", "2024-05-01T09:00:00Z"), L("unlabeled", "2024-05-01T13:00:00Z")], true, "2024-05-01T09:00:00Z"],
    ["relabelled: the labelling in force counts", [L("labeled", "2024-05-01T09:00:00Z"), L("unlabeled", "2024-05-01T10:00:00Z"), L("labeled", "2024-05-01T11:00:00Z")], true, "2024-05-01T11:00:00Z"],
    ["another label", [L("labeled", "2024-05-01T09:00:00Z", "bug")], false, null],
    ["the label's case does not matter", [L("labeled", "2024-05-01T09:00:00Z", "HotFix")], true, "2024-05-01T09:00:00Z"],
    ["at the merge instant", [L("labeled", "2024-05-01T12:00:00Z")], true, "2024-05-01T12:00:00Z"],
  ])("%s", (_name, events, hotfix, labelledAt) => {
    expect(hotfixAtMerge(events as any, "hotfix", "2024-05-01T12:00:00Z")).toEqual({ hotfix, labelledAt });
  });
});

describe("approvals read back from the check output the app writes", () => {
  const sim = createSimulator();
  sim.addRepo("acme/shop");
  const checkText = (approvals: Array<{ login: string; at: string; kind?: "comment" | "review" }>, options: { config?: any; headSeenAt?: string; push?: boolean } = {}) => {
    const pull = sim.addPull("acme/shop", { body: "## Incident\nINC-1\n\n## Rollback plan\nRevert.", files: [{ path: "db/migrations/1.sql", additions: 1, deletions: 0 }] });
    const old = pull.head.sha;
    if (options.push) sim.push("acme/shop", pull.number);
    writeGovernanceCheck(sim, "acme/shop", pull, { approvals, headSeenAt: options.headSeenAt ?? "2024-05-01T10:00:00Z", config: options.config ?? defaultConfig() });
    return { text: sim.latestCheck("acme/shop", pull.head.sha)!.output.text, head: pull.head.sha, old };
  };

  test("counted approvals: login, the full SHA of the commit, the time", () => {
    const { text, head } = checkText([
      { login: "alice", at: "2024-05-01T10:05:00Z" },
      { login: "bob", at: "2024-05-01T10:06:07Z", kind: "review" },
    ]);
    expect(approvalsFromCheck(text, [head])).toEqual([
      { login: "alice", commit: head, at: "2024-05-01T10:05:00Z", status: "counted" },
      { login: "bob", commit: head, at: "2024-05-01T10:06:07Z", status: "counted" },
    ]);
  });

  test("a path rule lists the same approver again: counted once", () => {
    const withRule = { ...defaultConfig(), approvals: { ...defaultConfig().approvals, rules: [{ paths: ["db/**"], users: ["alice"], teams: [], required: 1 }] } };
    const { text, head } = checkText([{ login: "alice", at: "2024-05-01T10:05:00Z" }], { config: withRule });
    expect(text).toContain("Approvals for `db/**`");
    expect(approvalsFromCheck(text, [head])).toEqual([{ login: "alice", commit: head, at: "2024-05-01T10:05:00Z", status: "counted" }]);
  });

  test("approvals given before the newest push are marked stale", () => {
    const { text, head, old } = checkText(
      [
        { login: "alice", at: "2024-05-01T09:50:00Z" },
        { login: "erin", at: "2024-05-01T10:30:00Z" },
      ],
      { push: true },
    );
    expect(approvalsFromCheck(text, [old, head])).toEqual([
      { login: "erin", commit: head, at: "2024-05-01T10:30:00Z", status: "counted" },
      { login: "alice", commit: null, at: "2024-05-01T09:50:00Z", status: "stale" },
    ]);
  });

  test("refusals that are not approvals (the author, a bot) are not listed; no check text, no approvals", () => {
    const { text, head } = checkText([{ login: "dev", at: "2024-05-01T10:05:00Z" }]);
    expect(text).toContain("Not counted:");
    expect(approvalsFromCheck(text, [head])).toEqual([]);
    expect(approvalsFromCheck(null, [])).toEqual([]);
  });

  test("text elsewhere that looks like an approval line is not one", () => {
    const forged = "- ✅ **Base branch allowed**: ok\n  - `mallory` at 2024-05-01 10:00:00 UTC on `abcdef1` (comment; listed)";
    expect(approvalsFromCheck(forged, ["abcdef1".padEnd(40, "0")])).toEqual([]);
  });

  test("short SHAs expand only to one commit", () => {
    const a = `abcdef1${"0".repeat(33)}`;
    const b = `abcdef1${"1".repeat(33)}`;
    expect(expandSha("abcdef1", [a])).toBe(a);
    expect(expandSha("abcdef1", [a, b])).toBeNull();
    expect(expandSha("1234567", [a])).toBeNull();
    expect(expandSha("unknown", [a])).toBeNull();
  });
});

const facts = (overrides: Partial<HotfixFacts> = {}): HotfixFacts => ({
  repository: "acme/shop",
  number: 7,
  title: "Fix",
  body: "",
  url: "https://github.com/acme/shop/pull/7",
  createdAt: "2024-05-01T09:00:00Z",
  mergedAt: "2024-05-01T12:00:00Z",
  base: "main",
  author: "dev",
  mergedBy: { login: "lead", isBot: false },
  mergeCommitMessage: null,
  headSha: "a".repeat(40),
  commitShas: [],
  makers: ["dev", "pair"],
  governanceCheck: null,
  approvingReviews: [],
  appComments: [],
  references: [],
  labelEvents: [],
  ...overrides,
});

describe("review after merge", () => {
  const now = new Date("2024-05-01T20:00:00Z");
  test.each([
    ["approved by someone else before merge", [{ author: "bob", submittedAt: "2024-05-01T11:00:00Z" }], "not_required"],
    ["the author's own approval does not count", [{ author: "dev", submittedAt: "2024-05-01T11:00:00Z" }], "pending"],
    ["a committer's approval does not count", [{ author: "pair", submittedAt: "2024-05-01T11:00:00Z" }], "pending"],
    ["a bot's approval does not count", [{ author: "ci[bot]", submittedAt: "2024-05-01T13:00:00Z" }], "pending"],
    ["reviewed within the window", [{ author: "bob", submittedAt: "2024-05-02T11:59:59Z" }], "done"],
    ["reviewed after the window", [{ author: "bob", submittedAt: "2024-05-02T12:00:01Z" }], "late"],
  ])("%s", (_name, reviews, status) => {
    expect(reviewAfterMerge(facts({ approvingReviews: reviews }), defaultConfig(), now).status).toBe(status);
  });

  test("no review and the window passed: overdue", () => {
    expect(reviewAfterMerge(facts(), defaultConfig(), new Date("2024-05-02T12:00:01Z"))).toEqual({ status: "overdue", reviewer: null, at: null, due_at: "2024-05-02T12:00:00Z" });
  });
});

test("backports: PRs by branch, failures by the app's marker, a later PR resolves a failure; another PR's markers are ignored", () => {
  const pr = (number: number, headRef: string) => ({ kind: "PullRequest" as const, number, title: "", url: "", state: "OPEN" as const, createdAt: "", closedAt: null, mergedAt: null, headRef, body: null, byApp: true });
  const failure = (number: number, target: string, headline: string) => `<!-- hotfix-governance:backport-failure:${number}:${target} -->\n#### \`${target}\`: ${headline}\n\nwhy`;
  expect(
    backportsOf(
      facts({
        references: [pr(8, "backport/7-to-release/2"), pr(9, "backport/17-to-release/3"), pr(10, "feature")],
        appComments: [`${failure(7, "release/1", "Conflict")}\n${failure(7, "release/2", "Refused by GitHub")}`, failure(77, "release/9", "Conflict")],
      }),
    ),
  ).toEqual([
    { target: "release/1", pull_request: null, state: null, failure: "Conflict" },
    { target: "release/2", pull_request: 8, state: "open", failure: "Refused by GitHub" },
  ]);
});

test("median and 90th percentile (nearest rank)", () => {
  expect(median([])).toBeNull();
  expect(median([5])).toBe(5);
  expect(median([3, 1, 2])).toBe(2);
  expect(median([1, 2, 3, 4])).toBe(3); // 2.5 rounded
  expect(percentile([], 90)).toBeNull();
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
  expect(percentile([7], 90)).toBe(7);
});

test("CSV cells: quoted when needed, formulas defused", () => {
  expect(csvCell(null)).toBe("");
  expect(csvCell(12)).toBe("12");
  expect(csvCell(false)).toBe("false");
  expect(csvCell('Fix "quotes", commas')).toBe('"Fix ""quotes"", commas"');
  expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
  expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
  expect(csvCell("-2+3")).toBe("'-2+3");
  expect(csvCell("@SUM")).toBe("'@SUM");
});

describe("report arguments", () => {
  const today = "2026-03-29";
  test("a repository, a period, the defaults", () => {
    expect(parseReportArgs(["--repo", "acme/shop", "--since", "2026-03-01"], today)).toEqual({
      target: { kind: "repo", owner: "acme", name: "shop" },
      since: "2026-03-01",
      until: "2026-03-29",
      format: "markdown",
      out: null,
      appSlug: undefined,
    });
    expect(parseReportArgs(["--org", "acme", "--since", "2026-03-01", "--until", "2026-03-10", "--format", "csv", "--out", "r.csv"], today)).toMatchObject({
      target: { kind: "org", owner: "acme" },
      format: "csv",
      out: "r.csv",
    });
  });

  test.each([
    [["--since", "2026-03-01"], "give exactly one of --repo owner/name and --org owner"],
    [["--repo", "acme/shop", "--org", "acme", "--since", "2026-03-01"], "give exactly one of --repo owner/name and --org owner"],
    [["--repo", "acme", "--since", "2026-03-01"], "--repo acme: expected owner/name"],
    [["--repo", "acme/shop"], "--since is required (a UTC date, YYYY-MM-DD)"],
    [["--repo", "acme/shop", "--since", "2026-02-30"], "--since 2026-02-30: expected a date YYYY-MM-DD"],
    [["--repo", "acme/shop", "--since", "yesterday"], "--since yesterday: expected a date YYYY-MM-DD"],
    [["--repo", "acme/shop", "--since", "2026-03-10", "--until", "2026-03-01"], "--since 2026-03-10 is after --until 2026-03-01: the period is empty"],
    [["--repo", "acme/shop", "--since", "2026-03-01", "--format", "xml"], "--format xml: expected one of markdown, csv, json"],
  ])("%j: %s", (args, message) => {
    expect(parseReportArgs(args, today)).toBe(message);
  });

  test("an unknown flag is named", () => {
    expect(parseReportArgs(["--repo", "acme/shop", "--since", "2026-03-01", "--sinse", "x"], today)).toMatch(/--sinse/);
  });
});

describe("fast-tracked: merged by the app's bot; who ordered it", () => {
  const bot = { login: "hotfix-governance", isBot: true };
  test.each([
    ["the merge commit's line", { mergedBy: bot, mergeCommitMessage: "Fix (#7)\n\nFast-track merged by hotfix-governance on behalf of @carol\nApprovals: alice" }, true, "carol"],
    ["a line with more after the login", { mergedBy: bot, mergeCommitMessage: "Fast-track merged by hotfix-governance on behalf of @carol (reason: outage)" }, true, "carol"],
    ["a rebase merge: the app's reply says it", { mergedBy: bot, appComments: ["Merged.\n\nFast-track merged by hotfix-governance on behalf of @dave"] }, true, "dave"],
    ["merged by a person who copied the line", { mergedBy: { login: "mallory", isBot: false }, mergeCommitMessage: "Fast-track merged by hotfix-governance on behalf of @carol" }, false, null],
    ["merged by another app's bot", { mergedBy: { login: "other-app", isBot: true } }, false, null],
    ["the app's bot without the line", { mergedBy: bot }, true, null],
    [
      "the record the fast-track merge writes",
      { mergedBy: bot, mergeCommitMessage: `Fix (#7)\n\n${mergeRecord({ order: { kind: "command", login: "erin", reason: "outage", commentUrl: null }, headSha: "a".repeat(40), approvals: [{ login: "alice", commitSha: null, at: "2024-05-01T10:00:00Z" }], number: 7 }).join("\n")}` },
      true,
      "erin",
    ],
    ["merged by `merge.auto`: no one ordered it", { mergedBy: bot, mergeCommitMessage: mergeRecord({ order: { kind: "auto" }, headSha: "a".repeat(40), approvals: [], number: 7 }).join("\n") }, true, null],
  ])("%s", (_name, overrides, fastTracked, by) => {
    const row = hotfixRow(facts(overrides as Partial<HotfixFacts>), defaultConfig(), "hotfix-governance", new Date("2024-05-02T00:00:00Z"));
    expect([row.fast_tracked, row.fast_track_ordered_by]).toEqual([fastTracked, by]);
  });
});

describe("the approvals record hidden in the check", () => {
  const sha = "b".repeat(40);
  test("round-trips, and anything not of its exact shape reads as none", () => {
    const record = { head: sha, counted: [{ login: "lead", commit: sha, at: "2026-01-01T10:00:00Z", expires_at: null }], not_counted: [] };
    expect(readApprovalsRecord(`text\n${approvalsRecordLine(record)}\nmore`)).toEqual(record);
    expect(readApprovalsRecord("<!-- hotfix-governance:approvals {not json} -->")).toBeNull();
    expect(readApprovalsRecord(`<!-- hotfix-governance:approvals {"head":"${sha}","counted":[{"login":"a b","at":"x"}],"not_counted":[]} -->`)).toBeNull();
    expect(readApprovalsRecord(null)).toBeNull();
  });
  test("the report takes counted approvals and those bound to other code or expired; other refusals were never approvals", () => {
    const line = approvalsRecordLine({
      head: sha,
      counted: [{ login: "lead", commit: sha, at: "2026-01-01T10:00:00.123Z", expires_at: null }],
      not_counted: [
        { login: "old", commit: "c".repeat(40), at: "2026-01-01T09:00:00Z", reason: "stale" },
        { login: "late", commit: sha, at: "2026-01-01T08:00:00Z", reason: "expired" },
        { login: "dev", commit: sha, at: "2026-01-01T09:30:00Z", reason: "author" },
      ],
    });
    expect(approvalsFromCheck(line, [])).toEqual([
      { login: "lead", commit: sha, at: "2026-01-01T10:00:00Z", status: "counted" },
      { login: "old", commit: "c".repeat(40), at: "2026-01-01T09:00:00Z", status: "stale" },
      { login: "late", commit: sha, at: "2026-01-01T08:00:00Z", status: "expired" },
    ]);
  });
});
