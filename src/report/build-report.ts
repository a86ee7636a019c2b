import type { HotfixConfig } from "../config/schema.js";
import { incidentReference } from "../governance/rules/incident.js";
import { postmortemPullNumber, readDueDate } from "../postmortem/markers.js";
import { dueDate, utcDate } from "../postmortem/time.js";
import { approvalsFromCheck } from "./check-approvals.js";
import type { HotfixFacts, LabelEvent, Reference } from "./facts.js";
import type { HotfixReport, ReportBackport, ReportHotfix, ReportTotals } from "./schema.js";
import { median, percentile } from "./stats.js";

/** More hotfixes than this share of all merged PRs is flagged (auditors treat it as a finding). */
export const EMERGENCY_RATE_LIMIT = 0.1;

const sameLogin = (a: string | null | undefined, b: string | null | undefined): boolean => Boolean(a && b && a.toLowerCase() === b.toLowerCase());
/** GitHub's own form of a time: `2024-05-01T12:00:00Z` (whole seconds). */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const botLogin = (login: string): string => login.replace(/\[bot\]$/i, "");

/**
 * Was the PR a hotfix when it was merged (SPEC 6 and 9)? Its label events up to the merge are
 * replayed; `labelledAt` is when the labelling in force at the merge was made.
 */
export const hotfixAtMerge = (events: LabelEvent[], label: string, mergedAt: string): { hotfix: boolean; labelledAt: string | null } => {
  let labelledAt: string | null = null;
  const merged = Date.parse(mergedAt);
  const ordered = events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => Date.parse(a.event.at) - Date.parse(b.event.at) || a.index - b.index);
  for (const { event } of ordered) {
    if (Date.parse(event.at) > merged || !sameLogin(event.label, label)) continue;
    if (event.action === "labeled") labelledAt ??= event.at;
    else labelledAt = null;
  }
  return { hotfix: labelledAt !== null, labelledAt };
};

/** The line the fast-track merge writes into its merge commit message (SPEC 8). */
const ORDERED_BY = /^Fast-track merged by \S+ on behalf of @([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?)(?![A-Za-z0-9-])/im;

/** Who ordered the fast-track merge: the merge commit says so; a rebase merge has no commit of its own, the app's reply does. */
const orderedBy = (facts: HotfixFacts): string | null =>
  ORDERED_BY.exec(facts.mergeCommitMessage ?? "")?.[1] ?? facts.appComments.map((body) => ORDERED_BY.exec(body)?.[1]).find(Boolean) ?? null;

const verdictOf = (facts: HotfixFacts): ReportHotfix["verdict"] => {
  const check = facts.governanceCheck;
  if (!check) return "missing";
  if (check.status.toLowerCase() !== "completed") return "in_progress";
  const conclusion = (check.conclusion ?? "").toLowerCase();
  if (conclusion === "success" || conclusion === "neutral") return conclusion;
  return "failure";
};

const elapsed = (from: string | null, to: string | null): number | null =>
  from && to ? Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000)) : null;

const prState = (reference: Reference): "open" | "merged" | "closed" =>
  reference.mergedAt || reference.state === "MERGED" ? "merged" : reference.state === "OPEN" ? "open" : "closed";

/** Backports: the PRs of branch `backport/<n>-to-<target>`, and each target the app reported it could not port (by its marker). */
export const backportsOf = (facts: HotfixFacts): ReportBackport[] => {
  const byTarget = new Map<string, ReportBackport>();
  const branch = new RegExp(`^backport/${facts.number}-to-(.+)$`);
  for (const reference of facts.references) {
    const target = reference.kind === "PullRequest" && reference.headRef ? branch.exec(reference.headRef)?.[1] : undefined;
    if (!target || byTarget.get(target)?.pull_request) continue;
    byTarget.set(target, { target, pull_request: reference.number, state: prState(reference), failure: null });
  }
  const marker = new RegExp(`<!-- hotfix-governance:backport-failure:${facts.number}:(.+?) -->\\r?\\n#### \`[^\`\\n]*\`: ([^\\n]+)`, "g");
  for (const body of facts.appComments) {
    for (const match of body.matchAll(marker)) {
      const [, target, headline] = match;
      const known = byTarget.get(target);
      if (headline.trim() === "Already applied") {
        if (!known) byTarget.set(target, { target, pull_request: null, state: "already_applied", failure: null });
        continue;
      }
      byTarget.set(target, { target, pull_request: known?.pull_request ?? null, state: known?.state === "already_applied" ? null : (known?.state ?? null), failure: headline.trim() });
    }
  }
  return [...byTarget.values()].sort((a, b) => a.target.localeCompare(b.target));
};

