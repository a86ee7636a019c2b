import type { BackportOutcome } from "../backport/outcome.js";
import type { HotfixConfig } from "../config/schema.js";
import type { ApprovalsRecord } from "../governance/approvals/evaluate-approvals.js";
import type { Actor, HeadCheck } from "../governance/facts.js";
import { incidentReference } from "../governance/rules/incident.js";
import { requiredCheckState } from "../governance/rules/required-checks.js";
import { parseMergeCommand } from "../governance/merge/command.js";
import { reviewActionItem } from "../governance/merge/review-after-merge.js";
import { markers, revertBranch } from "../backport/naming.js";
import { parseRevertCommands } from "../backport/revert-command.js";
import { lastEmergencyCommand } from "./emergency-commands.js";
import type { HistoryComment, LabelEvent, PullRequestHistory } from "./history.js";
import { escapeMarkdown, postmortemTitle } from "./markdown-text.js";
import { severityLabels } from "./severity-labels.js";
import { dueDate, formatUtc, secondsBetween } from "./time.js";

/** Who the issue is assigned to, and who could not be (with why: the issue says so). */
export interface AssigneePlan {
  assigned: string[];
  skipped: Array<{ login: string; reason: string }>;
}

export interface PostmortemInput {
  repository: string;
  history: PullRequestHistory;
  /** The PR's labels when it was merged (the merge payload): severity labels are carried over. */
  labelsAtMerge: string[];
  backports: BackportOutcome[];
  config: HotfixConfig;
  assignees: AssigneePlan;
  /** The review after merge still due (SPEC §8), if any. */
  reviewAfterMerge?: { dueAt: string } | null;
}

export type TimelineKind =
  | "opened"
  | "labeled"
  | "unlabeled"
  | "approval"
  | "revocation"
  | "checks_green"
  | "merged"
  | "backport"
  | "backport_failed"
  | "revert_opened"
  | "revert_merged";

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  /** Markdown: user text already escaped. */
  text: string;
}

export interface ApprovalEvent {
  login: string;
  kind: "approval" | "revocation";
  at: string;
  url: string | null;
  /** Why this approval no longer counted at merge (a later push), if so. */
  stale?: string;
}

export interface Durations {
  labelToFirstApproval: number | null;
  labelToQuorum: number | null;
  labelToMerge: number | null;
  openedToMerge: number | null;
}

/** Everything the postmortem says, decided; rendering only lays it out. */
export interface Postmortem {
  repository: string;
  number: number;
  /** The issue title (plain text, as GitHub shows titles). */
  title: string;
  prTitle: string;
  prUrl: string;
  author: Actor | null;
  openedAt: string;
  mergedAt: string;
  mergedBy: Actor | null;
  mergeCommitSha: string | null;
  mergeCommitUrl: string | null;
  incident: string | null;
  hotfixLabel: string;
  /** When the hotfix label that was in effect at merge was added; null when GitHub has no record. */
  labeledAt: string | null;
  labeledAfterMerge: boolean;
  approvalsRequired: number;
  approvers: string[];
  approvalEvents: ApprovalEvent[];
  /** Why there are no approvers, when that needs saying. */
  approvalNote: string | null;
  requiredChecks: string[];
  checksGreenAt: string | null;
  /** Required checks that were not green on the head commit at merge. */
  checksNotGreen: string[];
  timeline: TimelineEntry[];
  durations: Durations;
  dueDate: string;
  dueInDays: number;
  labels: string[];
  severity: string[];
  assignees: AssigneePlan;
  backports: BackportOutcome[];
  /** The review after merge still due (SPEC §8), if any. */
  reviewAfterMerge: { dueAt: string } | null;
  /** Markdown checklist items (without the `- [ ] ` prefix). */
  actionItems: string[];
}

