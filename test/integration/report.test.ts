import nock from "nock";
import { readFileSync } from "node:fs";
import { HotfixReport, REPORT_SCHEMA_FILE, renderReportJsonSchema } from "../../src/report/schema.js";
import { renderReport } from "../../src/report/render-report.js";
import { CSV_COLUMNS } from "../../src/report/render-csv.js";
import { buildReportHistory, HISTORY_REPO } from "../support/report-history.js";
import { historyRequest, runReportInProcess } from "../support/report-run.js";
import { graphqlUsage, setGraphqlBudget } from "../support/simulator/graphql-cost.js";
import type { GitHubSimulator } from "../support/simulator/index.js";
import { schemaErrors } from "../support/json-schema-check.js";
import { serveThroughNock } from "../support/simulator/nock-serve.js";

/**
 * The hotfix report (SPEC 9) over a month of a repository's history on the simulator: every
 * figure, in all three formats, read through GitHub's GraphQL API as the CLI reads it.
 */

let sim: GitHubSimulator;
let report: HotfixReport;
const progress: string[] = [];

beforeAll(async () => {
  sim = buildReportHistory();
  serveThroughNock(sim);
  report = await runReportInProcess(undefined, { progress });
});
afterAll(() => {
  nock.cleanAll();
  nock.restore();
});

const head = (number: number) => sim.pull(HISTORY_REPO, number).head.sha;
const row = (number: number) => report.hotfixes.find((hotfix) => hotfix.number === number)!;
const url = (path: string) => `https://github.com/${HISTORY_REPO}/${path}`;

test("the report reads with three GraphQL queries and one config read, and nothing GitHub would not answer", () => {
  expect(sim.unhandled).toEqual([]);
  expect(sim.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
    "POST /graphql 200", // the repository is visible
    "POST /graphql 200", // the 30 merged PRs with their label events
    "GET /repos/acme/shop/contents/.github/hotfix.yml 200",
    "POST /graphql 200", // the 6 hotfixes in one batch
  ]);
  expect(progress).toEqual(["reading merged pull requests of acme/shop: 30 of 30", "reading hotfix details: 6 of 6"]);
});

test("a PR is a hotfix by its labels at merge: labelled after merge or unlabelled before are not, unlabelled after merge is", () => {
  expect(report.hotfixes.map((hotfix) => hotfix.number)).toEqual([101, 102, 103, 104, 105, 106]);
});

test("an approved hotfix merged by a lead: approvals with full SHAs, backport PR and conflict, postmortem on time, review after merge", () => {
  expect(row(101)).toEqual({
    repository: "acme/shop",
    number: 101,
    title: "Fix checkout timeout",
    url: url("pull/101"),
    incident: "INC-4711",
    base: "main",
    author: "dev",
    opened_at: "2026-03-03T09:00:00Z",
    labelled_at: "2026-03-03T09:00:00Z",
    merged_at: "2026-03-03T09:40:00Z",
    merged_by: "lead",
    fast_tracked: false,
    fast_track_ordered_by: null,
    verdict: "success",
    outside_governance: false,
    approvals: [{ login: "alice", commit: head(101), at: "2026-03-03T09:20:00Z", status: "counted" }],
    lead_times: { label_to_first_approval: 1200, label_to_merge: 2400, opened_to_merge: 2400 },
    backports: [
      { target: "release/1.1", pull_request: null, state: null, failure: "Conflict" },
      { target: "release/1.2", pull_request: 120, state: "merged", failure: null },
    ],
    revert: null,
    postmortem: { number: 130, url: url("issues/130"), state: "closed", due_date: "2026-03-08", closed_at: "2026-03-06T15:00:00Z", on_time: true },
    review_after_merge: { status: "done", reviewer: "bob", at: "2026-03-03T11:00:00Z", due_at: "2026-03-04T09:40:00Z" },
  });
});

test("the fast-tracked hotfix: merged by the app, ordered by carol, approvals from a review and a comment; overdue postmortem and review", () => {
  expect(row(102)).toMatchObject({
    labelled_at: "2026-03-09T08:30:00Z",
    merged_by: "hotfix-governance[bot]",
    fast_tracked: true,
    fast_track_ordered_by: "carol",
    verdict: "success",
    approvals: [
      { login: "alice", commit: head(102), at: "2026-03-09T08:50:00Z", status: "counted" },
      { login: "bob", commit: head(102), at: "2026-03-09T09:00:00Z", status: "counted" },
    ],
    lead_times: { label_to_first_approval: 1200, label_to_merge: 7200, opened_to_merge: 9000 },
    backports: [],
    postmortem: { number: 131, state: "open", due_date: "2026-03-14", closed_at: null, on_time: false },
    review_after_merge: { status: "overdue", reviewer: null, at: null, due_at: "2026-03-10T10:30:00Z" },
  });
});

