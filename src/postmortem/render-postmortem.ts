import { actorName, describeBackport, isFailedBackport, type Postmortem, type TimelineEntry } from "./build-postmortem.js";
import { reviewDueMarker } from "../governance/merge/review-after-merge.js";
import { dueMarker, postmortemMarker } from "./markers.js";
import { escapeMarkdown } from "./markdown-text.js";
import { formatDuration, formatUtc } from "./time.js";

/** GitHub refuses issue bodies longer than this (characters). */
export const MAX_ISSUE_BODY = 65_536;

const none = (text: string) => `_${text}_`;
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const mentions = (logins: string[]) => logins.map((login) => `@${login}`).join(", ");

export const prLink = (pm: Postmortem): string => `[#${pm.number} ${escapeMarkdown(pm.prTitle)}](${pm.prUrl})`;

export const mergeCommitText = (pm: Postmortem): string =>
  pm.mergeCommitSha ? (pm.mergeCommitUrl ? `[\`${pm.mergeCommitSha.slice(0, 7)}\`](${pm.mergeCommitUrl})` : `\`${pm.mergeCommitSha.slice(0, 7)}\``) : none("unknown");

export const incidentText = (pm: Postmortem): string => (pm.incident ? escapeMarkdown(pm.incident) : none("none found in the pull request"));

export const approversText = (pm: Postmortem): string => (pm.approvers.length > 0 ? mentions(pm.approvers) : none(pm.approvalNote ?? "none"));

export const mergedByText = (pm: Postmortem): string => actorName(pm.mergedBy);

/** The timeline as a table; `omitted` entries left out (for size) are named after the first `omittedAt` rows. */
export const timelineTable = (entries: TimelineEntry[], omitted = 0, omittedAt = entries.length): string => {
  const row = (entry: TimelineEntry) => `| ${formatUtc(entry.at).replace(" UTC", "")} | ${cell(entry.text)} |`;
  return [
    "| Time (UTC) | Event |",
    "| --- | --- |",
    ...entries.slice(0, omittedAt).map(row),
    ...(omitted > 0 ? [`| … | ${omitted} more events: see the pull request |`] : []),
    ...entries.slice(omittedAt).map(row),
  ].join("\n");
};

const span = (seconds: number | null, missing: string) => (seconds == null ? none(missing) : formatDuration(seconds));

export const durationsTable = (pm: Postmortem): string => {
  const noLabel = pm.labeledAfterMerge ? "label added after merge" : pm.labeledAt ? "" : "no label record";
  const quorum = pm.approvalsRequired > 0 ? `Label → quorum (${pm.approvalsRequired} approval${pm.approvalsRequired === 1 ? "" : "s"})` : "Label → quorum";
  return [
    "| Span | Duration |",
    "| --- | --- |",
    `| Label → first approval | ${span(pm.durations.labelToFirstApproval, noLabel || "no approval")} |`,
    `| ${quorum} | ${span(pm.durations.labelToQuorum, noLabel || (pm.approvalsRequired > 0 ? "quorum not held at merge" : "no approval required"))} |`,
    `| Label → merge | ${span(pm.durations.labelToMerge, noLabel)} |`,
    `| Opened → merge | ${span(pm.durations.openedToMerge, "unknown")} |`,
  ].join("\n");
};

/** A fenced block that no backtick run inside `text` can close. */
const fenced = (text: string, info: string, indent: string): string => {
  const fence = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((match) => match[0].length + 1)));
  return [`${fence}${info}`, ...text.trimEnd().split("\n"), fence].map((line) => `${indent}${line}`).join("\n");
};

/** Each backport on its own line; a failed one carries the git commands to do it by hand, when the backport step gave them. */
export const backportsList = (pm: Postmortem): string =>
  pm.backports.length > 0
    ? pm.backports
        .map((outcome) => {
          const commands = (outcome as { manualCommands?: string }).manualCommands;
          return `- ${describeBackport(outcome)}${isFailedBackport(outcome) && commands ? `\n\n${fenced(commands, "sh", "  ")}\n` : ""}`;
        })
        .join("\n")
    : none("No backport targets.");