/** `@login`, or `name[bot]` for apps (bots cannot be notified or assigned). */
export const actorName = (actor: Actor | null): string => {
  if (!actor) return "a deleted account";
  if (actor.isBot) return actor.login.endsWith("[bot]") ? actor.login : `${actor.login}[bot]`;
  return `@${actor.login}`;
};

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const byTime = <T extends { at: string }>(items: T[]): T[] =>
  items.map((item, index) => ({ item, index })).sort((a, b) => Date.parse(a.item.at) - Date.parse(b.item.at) || a.index - b.index).map(({ item }) => item);

/**
 * When the hotfix label in effect at merge was added: the last `labeled` before the merge not
 * undone by an `unlabeled` before the merge. With none, the first one after the merge (the label
 * came late) or null.
 */
export const hotfixLabeledAt = (events: LabelEvent[], label: string, mergedAt: string): { at: string | null; afterMerge: boolean } => {
  const mine = byTime(events.filter((event) => same(event.label, label)));
  const merge = Date.parse(mergedAt);
  let inEffect: string | null = null;
  for (const event of mine.filter((candidate) => Date.parse(candidate.at) <= merge)) {
    if (event.action === "labeled") inEffect ??= event.at;
    else inEffect = null;
  }
  if (inEffect) return { at: inEffect, afterMerge: false };
  const late = mine.find((event) => event.action === "labeled" && Date.parse(event.at) > merge);
  return late ? { at: late.at, afterMerge: true } : { at: null, afterMerge: false };
};

/** Why a recorded approval did not count at merge, as the timeline says it. */
const NOT_COUNTED: Partial<Record<ApprovalsRecord["not_counted"][number]["reason"], string>> = {
  stale: "given before the head commit was pushed, or on an earlier commit",
  base_changed: "given before the base branch was changed",
  expired: "expired (`approvals.expire_after_hours`)",
  dismissed: "in a review that was dismissed",
};

const sameMoment = (a: string, b: string): boolean => Math.abs(Date.parse(a) - Date.parse(b)) < 1_000;

/**
 * The approvals and revocations in time order, as the `Hotfix governance` check judged them on
 * the merged head: its hidden record (`readApprovalsRecord`) says which approval commands
 * counted and why the others stopped counting, so the postmortem never re-derives a decision.
 * A command the record does not hold as an approval (refused: not authorized, the author, a
 * bot, edited …) is no approval event. A revocation withdraws an earlier approval of the same
 * person. Commands after the merge changed nothing: left out. No record (the check never judged
 * the head) → no approvals.
 */
export const approvalEvents = (comments: HistoryComment[], mergedAt: string, record: ApprovalsRecord | null): ApprovalEvent[] => {
  if (!record) return [];
  const current = new Set<string>();
  const events: ApprovalEvent[] = [];
  const sources = byTime(comments.filter((comment) => !comment.byApp && comment.author).map((comment) => ({ comment, at: comment.createdAt })));
  for (const { comment, at } of sources) {
    if (Date.parse(at) > Date.parse(mergedAt)) continue;
    const command = lastEmergencyCommand(comment.body);
    const login = comment.author!.login;
    const key = login.toLowerCase();
    const mine = (entry: { login: string; at: string }) => same(entry.login, login) && sameMoment(entry.at, at);
    if (command === "approve") {
      if (record.counted.some(mine)) {
        current.add(key);
        events.push({ login, kind: "approval", at, url: comment.url });
        continue;
      }
      const refused = record.not_counted.find(mine);
      if (refused?.reason === "revoked") {
        // Counted until the revocation that follows it in the conversation.
        current.add(key);
        events.push({ login, kind: "approval", at, url: comment.url });
        continue;
      }
      const stale = refused ? NOT_COUNTED[refused.reason] : undefined;
      if (!stale) continue;
      current.delete(key);
      events.push({ login, kind: "approval", at, url: comment.url, stale });
    } else if (command === "revoke" && current.has(key)) {
      current.delete(key);
      events.push({ login, kind: "revocation", at, url: comment.url });
    }
  }
  return events;
};

/**
 * When the quorum that stood at merge was reached: the moment `required` distinct approvals last
 * came to stand together and then held until the merge. Null when it did not hold at the merge
 * (or none was required).
 */