test("merged with a failing check is outside governance (a look-alike success of another app counts for nothing); its revert; postmortem closed late", () => {
  expect(row(103)).toMatchObject({
    incident: "INC-4720",
    verdict: "failure",
    outside_governance: true,
    approvals: [],
    lead_times: { label_to_first_approval: null, label_to_merge: 3600, opened_to_merge: 3600 },
    revert: { pull_request: 121, state: "open", merged_at: null },
    postmortem: { number: 132, state: "closed", due_date: "2026-03-15", closed_at: "2026-03-20T10:00:00Z", on_time: false },
    review_after_merge: { status: "overdue", due_at: "2026-03-11T11:00:00Z" },
  });
});

test("merged with no check at all is outside governance; an approving review before merge means no review after merge is needed", () => {
  expect(row(104)).toMatchObject({
    labelled_at: "2026-03-16T10:00:00Z",
    verdict: "missing",
    outside_governance: true,
    approvals: [],
    lead_times: { label_to_first_approval: null, label_to_merge: 7200, opened_to_merge: 10800 },
    postmortem: null,
    review_after_merge: { status: "not_required", reviewer: null, at: null, due_at: null },
  });
});

test("an approval given before the last push is marked stale; the open backport; a late review after merge", () => {
  expect(row(105)).toMatchObject({
    approvals: [
      { login: "erin", commit: head(105), at: "2026-03-23T09:30:00Z", status: "counted" },
      { login: "alice", commit: "a".repeat(40), at: "2026-03-23T09:10:00Z", status: "stale" },
    ],
    lead_times: { label_to_first_approval: 1800, label_to_merge: 86400, opened_to_merge: 86400 },
    backports: [{ target: "release/1.2", pull_request: 122, state: "open", failure: null }],
    postmortem: { number: 133, state: "closed", due_date: "2026-03-29", on_time: true },
    review_after_merge: { status: "late", reviewer: "bob", at: "2026-03-25T12:00:00Z", due_at: "2026-03-25T09:00:00Z" },
  });
});

test("a failure later fixed by a hand-made backport PR is no longer open; already applied is no failure; a postmortem not yet due", () => {
  expect(row(106)).toMatchObject({
    lead_times: { label_to_first_approval: 1800, label_to_merge: 5400, opened_to_merge: 7200 },
    backports: [
      { target: "release/1.0", pull_request: 123, state: "open", failure: "Missing target branch" },
      { target: "release/1.2", pull_request: null, state: "already_applied", failure: null },
    ],
    postmortem: { number: 134, state: "open", due_date: "2026-04-02", on_time: null },
    review_after_merge: { status: "pending", due_at: "2026-03-29T12:00:00Z" },
  });
});

test("the totals", () => {
  expect(report.totals).toEqual({
    hotfixes: 6,
    merged_pull_requests: 30,
    emergency_rate: 0.2,
    emergency_rate_flagged: true,
    outside_governance: 2,
    fast_tracked: 1,
    lead_times: {
      label_to_first_approval: { hotfixes: 4, median: 1500, p90: 1800 },
      label_to_merge: { hotfixes: 6, median: 6300, p90: 86400 },
      opened_to_merge: { hotfixes: 6, median: 8100, p90: 86400 },
    },
    backports: 4,
    backport_failures: 2,
    backport_failure_rate: 0.5,
    open_backport_failures: 1,
    reverts: 1,
    postmortems: 5,
    postmortems_missing: 1,
    postmortems_overdue: 1,
    postmortems_judged: 4,
    postmortems_closed_on_time: 2,
    postmortems_on_time: 0.5,
    reviews_after_merge_missing: 3,
  });
  expect(report).toMatchObject({ scope: "repo:acme/shop", since: "2026-03-02", until: "2026-03-29", generated_at: "2026-03-29T09:00:00Z" });
});

test("the JSON form validates against the published schema, which is current", () => {
  const json = JSON.parse(renderReport(report, "json"));
  expect(HotfixReport.parse(json)).toEqual(report);
  expect(Object.keys(json)).toEqual(expect.arrayContaining(["hotfixes", "totals"]));
  expect(readFileSync(REPORT_SCHEMA_FILE, "utf8")).toBe(renderReportJsonSchema());
  const published = JSON.parse(readFileSync(REPORT_SCHEMA_FILE, "utf8"));
  expect(schemaErrors(json, published)).toEqual([]);
  // The checker is not blind: a wrong shape is caught.
  const broken = { ...json, totals: { ...json.totals, emergency_rate: "20 %" }, hotfixes: [{ ...json.hotfixes[0], approvals: [{ login: "x", commit: "abc", at: "now", status: "counted" }] }] };
  expect(schemaErrors(broken, published)).toEqual([
    expect.stringMatching(/^\$\.hotfixes\[0\]\.approvals\[0\]\.commit: matches no anyOf branch/),
    "$.totals.emergency_rate: string, expected number or null",
  ]);
});

