import { z } from "zod";

/**
 * The hotfix report's JSON form (SPEC section 9), written once: the TypeScript types, the
 * published JSON Schema (`schema/hotfix-report.schema.json`) and the tests' validation all come
 * from here. Times are UTC ISO 8601, dates YYYY-MM-DD, commits full SHAs, durations seconds.
 */
const isoTime = z.string().describe("UTC time, ISO 8601");
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("UTC date, YYYY-MM-DD");
const sha = z.string().regex(/^[0-9a-f]{40}$/).describe("a full commit SHA");
const seconds = z.number().int().nonnegative().nullable().describe("seconds; null when one end is unknown");

export const ReportApproval = z.strictObject({
  login: z.string(),
  commit: sha.nullable().describe("the commit approved; null when the check named none"),
  at: isoTime,
  status: z
    .enum(["counted", "stale", "expired"])
    .describe("counted: the check counted it on the merged head; stale: given on an older commit or before a base change, not counted; expired: older than approvals.expire_after_hours"),
});

export const ReportBackport = z.strictObject({
  target: z.string(),
  pull_request: z.number().int().nullable().describe("the backport pull request (branch backport/<n>-to-<target>), null when none exists"),
  state: z.enum(["open", "merged", "closed", "already_applied"]).nullable().describe("the backport PR's state; already_applied: the app found the change already on the target"),
  failure: z.string().nullable().describe("what the app reported when it could not open the backport (Conflict, Missing target branch ...), null otherwise"),
});

export const ReportHotfix = z.strictObject({
  repository: z.string(),
  number: z.number().int(),
  title: z.string(),
  url: z.string(),
  incident: z.string().nullable(),
  base: z.string(),
  author: z.string().nullable(),
  opened_at: isoTime,
  labelled_at: isoTime.nullable().describe("when the hotfix label was added (the labelling in force at merge)"),
  merged_at: isoTime,
  merged_by: z.string().nullable(),
  fast_tracked: z.boolean().describe("the app merged it (SPEC section 8)"),
  fast_track_ordered_by: z.string().nullable().describe("who ordered the fast-track merge, from the merge commit message"),
  verdict: z.enum(["success", "failure", "neutral", "in_progress", "missing"]).describe("the app's `Hotfix governance` check on the merged head"),
  outside_governance: z.boolean().describe("merged without a success verdict"),
  approvals: z.array(ReportApproval),
  lead_times: z.strictObject({
    label_to_first_approval: seconds,
    label_to_merge: seconds,
    opened_to_merge: seconds,
  }),
  backports: z.array(ReportBackport),
  revert: z.strictObject({ pull_request: z.number().int(), state: z.enum(["open", "merged", "closed"]), merged_at: isoTime.nullable() }).nullable(),
  postmortem: z
    .strictObject({
      number: z.number().int(),
      url: z.string(),
      state: z.enum(["open", "closed"]),
      due_date: date.nullable(),
      closed_at: isoTime.nullable(),
      on_time: z.boolean().nullable().describe("true/false once closed or past due; null while open and not yet due"),
    })
    .nullable(),
  review_after_merge: z.strictObject({
    status: z.enum(["not_required", "done", "late", "pending", "overdue"]).describe(
      "not_required: approved by someone else before merge (or not configured); done/late: reviewed after merge within/after the deadline; pending: not yet, deadline ahead; overdue: not yet, deadline passed",
    ),
    reviewer: z.string().nullable(),
    at: isoTime.nullable(),
    due_at: isoTime.nullable(),
  }),
});

const LeadTime = z.strictObject({
  hotfixes: z.number().int().describe("hotfixes with this lead time known"),
  median: seconds,
  p90: seconds.describe("90th percentile (nearest rank)"),
});

export const ReportTotals = z.strictObject({
  hotfixes: z.number().int(),
  merged_pull_requests: z.number().int(),
  emergency_rate: z.number().nullable().describe("hotfixes / merged pull requests, a fraction"),
  emergency_rate_flagged: z.boolean().describe("more than 10 %"),
  outside_governance: z.number().int().describe("hotfixes merged without a success verdict"),
  fast_tracked: z.number().int(),
  lead_times: z.strictObject({ label_to_first_approval: LeadTime, label_to_merge: LeadTime, opened_to_merge: LeadTime }),
  backports: z.number().int().describe("backport targets attempted"),
  backport_failures: z.number().int(),
  backport_failure_rate: z.number().nullable(),
  open_backport_failures: z.number().int().describe("failures with no backport pull request since"),
  reverts: z.number().int(),
  postmortems: z.number().int(),
  postmortems_missing: z.number().int(),
  postmortems_overdue: z.number().int(),
  postmortems_judged: z.number().int().describe("postmortems closed or past their due date"),
  postmortems_closed_on_time: z.number().int(),
  postmortems_on_time: z.number().nullable().describe("of postmortems closed or due, the fraction closed by their due date"),
  reviews_after_merge_missing: z.number().int().describe("pending or overdue"),
});

export const HotfixReport = z.strictObject({
  scope: z.string().describe("repo:<owner>/<name>, org:<owner> or user:<owner>"),
  since: date,
  until: date,
  generated_at: isoTime,
  hotfixes: z.array(ReportHotfix),
  totals: ReportTotals,
});

export type ReportApproval = z.infer<typeof ReportApproval>;
export type ReportBackport = z.infer<typeof ReportBackport>;
export type ReportHotfix = z.infer<typeof ReportHotfix>;
export type ReportTotals = z.infer<typeof ReportTotals>;
export type HotfixReport = z.infer<typeof HotfixReport>;

export const REPORT_SCHEMA_FILE = "schema/hotfix-report.schema.json";

export const reportJsonSchema = (): Record<string, unknown> => ({
  ...z.toJSONSchema(HotfixReport, { target: "draft-2020-12" }),
  $id: "https://github.com/hotfix-governance/hotfix-governance/schema/hotfix-report.schema.json",
  title: "Hotfix Governance report (npx hotfix-governance report --format json)",
});

export const renderReportJsonSchema = (): string => `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
