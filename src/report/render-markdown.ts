import { escapeMarkdown } from "../postmortem/markdown-text.js";
import { formatDuration, formatUtc } from "../postmortem/time.js";
import { EMERGENCY_RATE_LIMIT } from "./build-report.js";
import type { HotfixReport, ReportHotfix } from "./schema.js";
import { median } from "./stats.js";

const WEEK_MS = 7 * 86_400_000;

export const percent = (value: number | null): string => (value === null ? "n/a" : `${(value * 100).toFixed(1)} %`);
const ratio = (part: number, whole: number): string => (whole === 0 ? "none" : `${part} of ${whole} (${percent(part / whole)})`);
const duration = (seconds: number | null): string => (seconds === null ? "n/a" : formatDuration(seconds));
const cell = (text: string): string => escapeMarkdown(text) || " ";

const prLink = (row: Pick<ReportHotfix, "repository" | "number" | "url">): string => `[${row.repository}#${row.number}](${row.url})`;
const otherLink = (row: ReportHotfix, number: number): string => `[#${number}](${row.url.replace(/\/pull\/\d+$/, `/pull/${number}`)})`;
const issueLink = (url: string, number: number): string => `[#${number}](${url})`;

/** The Monday (UTC) starting the week of `instant`. */
const weekOf = (instant: number): number => {
  const day = new Date(instant);
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  return midnight - ((day.getUTCDay() + 6) % 7) * 86_400_000;
};

/** Weeks of the period (Mondays), each with its hotfixes. */
export const weeksOf = (report: HotfixReport): Array<{ week: string; rows: ReportHotfix[] }> => {
  const weeks: Array<{ week: string; rows: ReportHotfix[] }> = [];
  for (let week = weekOf(Date.parse(`${report.since}T00:00:00Z`)); week <= Date.parse(`${report.until}T00:00:00Z`); week += WEEK_MS) {
    weeks.push({ week: new Date(week).toISOString().slice(0, 10), rows: report.hotfixes.filter((row) => weekOf(Date.parse(row.merged_at)) === week) });
  }
  return weeks;
};

const hours = (seconds: number | null): number => (seconds === null ? 0 : Math.round(seconds / 360) / 10);

/** Mermaid `xychart-beta` charts, which GitHub renders in Markdown. */
const charts = (report: HotfixReport): string[] => {
  const weeks = weeksOf(report);
  const axis = `x-axis [${weeks.map(({ week }) => `"${week}"`).join(", ")}]`;
  const counts = weeks.map(({ rows }) => rows.length);
  const toMerge = weeks.map(({ rows }) => hours(median(rows.flatMap((row) => (row.lead_times.label_to_merge === null ? [] : [row.lead_times.label_to_merge])))));
  const toApproval = weeks.map(({ rows }) =>
    hours(median(rows.flatMap((row) => (row.lead_times.label_to_first_approval === null ? [] : [row.lead_times.label_to_first_approval])))),
  );
  return [
    "```mermaid",
    "xychart-beta",
    `    title "Hotfixes merged per week (weeks start on Monday, UTC)"`,
    `    ${axis}`,
    `    y-axis "Hotfixes" 0 --> ${Math.max(1, ...counts)}`,
    `    bar [${counts.join(", ")}]`,
    "```",
    "",
    "```mermaid",
    "xychart-beta",
    `    title "Median lead time per week, hours: bars label to merge, line label to first approval"`,
    `    ${axis}`,
    `    y-axis "Hours" 0 --> ${Math.max(1, Math.ceil(Math.max(...toMerge, ...toApproval)))}`,
    `    bar [${toMerge.join(", ")}]`,
    `    line [${toApproval.join(", ")}]`,
    "```",
  ];
};

