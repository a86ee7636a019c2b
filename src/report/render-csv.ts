import type { HotfixReport, ReportHotfix } from "./schema.js";

/**
 * CSV (RFC 4180): one header line, then one line per hotfix. Lists (approvals, backports) are
 * joined with `; ` inside one cell. A cell that a spreadsheet would run as a formula (`=`, `+`,
 * `-`, `@`, tab or CR first: a PR title is anyone's text) is prefixed with `'` (OWASP's advice).
 */
export const CSV_COLUMNS: Array<[string, (row: ReportHotfix) => string | number | boolean | null]> = [
  ["repository", (row) => row.repository],
  ["number", (row) => row.number],
  ["title", (row) => row.title],
  ["url", (row) => row.url],
  ["incident", (row) => row.incident],
  ["base", (row) => row.base],
  ["author", (row) => row.author],
  ["opened_at", (row) => row.opened_at],
  ["labelled_at", (row) => row.labelled_at],
  ["merged_at", (row) => row.merged_at],
  ["merged_by", (row) => row.merged_by],
  ["fast_tracked", (row) => row.fast_tracked],
  ["fast_track_ordered_by", (row) => row.fast_track_ordered_by],
  ["verdict", (row) => row.verdict],
  ["outside_governance", (row) => row.outside_governance],
  ["approvals", (row) => row.approvals.map((approval) => `${approval.login} ${approval.commit ?? "unknown"} ${approval.at}${approval.status === "stale" ? " stale" : ""}`).join("; ")],
  ["label_to_first_approval_seconds", (row) => row.lead_times.label_to_first_approval],
  ["label_to_merge_seconds", (row) => row.lead_times.label_to_merge],
  ["opened_to_merge_seconds", (row) => row.lead_times.opened_to_merge],
  [
    "backports",
    (row) =>
      row.backports
        .map((backport) => [backport.target, backport.pull_request ? `#${backport.pull_request} ${backport.state}` : backport.state, backport.failure ? `failure: ${backport.failure}` : null].filter(Boolean).join(" "))
        .join("; "),
  ],
  ["revert", (row) => (row.revert ? `#${row.revert.pull_request} ${row.revert.state}` : null)],
  ["postmortem", (row) => row.postmortem?.number ?? null],
  ["postmortem_state", (row) => row.postmortem?.state ?? null],
  ["postmortem_due_date", (row) => row.postmortem?.due_date ?? null],
  ["postmortem_on_time", (row) => row.postmortem?.on_time ?? null],
  ["review_after_merge", (row) => row.review_after_merge.status],
  ["review_after_merge_by", (row) => row.review_after_merge.reviewer],
  ["review_after_merge_at", (row) => row.review_after_merge.at],
];

export const csvCell = (value: string | number | boolean | null): string => {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const renderCsv = (report: HotfixReport): string =>
  [CSV_COLUMNS.map(([name]) => name).join(","), ...report.hotfixes.map((row) => CSV_COLUMNS.map(([, get]) => csvCell(get(row))).join(","))].join("\r\n") + "\r\n";