export const quorumAt = (events: ApprovalEvent[], required: number): string | null => {
  if (required <= 0) return null;
  const standing = new Set<string>();
  let since: string | null = null;
  for (const event of events) {
    if (event.kind === "approval" && !event.stale) standing.add(event.login.toLowerCase());
    else standing.delete(event.login.toLowerCase());
    if (standing.size >= required) since ??= event.at;
    else since = null;
  }
  return since;
};

/** When every required check had succeeded on the head commit (the latest completion), or which did not. */
export const requiredChecksGreen = (headChecks: HeadCheck[], required: string[]): { at: string | null; notGreen: string[] } => {
  if (required.length === 0) return { at: null, notGreen: [] };
  // The same reading as the check's rule: as branch protection counts them.
  const states = required.map((name) => ({ name, state: requiredCheckState(headChecks, name) }));
  const notGreen = states.filter(({ state }) => state.state !== "passed").map(({ name }) => name);
  if (notGreen.length > 0) return { at: null, notGreen };
  const times = states
    .flatMap(({ state }) => (state.state === "passed" ? state.checks.map((check) => check.completedAt) : []))
    .filter((at): at is string => Boolean(at));
  return { at: times.length ? times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)) : null, notGreen };
};

const clamp = (seconds: number | null): number | null => (seconds == null ? null : Math.max(0, seconds));

const FAILED: Record<string, string> = {
  conflict: "the change does not apply cleanly",
  missing_branch: "the branch does not exist",
  refused: "GitHub refused the write",
  failed: "GitHub failed",
};

export const isFailedBackport = (outcome: BackportOutcome): boolean => outcome.status in FAILED;

/** The app's own words on a backport (Markdown it wrote itself), on one line. */
const reasonOf = (outcome: BackportOutcome): string | null => outcome.reason?.replace(/\s*\n\s*/g, " ").trim() || null;

/** One line about a backport, for the timeline and the backports list. */
export const describeBackport = (outcome: BackportOutcome): string => {
  const target = `\`${outcome.target.replace(/`/g, "'")}\``;
  const reason = reasonOf(outcome) ? `: ${reasonOf(outcome)}` : "";
  switch (outcome.status) {
    case "created":
      return `Backport to ${target} opened: ${outcome.pullRequest ? `#${outcome.pullRequest.number}` : "pull request"}`;
    case "already_applied":
      return `Backport to ${target} not needed: the change is already there${reason}`;
    case "planned":
      return `Backport to ${target} planned (dry run)${reason}`;
    default:
      // The reason says what went wrong in full; the short phrase stands in when there is none.
      return `Backport to ${target} failed: ${reasonOf(outcome) ?? FAILED[outcome.status] ?? outcome.status}`;
  }
};

/** The action item of a failed backport (the postmortem's checklist, and later `/backport` failures). */
export const backportActionItem = (number: number, outcome: BackportOutcome): string => {
  const target = `\`${outcome.target.replace(/`/g, "'")}\``;
  const why = reasonOf(outcome) ?? FAILED[outcome.status];
  return outcome.status === "missing_branch"
    ? `Port #${number} to ${target} by hand, or drop the target (${why})`
    : `Port #${number} to ${target} by hand (${why})`;
};

const actionItems = (pm: Omit<Postmortem, "actionItems">): string[] => {
  const items: string[] = pm.backports.filter(isFailedBackport).map((outcome) => backportActionItem(pm.number, outcome));
  if (pm.reviewAfterMerge) items.push(reviewActionItem(pm.number, pm.reviewAfterMerge.dueAt));
  if (pm.checksNotGreen.length > 0) {
    items.push(`Confirm the required checks ${pm.checksNotGreen.map((name) => `\`${name}\``).join(", ")} pass: they were not green at merge`);
  }
  if (pm.approvalsRequired > 0 && pm.approvers.length < pm.approvalsRequired) {
    items.push(`Review why #${pm.number} merged with ${pm.approvers.length} of ${pm.approvalsRequired} required emergency approvals`);
  }
  const incident = pm.incident ? ` for ${escapeMarkdown(pm.incident)}` : "";
  items.push(`Follow up the hotfix with the permanent fix${incident} (tests, monitoring, clean-up of the emergency change)`);
  return items;
};