test("CSV: one header line, then one line per hotfix with every figure", () => {
  const lines = renderReport(report, "csv").split("\r\n");
  expect(lines.at(-1)).toBe("");
  expect(lines.slice(0, -1)).toHaveLength(1 + 6);
  expect(lines[0]).toBe(CSV_COLUMNS.map(([name]) => name).join(","));
  expect(lines[1]).toBe(
    `acme/shop,101,Fix checkout timeout,${url("pull/101")},INC-4711,main,dev,2026-03-03T09:00:00Z,2026-03-03T09:00:00Z,2026-03-03T09:40:00Z,lead,false,,success,false,` +
      `alice ${head(101)} 2026-03-03T09:20:00Z,1200,2400,2400,release/1.1 failure: Conflict; release/1.2 #120 merged,,130,closed,2026-03-08,true,done,bob,2026-03-03T11:00:00Z`,
  );
  expect(lines[2]).toBe(
    `acme/shop,102,Fix login loop,${url("pull/102")},INC-4711,main,dev,2026-03-09T08:00:00Z,2026-03-09T08:30:00Z,2026-03-09T10:30:00Z,hotfix-governance[bot],true,carol,success,false,` +
      `alice ${head(102)} 2026-03-09T08:50:00Z; bob ${head(102)} 2026-03-09T09:00:00Z,1200,7200,9000,,,131,open,2026-03-14,false,overdue,,`,
  );
  expect(lines[3]).toBe(
    `acme/shop,103,Hotfix payment rounding,${url("pull/103")},INC-4720,main,dev,2026-03-10T10:00:00Z,2026-03-10T10:00:00Z,2026-03-10T11:00:00Z,lead,false,,failure,true,,,3600,3600,,#121 open,132,closed,2026-03-15,false,overdue,,`,
  );
  expect(lines[4]).toBe(
    `acme/shop,104,Patch cache stampede,${url("pull/104")},INC-4711,main,dev,2026-03-16T09:00:00Z,2026-03-16T10:00:00Z,2026-03-16T12:00:00Z,lead,false,,missing,true,,,7200,10800,,,,,,,not_required,,`,
  );
  expect(lines[5]).toBe(
    `acme/shop,105,Fix null deref in search,${url("pull/105")},INC-4711,main,dev,2026-03-23T09:00:00Z,2026-03-23T09:00:00Z,2026-03-24T09:00:00Z,lead,false,,success,false,` +
      `erin ${head(105)} 2026-03-23T09:30:00Z; alice ${"a".repeat(40)} 2026-03-23T09:10:00Z stale,1800,86400,86400,release/1.2 #122 open,,133,closed,2026-03-29,true,late,bob,2026-03-25T12:00:00Z`,
  );
  expect(lines[6]).toBe(
    `acme/shop,106,Fix header injection,${url("pull/106")},INC-4711,main,dev,2026-03-28T10:00:00Z,2026-03-28T10:30:00Z,2026-03-28T12:00:00Z,lead,false,,success,false,` +
      `bob ${head(106)} 2026-03-28T11:00:00Z,1800,5400,7200,release/1.0 #123 open failure: Missing target branch; release/1.2 already_applied,,134,open,2026-04-02,,pending,,`,
  );
});