/** The short list a lead acts on: what is overdue, missing or outside the rules. */
export const attentionItems = (report: HotfixReport): string[] => {
  const items: string[] = [];
  const { totals } = report;
  if (totals.emergency_rate_flagged) {
    items.push(`Emergency rate ${percent(totals.emergency_rate)} is over ${percent(EMERGENCY_RATE_LIMIT)}: ${totals.hotfixes} hotfixes among ${totals.merged_pull_requests} merged pull requests.`);
  }
  for (const row of report.hotfixes) {
    if (row.outside_governance) items.push(`${prLink(row)} was merged outside governance: the verdict on its merged head was \`${row.verdict}\`, not \`success\`.`);
    const pm = row.postmortem;
    if (pm && pm.state === "open" && pm.on_time === false) items.push(`Postmortem ${issueLink(pm.url, pm.number)} of ${prLink(row)} is overdue: due ${pm.due_date}, still open.`);
    if (pm && pm.state === "closed" && pm.on_time === false) items.push(`Postmortem ${issueLink(pm.url, pm.number)} of ${prLink(row)} was closed after its due date ${pm.due_date}.`);
    const review = row.review_after_merge;
    if (review.status === "overdue") items.push(`${prLink(row)} still has no approving review after merge: it was due by ${formatUtc(review.due_at!)}.`);
    if (review.status === "pending") items.push(`${prLink(row)} needs an approving review after merge by ${formatUtc(review.due_at!)}.`);
    for (const backport of row.backports) {
      if (backport.failure && backport.pull_request === null) {
        items.push(`${prLink(row)} is not ported to \`${escapeMarkdown(backport.target)}\`: ${escapeMarkdown(backport.failure)}, and no backport pull request exists yet.`);
      }
    }
  }
  const missing = report.hotfixes.filter((row) => !row.postmortem);
  if (totals.postmortems_missing > 0) items.push(`${totals.postmortems_missing} hotfix${totals.postmortems_missing === 1 ? " has" : "es have"} no postmortem issue: ${missing.map(prLink).join(", ")}.`);
  return items;
};

const approvalsCell = (row: ReportHotfix): string =>
  row.approvals.length === 0
    ? "none"
    : row.approvals
        .map((approval) => `\`${approval.login}\` on \`${approval.commit ? approval.commit.slice(0, 7) : "unknown"}\` at ${formatUtc(approval.at)}${approval.status === "stale" ? " (stale: not counted)" : ""}`)
        .join("<br>");

const backportsCell = (row: ReportHotfix): string =>
  row.backports.length === 0
    ? "none"
    : row.backports
        .map((backport) => {
          const target = `\`${escapeMarkdown(backport.target)}\``;
          const pr = backport.pull_request ? `${otherLink(row, backport.pull_request)} (${backport.state})` : null;
          if (backport.state === "already_applied") return `${target}: already applied`;
          if (backport.failure) return `${target}: ${escapeMarkdown(backport.failure)}${pr ? `, then ${pr}` : ""}`;
          return `${target}: ${pr}`;
        })
        .join("<br>");

const postmortemCell = (row: ReportHotfix): string => {
  const pm = row.postmortem;
  if (!pm) return "none";
  const judged = pm.on_time === null ? "not yet due" : pm.on_time ? "on time" : pm.state === "open" ? "**overdue**" : "closed late";
  return `${issueLink(pm.url, pm.number)} ${pm.state}, due ${pm.due_date}, ${judged}`;
};

const REVIEW: Record<ReportHotfix["review_after_merge"]["status"], string> = {
  not_required: "not needed",
  done: "done",
  late: "done late",
  pending: "pending",
  overdue: "**overdue**",
};

const reviewCell = (row: ReportHotfix): string => {
  const review = row.review_after_merge;
  const by = review.reviewer ? ` by \`${review.reviewer}\` at ${formatUtc(review.at!)}` : "";
  const due = review.due_at && !review.reviewer ? ` (due ${formatUtc(review.due_at)})` : "";
  return `${REVIEW[review.status]}${by}${due}`;
};