/**
 * A merge the app made on the fast track (SPEC §8): by a bot, on a `/merge-emergency` the app
 * accepted (its 👍) before the merge — or, with `merge.auto`, on no command at all.
 */
export const fastTrackText = (history: PullRequestHistory, mergedAt: string, config: HotfixConfig): string | null => {
  if (!history.mergedBy?.isBot) return null;
  const order = [...history.comments]
    .reverse()
    .find(
      (comment) =>
        comment.kind === "comment" &&
        !comment.byApp &&
        comment.author &&
        comment.appReactions.includes("THUMBS_UP") &&
        Date.parse(comment.createdAt) <= Date.parse(mergedAt) &&
        parseMergeCommand(comment.body) !== null,
    );
  if (order) return `Fast-track merged by the app on behalf of @${order.author!.login}${order.url ? ` ([command](${order.url}))` : ""}`;
  return config.merge.auto ? "Fast-track merged by the app (`merge.auto`)" : null;
};

/**
 * The revert of the hotfix, as GitHub holds it: the app's PR from `revert/<n>` carrying the
 * revert marker (it says `Reverts #<n>`, so it is on the PR's timeline), and the order it came
 * from — the earliest `/revert-emergency` on the PR the app accepted (its 👍) before the revert
 * PR was opened: who, when, and the reason typed. A revert PR someone else opened is not the app's
 * revert; no accepted order found (a deleted comment) leaves the line without who.
 */
export const revertEntries = (history: PullRequestHistory): TimelineEntry[] => {
  const revert = (history.referencingPullRequests ?? []).find(
    (pull) => pull.byApp && pull.headRefName === revertBranch(history.number) && pull.body.includes(markers.revertPullRequest(history.number)),
  );
  if (!revert) return [];
  const order = byTime(
    history.comments
      .filter((comment) => !comment.byApp && comment.author && comment.appReactions.includes("THUMBS_UP") && Date.parse(comment.createdAt) <= Date.parse(revert.createdAt))
      .flatMap((comment) => parseRevertCommands(comment.body).slice(0, 1).map((command) => ({ comment, command, at: comment.createdAt }))),
  )[0];
  const orderedBy = order
    ? ` on the order of @${order.comment.author!.login} at ${formatUtc(order.at)}${order.comment.url ? ` ([command](${order.comment.url}))` : ""}${order.command.reason ? `; reason: ${escapeMarkdown(order.command.reason)}` : "; no reason given"}`
    : "";
  return [
    { at: revert.createdAt, kind: "revert_opened", text: `Revert #${revert.number} opened by the app${orderedBy}` },
    ...(revert.mergedAt ? [{ at: revert.mergedAt, kind: "revert_merged" as const, text: `Revert #${revert.number} merged: #${history.number} is reverted` }] : []),
  ];
};