test("Markdown: totals with the flagged emergency rate, lead times, what needs attention, Mermaid charts and one row per hotfix", () => {
  const markdown = renderReport(report, "markdown");
  expect(markdown).toContain("| Hotfixes | 6 |\n| Merged pull requests | 30 |\n| Emergency rate | 20.0 % ⚠️ over 10.0 % |");
  expect(markdown).toContain("| Outside governance (merged without a `success` verdict) | 2 |\n| Fast-tracked by the app | 1 |");
  expect(markdown).toContain("| Backport failures | 2 of 4 (50.0 %); 1 still without a backport pull request |\n| Reverts | 1 |");
  expect(markdown).toContain("| Postmortems closed by their due date | 2 of 4 (50.0 %); 1 overdue, 1 missing |\n| Reviews after merge missing | 3 |");
  expect(markdown).toContain(
    "| Label → first approval | 25 min | 30 min | 4 |\n| Label → merge | 1 h 45 min | 1 d 0 h | 6 |\n| Opened → merge | 2 h 15 min | 1 d 0 h | 6 |",
  );
  const attention = markdown.slice(markdown.indexOf("## What needs attention"), markdown.indexOf("## Trends"));
  const pr = (number: number) => `[acme/shop#${number}](${url(`pull/${number}`)})`;
  expect(attention.split("\n").filter((line) => line.startsWith("- "))).toEqual([
    "- Emergency rate 20.0 % is over 10.0 %: 6 hotfixes among 30 merged pull requests.",
    `- ${pr(101)} is not ported to \`release/1.1\`: Conflict, and no backport pull request exists yet.`,
    `- Postmortem [#131](${url("issues/131")}) of ${pr(102)} is overdue: due 2026-03-14, still open.`,
    `- ${pr(102)} still has no approving review after merge: it was due by 2026-03-10 10:30 UTC.`,
    `- ${pr(103)} was merged outside governance: the verdict on its merged head was \`failure\`, not \`success\`.`,
    `- Postmortem [#132](${url("issues/132")}) of ${pr(103)} was closed after its due date 2026-03-15.`,
    `- ${pr(103)} still has no approving review after merge: it was due by 2026-03-11 11:00 UTC.`,
    `- ${pr(104)} was merged outside governance: the verdict on its merged head was \`missing\`, not \`success\`.`,
    `- ${pr(106)} needs an approving review after merge by 2026-03-29 12:00 UTC.`,
    `- 1 hotfix has no postmortem issue: ${pr(104)}.`,
  ]);
  expect(markdown).toContain('x-axis ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]\n    y-axis "Hotfixes" 0 --> 2\n    bar [1, 2, 1, 2]');
  expect(markdown).toContain("bar [0.7, 1.5, 2, 12.8]\n    line [0.3, 0.3, 0, 0.5]");
  const rows = markdown.split("\n").filter((line) => line.startsWith("| [acme/shop#"));
  expect(rows).toHaveLength(6);
  expect(rows[1]).toContain(`\`alice\` on \`${head(102).slice(0, 7)}\` at 2026-03-09 08:50 UTC<br>\`bob\` on \`${head(102).slice(0, 7)}\` at 2026-03-09 09:00 UTC | success | 2026-03-09 10:30 UTC by \`hotfix-governance[bot]\` (fast-tracked on behalf of \`carol\`) | 2 h 00 min |`);
  expect(rows[2]).toContain("| **failure** (outside governance) |");
  expect(rows[2]).toContain(`[#121](${url("pull/121")}) (open) | [#132](${url("issues/132")}) closed, due 2026-03-15, closed late | **overdue** (due 2026-03-11 11:00 UTC) |`);
  expect(rows[4]).toContain("`alice` on `aaaaaaa` at 2026-03-23 09:10 UTC (stale: not counted)");
  expect(rows[5]).toContain(`\`release/1.0\`: Missing target branch, then [#123](${url("pull/123")}) (open)<br>\`release/1.2\`: already applied`);
});

describe("bad input", () => {
  test("an unknown repository, or one the credentials cannot see, is one clear sentence", async () => {
    await expect(runReportInProcess({ ...historyRequest(), target: { kind: "repo", owner: "acme", name: "nope" } })).rejects.toThrow(
      "repository acme/nope was not found, or these credentials cannot see it (GitHub answers both the same way)",
    );
  });

  test("an unknown organisation", async () => {
    await expect(runReportInProcess({ ...historyRequest(), target: { kind: "org", owner: "nobody" } })).rejects.toThrow("organisation nobody was not found");
  });

  test("a period in which nothing was merged", async () => {
    await expect(runReportInProcess({ ...historyRequest(), since: "2025-01-01", until: "2025-01-31" })).rejects.toThrow(
      "no pull request of acme/shop was merged from 2025-01-01 to 2025-01-31: nothing to report",
    );
  });

  test("a rate limit that resets later than the report waits: it stops and says what it had read", async () => {
    const used = graphqlUsage(sim).points;
    setGraphqlBudget(sim, 2, new Date(Date.now() + 3_600_000).toISOString());
    await expect(runReportInProcess(undefined, { maxRateLimitWaitSeconds: 1 })).rejects.toThrow(
      /^stopped: GitHub's API rate limit is exhausted; it resets at .* UTC\. Read so far: all 30 merged pull requests listed, details of 0 of 6 hotfixes read\. No report was written/,
    );
    expect(graphqlUsage(sim).points).toBe(used + 2);
  });

  test("a rate limit that resets soon is waited out, once, and said so", async () => {
    setGraphqlBudget(sim, 2, new Date(Date.now() + 1500).toISOString());
    const lines: string[] = [];
    const again = await runReportInProcess(undefined, { progress: lines, now: new Date(), maxRateLimitWaitSeconds: 5 });
    expect(again.totals.hotfixes).toBe(6);
    expect(lines).toContainEqual(expect.stringMatching(/^GitHub's API rate limit is exhausted; it resets at .* UTC: waiting [1-3] s$/));
  });
});