export const reviewAfterMerge = (facts: HotfixFacts, config: HotfixConfig, now: Date): ReportHotfix["review_after_merge"] => {
  const settings = config.review_after_merge;
  const merged = Date.parse(facts.mergedAt);
  const others = facts.approvingReviews
    .filter((review) => review.author && !sameLogin(review.author, facts.author) && !facts.makers.some((maker) => sameLogin(maker, review.author)) && !/\[bot\]$/i.test(review.author))
    .sort((a, b) => Date.parse(a.submittedAt) - Date.parse(b.submittedAt));
  if (!settings.required || others.some((review) => Date.parse(review.submittedAt) <= merged)) {
    return { status: "not_required", reviewer: null, at: null, due_at: null };
  }
  const dueAt = isoSeconds(merged + settings.within_hours * 3_600_000);
  const after = others.find((review) => Date.parse(review.submittedAt) > merged);
  if (after) return { status: Date.parse(after.submittedAt) <= Date.parse(dueAt) ? "done" : "late", reviewer: after.author, at: after.submittedAt, due_at: dueAt };
  return { status: now.getTime() > Date.parse(dueAt) ? "overdue" : "pending", reviewer: null, at: null, due_at: dueAt };
};

export const postmortemOf = (facts: HotfixFacts, config: HotfixConfig, now: Date): ReportHotfix["postmortem"] => {
  const issue = facts.references.find((reference) => reference.kind === "Issue" && reference.byApp && postmortemPullNumber(reference.body) === facts.number);
  if (!issue) return null;
  const due = readDueDate(issue.body) ?? dueDate(facts.mergedAt, config.postmortem.due_in_days);
  const closed = issue.state !== "OPEN";
  const onTime = closed ? (issue.closedAt ? utcDate(issue.closedAt) <= due : null) : utcDate(now) > due ? false : null;
  return { number: issue.number, url: issue.url, state: closed ? "closed" : "open", due_date: due, closed_at: closed ? issue.closedAt : null, on_time: onTime };
};

/** One row of the report: everything SPEC 9 asks about one merged hotfix. */
export const hotfixRow = (facts: HotfixFacts, config: HotfixConfig, appLogin: string, now: Date): ReportHotfix => {
  const { labelledAt } = hotfixAtMerge(facts.labelEvents, config.label, facts.mergedAt);
  const verdict = verdictOf(facts);
  const approvals = facts.governanceCheck ? approvalsFromCheck(facts.governanceCheck.text, [facts.headSha, ...facts.commitShas]) : [];
  const counted = approvals.filter((approval) => approval.status === "counted").map((approval) => approval.at).sort();
  const fastTracked = Boolean(facts.mergedBy?.isBot && sameLogin(botLogin(facts.mergedBy.login), botLogin(appLogin)));
  const revert = facts.references.find((reference) => reference.kind === "PullRequest" && reference.headRef === `revert/${facts.number}`);
  return {
    repository: facts.repository,
    number: facts.number,
    title: facts.title,
    url: facts.url,
    incident: incidentReference(facts.body, config),
    base: facts.base,
    author: facts.author,
    opened_at: facts.createdAt,
    labelled_at: labelledAt,
    merged_at: facts.mergedAt,
    merged_by: facts.mergedBy ? (facts.mergedBy.isBot ? `${botLogin(facts.mergedBy.login)}[bot]` : facts.mergedBy.login) : null,
    fast_tracked: fastTracked,
    fast_track_ordered_by: fastTracked ? orderedBy(facts) : null,
    verdict,
    outside_governance: verdict !== "success",
    approvals,
    lead_times: {
      label_to_first_approval: elapsed(labelledAt, counted[0] ?? null),
      label_to_merge: elapsed(labelledAt, facts.mergedAt),
      opened_to_merge: elapsed(facts.createdAt, facts.mergedAt),
    },
    backports: backportsOf(facts),
    revert: revert ? { pull_request: revert.number, state: prState(revert), merged_at: revert.mergedAt } : null,
    postmortem: postmortemOf(facts, config, now),
    review_after_merge: reviewAfterMerge(facts, config, now),
  };
};