/** Decides what the postmortem of a merged hotfix says, from the facts GitHub holds. Pure. */
export const buildPostmortem = (input: PostmortemInput): Postmortem => {
  const { history, config } = input;
  const mergedAt = history.mergedAt!;
  const label = hotfixLabeledAt(history.labelEvents, config.label, mergedAt);
  const events = approvalEvents(history.comments, mergedAt, history.approvalsRecord);
  // Who stood at the merge is what the check counted, whatever the conversation shows now.
  const approvers = history.approvalsRecord ? history.approvalsRecord.counted.map((approval) => approval.login) : [];
  const required = config.approvals.required;
  const quorum = quorumAt(events, required);
  const checks = requiredChecksGreen(history.headChecks, config.required_checks);
  const firstApproval = events.find((event) => event.kind === "approval" && !event.stale)?.at ?? null;
  const labelBeforeMerge = label.afterMerge ? null : label.at;

  let approvalNote: string | null = null;
  if (label.afterMerge) {
    approvalNote = `The \`${config.label}\` label was added after the merge (${formatUtc(label.at!)}): no emergency approval was collected before the change went in.`;
  } else if (approvers.length === 0) {
    approvalNote =
      required === 0
        ? "No emergency approval was required (`approvals.required: 0`)."
        : history.approvalsRecord
          ? "No accepted `/approve-emergency` stood at the merge."
          : "The `Hotfix governance` check recorded no approvals on the merged head commit (it never judged that commit).";
  }

  const timeline: TimelineEntry[] = [
    { at: history.createdAt, kind: "opened", text: `Pull request #${history.number} opened by ${actorName(history.author)}` },
    ...history.labelEvents
      .filter((event) => same(event.label, config.label))
      .map<TimelineEntry>((event) => ({
        at: event.at,
        kind: event.action,
        text: `${event.action === "labeled" ? "Labelled" : "Label removed:"} \`${config.label}\`${event.actor ? ` by @${event.actor}` : ""}`,
      })),
    ...events.map<TimelineEntry>((event) => ({
      at: event.at,
      kind: event.kind,
      text:
        `${event.kind === "approval" ? "Emergency approval" : "Approval revoked"} by @${event.login}` +
        (event.url ? ` ([comment](${event.url}))` : "") +
        (event.stale ? ` — no longer counted: ${event.stale}` : ""),
    })),
    ...(checks.at
      ? [{ at: checks.at, kind: "checks_green" as const, text: `Required checks green: ${config.required_checks.map((name) => `\`${name}\``).join(", ")}` }]
      : []),
    {
      at: mergedAt,
      kind: "merged",
      text: `${fastTrackText(history, mergedAt, config) ?? `Merged by ${actorName(history.mergedBy)}`}${history.mergeCommitSha ? ` as \`${history.mergeCommitSha.slice(0, 7)}\`` : ""}`,
    },
    ...input.backports.map<TimelineEntry>((outcome) => ({
      at: outcome.at,
      kind: isFailedBackport(outcome) ? "backport_failed" : "backport",
      text: describeBackport(outcome),
    })),
    ...revertEntries(history),
  ];

  const severity = severityLabels(input.labelsAtMerge);
  // Each label once (GitHub's label names are case-insensitive); the configured spelling wins.
  const labels = [...config.postmortem.labels, ...severity].filter(
    (name, index, all) => all.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === index,
  );
  const base: Omit<Postmortem, "actionItems"> = {
    repository: input.repository,
    number: history.number,
    title: postmortemTitle(history.title, history.number),
    prTitle: history.title,
    prUrl: history.url,
    author: history.author,
    openedAt: history.createdAt,
    mergedAt,
    mergedBy: history.mergedBy,
    mergeCommitSha: history.mergeCommitSha,
    mergeCommitUrl: history.mergeCommitSha ? history.url.replace(/\/pull\/\d+\/?$/, `/commit/${history.mergeCommitSha}`) : null,
    incident: incidentReference(history.body, config),
    hotfixLabel: config.label,
    labeledAt: label.at,
    labeledAfterMerge: label.afterMerge,
    approvalsRequired: required,
    approvers,
    approvalEvents: events,
    approvalNote,
    requiredChecks: config.required_checks,
    checksGreenAt: checks.at,
    checksNotGreen: checks.notGreen,
    timeline: byTime(timeline),
    durations: {
      labelToFirstApproval: clamp(secondsBetween(labelBeforeMerge, firstApproval)),
      labelToQuorum: clamp(secondsBetween(labelBeforeMerge, quorum)),
      labelToMerge: clamp(secondsBetween(labelBeforeMerge, mergedAt)),
      openedToMerge: clamp(secondsBetween(history.createdAt, mergedAt)),
    },
    dueDate: dueDate(mergedAt, config.postmortem.due_in_days),
    dueInDays: config.postmortem.due_in_days,
    labels,
    severity,
    assignees: input.assignees,
    backports: input.backports,
    reviewAfterMerge: input.reviewAfterMerge ?? null,
  };
  return { ...base, actionItems: actionItems(base) };
};