const mergedCell = (row: ReportHotfix): string => {
  const by = row.merged_by ? ` by \`${row.merged_by}\`` : "";
  const fast = row.fast_tracked ? ` (fast-tracked${row.fast_track_ordered_by ? ` on behalf of \`${row.fast_track_ordered_by}\`` : ""})` : "";
  return `${formatUtc(row.merged_at)}${by}${fast}`;
};

export const renderMarkdown = (report: HotfixReport): string => {
  const { totals } = report;
  const attention = attentionItems(report);
  const lead = (name: string, key: keyof HotfixReport["totals"]["lead_times"]) =>
    `| ${name} | ${duration(totals.lead_times[key].median)} | ${duration(totals.lead_times[key].p90)} | ${totals.lead_times[key].hotfixes} |`;
  const lines = [
    `# Hotfix report: ${report.scope.replace(/^(repo|org|user):/, "")}, ${report.since} to ${report.until}`,
    "",
    `Merged pull requests of \`${report.scope}\` from ${report.since} to ${report.until} (UTC, both inclusive, by merge date), read from GitHub at ${formatUtc(report.generated_at)} by \`npx hotfix-governance report\`.`,
    "",
    "## Totals",
    "",
    "| | |",
    "|---|---|",
    `| Hotfixes | ${totals.hotfixes} |`,
    `| Merged pull requests | ${totals.merged_pull_requests} |`,
    `| Emergency rate | ${percent(totals.emergency_rate)}${totals.emergency_rate_flagged ? ` ⚠️ over ${percent(EMERGENCY_RATE_LIMIT)}` : ""} |`,
    `| Outside governance (merged without a \`success\` verdict) | ${totals.outside_governance} |`,
    `| Fast-tracked by the app | ${totals.fast_tracked} |`,
    `| Backport failures | ${ratio(totals.backport_failures, totals.backports)}; ${totals.open_backport_failures} still without a backport pull request |`,
    `| Reverts | ${totals.reverts} |`,
    `| Postmortems closed by their due date | ${ratio(totals.postmortems_closed_on_time, totals.postmortems_judged)}; ${totals.postmortems_overdue} overdue, ${totals.postmortems_missing} missing |`,
    `| Reviews after merge missing | ${totals.reviews_after_merge_missing} |`,
    "",
    "| Lead time | Median | 90th percentile | Hotfixes |",
    "|---|---|---|---|",
    lead("Label → first approval", "label_to_first_approval"),
    lead("Label → merge", "label_to_merge"),
    lead("Opened → merge", "opened_to_merge"),
    "",
    "## What needs attention",
    "",
    ...(attention.length > 0 ? attention.map((item) => `- ${item}`) : ["Nothing: every hotfix is governed, reviewed, ported and postmortemed on time."]),
    "",
    "## Trends",
    "",
    ...charts(report),
    "",
    "## Hotfixes",
    "",
  ];
  if (report.hotfixes.length === 0) {
    lines.push("No hotfix was merged in this period.");
  } else {
    lines.push(
      "| PR | Title | Incident | Base | Author | Approvals (as the check counted them) | Verdict | Merged | Label → merge | Backports | Revert | Postmortem | Review after merge |",
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
      ...report.hotfixes.map((row) =>
        [
          prLink(row),
          cell(row.title),
          row.incident ? cell(row.incident) : "none",
          `\`${escapeMarkdown(row.base)}\``,
          row.author ? `\`${row.author}\`` : "ghost",
          approvalsCell(row),
          row.outside_governance ? `**${row.verdict}** (outside governance)` : row.verdict,
          mergedCell(row),
          duration(row.lead_times.label_to_merge),
          backportsCell(row),
          row.revert ? `${otherLink(row, row.revert.pull_request)} (${row.revert.state})` : "none",
          postmortemCell(row),
          reviewCell(row),
        ].join(" | "),
      ).map((line) => `| ${line} |`),
    );
  }
  return `${lines.join("\n")}\n`;
};