const leadTime = (values: Array<number | null>) => {
  const known = values.filter((value): value is number => value !== null);
  return { hotfixes: known.length, median: median(known), p90: percentile(known, 90) };
};

const fraction = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export const totalsOf = (rows: ReportHotfix[], mergedPullRequests: number, configs: (repository: string) => HotfixConfig): ReportTotals => {
  const backports = rows.flatMap((row) => row.backports).filter((backport) => backport.state !== "already_applied");
  const failures = backports.filter((backport) => backport.failure !== null);
  const postmortems = rows.flatMap((row) => (row.postmortem ? [row.postmortem] : []));
  const judged = postmortems.filter((postmortem) => postmortem.on_time !== null);
  const rate = fraction(rows.length, mergedPullRequests);
  return {
    hotfixes: rows.length,
    merged_pull_requests: mergedPullRequests,
    emergency_rate: rate,
    emergency_rate_flagged: rate !== null && rate > EMERGENCY_RATE_LIMIT,
    outside_governance: rows.filter((row) => row.outside_governance).length,
    fast_tracked: rows.filter((row) => row.fast_tracked).length,
    lead_times: {
      label_to_first_approval: leadTime(rows.map((row) => row.lead_times.label_to_first_approval)),
      label_to_merge: leadTime(rows.map((row) => row.lead_times.label_to_merge)),
      opened_to_merge: leadTime(rows.map((row) => row.lead_times.opened_to_merge)),
    },
    backports: backports.length,
    backport_failures: failures.length,
    backport_failure_rate: fraction(failures.length, backports.length),
    open_backport_failures: failures.filter((backport) => backport.pull_request === null).length,
    reverts: rows.filter((row) => row.revert).length,
    postmortems: postmortems.length,
    postmortems_missing: rows.filter((row) => !row.postmortem && configs(row.repository).postmortem.enabled).length,
    postmortems_overdue: postmortems.filter((postmortem) => postmortem.state === "open" && postmortem.on_time === false).length,
    postmortems_judged: judged.length,
    postmortems_closed_on_time: judged.filter((postmortem) => postmortem.on_time).length,
    postmortems_on_time: fraction(judged.filter((postmortem) => postmortem.on_time).length, judged.length),
    reviews_after_merge_missing: rows.filter((row) => row.review_after_merge.status === "pending" || row.review_after_merge.status === "overdue").length,
  };
};

export interface ReportInput {
  scope: string;
  since: string;
  until: string;
  now: Date;
  mergedPullRequests: number;
  hotfixes: HotfixFacts[];
  /** The config of each repository, as the app reads it. */
  configOf: (repository: string) => HotfixConfig;
  /** The app's bot account (`hotfix-governance` or `hotfix-governance[bot]`): its merges are fast-tracks. */
  appLogin: string;
}

/** The whole report, computed from what GitHub holds: the same on every run with the same `now`. */
export const buildReport = (input: ReportInput): HotfixReport => {
  const rows = input.hotfixes
    .map((facts) => hotfixRow(facts, input.configOf(facts.repository), input.appLogin, input.now))
    .sort((a, b) => Date.parse(a.merged_at) - Date.parse(b.merged_at) || a.repository.localeCompare(b.repository) || a.number - b.number);
  return {
    scope: input.scope,
    since: input.since,
    until: input.until,
    generated_at: isoSeconds(input.now.getTime()),
    hotfixes: rows,
    totals: totalsOf(rows, input.mergedPullRequests, input.configOf),
  };
};