export const actionItemsList = (pm: Postmortem): string => pm.actionItems.map((item) => `- [ ] ${item}`).join("\n");

export const assigneesText = (pm: Postmortem): string => {
  const assigned = pm.assignees.assigned.length > 0 ? mentions(pm.assignees.assigned) : none("nobody");
  if (pm.assignees.skipped.length === 0) return assigned;
  const skipped = pm.assignees.skipped.map((skip) => `\`${skip.login}\` (${skip.reason})`).join(", ");
  return `${assigned}; not assigned: ${skipped}`;
};

const factsTable = (pm: Postmortem): string =>
  [
    "| | |",
    "| --- | --- |",
    `| Pull request | ${cell(prLink(pm))} |`,
    `| Merge commit | ${mergeCommitText(pm)} |`,
    `| Incident | ${cell(incidentText(pm))} |`,
    `| Author | ${actorName(pm.author)} |`,
    `| Merged by | ${mergedByText(pm)}, ${formatUtc(pm.mergedAt)} |`,
    `| Approvers | ${cell(approversText(pm))} |`,
    ...(pm.severity.length > 0 ? [`| Severity | ${pm.severity.map((label) => `\`${label.replace(/`/g, "'")}\``).join(", ")} |`] : []),
    `| Assignees | ${cell(assigneesText(pm))} |`,
    `| Due | **${pm.dueDate}** (${pm.dueInDays} day${pm.dueInDays === 1 ? "" : "s"} after the merge) |`,
  ].join("\n");

const section = (title: string, hint: string) => `## ${title}\n\n<!-- ${hint} -->\n`;

/** The hidden markers every postmortem body carries, whatever its layout: found again, reminded on time. */
export const bodyMarkers = (pm: Postmortem): string =>
  `${postmortemMarker(pm.number)}\n${dueMarker(pm.dueDate)}${pm.reviewAfterMerge ? `\n${reviewDueMarker(pm.number, pm.reviewAfterMerge.dueAt)}` : ""}`;

/** The default layout: facts filled from GitHub, then the sections the leads write. */
export const defaultBody = (pm: Postmortem, timeline: { entries: TimelineEntry[]; omitted: number; omittedAt?: number } = { entries: pm.timeline, omitted: 0 }): string =>
  [
    bodyMarkers(pm),
    `# Postmortem: ${escapeMarkdown(pm.prTitle)} (#${pm.number})`,
    `Emergency change ${prLink(pm)} was merged on ${formatUtc(pm.mergedAt)}. This issue was opened by Hotfix Governance with what GitHub records about it; please write the sections below and close the issue when the review is done.`,
    factsTable(pm),
    "## Timeline (UTC)",
    timelineTable(timeline.entries, timeline.omitted, timeline.omittedAt),
    "## Durations",
    durationsTable(pm),
    "## Backports",
    backportsList(pm),
    section("Summary", "What happened, in two or three sentences."),
    section("Impact", "Who and what was affected, for how long, how badly."),
    section("Root cause", "Why it happened; keep asking why."),
    section("Detection", "How it was noticed, and how it could have been noticed sooner."),
    section("Resolution", "What the hotfix changed and how it was verified."),
    section("What went well", "Keep doing."),
    section("What went badly", "Stop doing, or do differently."),
    "## Action items",
    actionItemsList(pm),
  ].join("\n\n") + "\n";

/**
 * The default body, within GitHub's size limit: a very long timeline keeps its first and last
 * entries and says how many were left out.
 */
export const renderDefaultBody = (pm: Postmortem): string => {
  let body = defaultBody(pm);
  let keep = pm.timeline.length;
  while (body.length > MAX_ISSUE_BODY && keep > 2) {
    keep = Math.floor(keep / 2);
    const head = pm.timeline.slice(0, keep - 1);
    const last = pm.timeline.slice(-1);
    body = defaultBody(pm, { entries: [...head, ...last], omitted: pm.timeline.length - head.length - last.length, omittedAt: head.length });
  }
  return body.length > MAX_ISSUE_BODY ? `${body.slice(0, MAX_ISSUE_BODY - 40)}\n\n_(truncated: too long for GitHub)_\n` : body;
};
