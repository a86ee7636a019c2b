import type { BackportOutcome } from "../backport/outcome.js";
import type { HotfixConfig } from "../config/schema.js";
import type { GitHub } from "../github/gateway.js";
import type { IssueRef } from "../github/issues.js";
import { readThroughLag } from "../github/read-through-lag.js";
import { buildPostmortem, type AssigneePlan, type Postmortem } from "../postmortem/build-postmortem.js";
import { dryRunComment, failureComment, foundLinkComment, linkComment, skippedAssigneesNote, templateProblemNote } from "../postmortem/comments.js";
import type { HistoryComment, PullRequestHistory } from "../postmortem/history.js";
import { isPostmortemOf, readPostmortemComment } from "../postmortem/markers.js";
import { renderDefaultBody } from "../postmortem/render-postmortem.js";
import { fillTemplate } from "../postmortem/template.js";
import type { MergedPullRequest } from "./after-merge.js";
import type { Delivery } from "./delivery.js";
import type { ReviewAfterMerge } from "./review-after-merge.js";
import { describeGitHubError } from "../github/errors.js";

/** The postmortem's calls: the PR's history, the issue found again or opened, its assignees and template, the PR's comment. */
export type PostmortemGitHub = Pick<
  GitHub,
  "fetchPullRequestHistory" | "findRecentIssue" | "canBeAssigned" | "readRepositoryFile" | "createIssue" | "createComment" | "updateComment"
>;

type Log = Delivery["log"];

/** The app's own comment about this PR's postmortem, if it wrote one. */
interface OwnComment {
  id: number;
  body: string;
  issue: number | null;
}

export type PostmortemOutcome = "disabled" | "not-found" | "exists" | "dry-run" | "created" | "failed";

/**
 * Opens the postmortem of a merged hotfix (SPEC §6), exactly once:
 * 1. read the PR's history from GitHub (one GraphQL query): facts, timeline, the app's own comments;
 * 2. find the postmortem again — the app's link comment on the PR, an issue of the app's that
 *    references the PR, or (an earlier attempt stopped between two writes) a recent issue carrying
 *    the PR's marker — and if found, only make sure the PR links it;
 * 3. otherwise decide its assignees (who can be assigned), build and render it (repository template
 *    or the default layout), then open it and link it on the PR: two writes.
 * In a dry run nothing is opened; the PR comment says what would be. A failure to open the issue
 * (issues disabled: 410) is logged and said on the PR, never thrown.
 */
export const ensurePostmortem = async (
  delivery: Delivery<PostmortemGitHub>,
  pr: MergedPullRequest,
  config: HotfixConfig,
  backports: BackportOutcome[],
  /** The review after merge still due (SPEC §8): an action item, and a deadline for the reminder. */
  reviewAfterMerge: ReviewAfterMerge | null = null,
): Promise<PostmortemOutcome> => {
  const log = delivery.log.child({ pr: pr.number, step: "postmortem" });
  if (!config.postmortem.enabled) {
    log.info({ outcome: "disabled" }, "postmortem not opened: `postmortem.enabled` is false");
    return "disabled";
  }

  // 1. gather
  const fetched = await readThroughLag(() => delivery.github.fetchPullRequestHistory(delivery.repo, pr.number, delivery.appId), { delaysMs: delivery.readRetryDelaysMs });
  if (!fetched) {
    log.warn({ outcome: "not-found" }, "postmortem not opened: the pull request cannot be read");
    return "not-found";
  }
  const history = withMergeFacts(fetched, pr);
  const ownComment = findOwnComment(history.comments, pr.number);

  // 2. find it again
  const existing = await findExisting(delivery, history, ownComment, config.dry_run);
  if (existing) {
    await ensureComment(delivery, log, pr.number, ownComment, ownComment?.issue === existing.number ? ownComment.body : foundLinkComment(pr.number, existing));
    log.info({ outcome: "exists", issue: existing.number }, "postmortem already open");
    return "exists";
  }

  // 3. decide, render, open
  const assignees = await planAssignees(delivery, log, pr, config);
  const pm = buildPostmortem({
    repository: `${delivery.repo.owner}/${delivery.repo.repo}`,
    history,
    labelsAtMerge: pr.labels,
    backports,
    config,
    assignees,
    reviewAfterMerge,
  });
  const { body, notes } = await renderBody(delivery, log, pm, config);

  if (config.dry_run) {
    await ensureComment(delivery, log, pr.number, ownComment, dryRunComment(pm, notes));
    log.info({ outcome: "dry-run", title: pm.title, labels: pm.labels, assignees: assignees.assigned, due: pm.dueDate }, "dry run: postmortem not opened");
    return "dry-run";
  }

  let issue: IssueRef;
  try {
    issue = await openIssue(delivery, log, pm, body);
  } catch (error) {
    const reason = describeGitHubError(error);
    log.error({ outcome: "failed", err: reason, title: pm.title }, "could not open the postmortem issue");
    await ensureComment(delivery, log, pr.number, ownComment, failureComment(pm, reason, body));
    return "failed";
  }
  await ensureComment(delivery, log, pr.number, ownComment, linkComment(pm, issue, notes));

  delivery.runtime.metrics.postmortems.inc();
  if (pm.durations.labelToMerge != null) delivery.runtime.metrics.leadTime.observe({ span: "label_to_merge" }, pm.durations.labelToMerge);
  if (pm.durations.labelToFirstApproval != null) delivery.runtime.metrics.leadTime.observe({ span: "label_to_first_approval" }, pm.durations.labelToFirstApproval);
  log.info(
    { outcome: "created", issue: issue.number, labels: pm.labels, assignees: assignees.assigned, skipped: assignees.skipped.map((skip) => skip.login), due: pm.dueDate },
    "postmortem opened",
  );
  return "created";
};

/** The merge payload fills what GitHub's history may not show yet (a read racing the merge). */
const withMergeFacts = (history: PullRequestHistory, pr: MergedPullRequest): PullRequestHistory => ({
  ...history,
  mergedAt: history.mergedAt ?? pr.mergedAt,
  mergeCommitSha: history.mergeCommitSha ?? pr.mergeCommitSha,
  mergedBy: history.mergedBy ?? (pr.mergedBy ? { login: pr.mergedBy, isBot: pr.mergedBy.endsWith("[bot]") } : null),
});

const findOwnComment = (comments: HistoryComment[], pr: number): OwnComment | null => {
  for (const comment of comments) {
    if (comment.kind !== "comment" || !comment.byApp || comment.id == null) continue;
    const marker = readPostmortemComment(comment.body, pr);
    if (marker) return { id: comment.id, body: comment.body, issue: marker.issue };
  }
  return null;
};

const issueUrl = (prUrl: string, number: number) => prUrl.replace(/\/pull\/\d+\/?$/, `/issues/${number}`);

const findExisting = async (delivery: Delivery<PostmortemGitHub>, history: PullRequestHistory, ownComment: OwnComment | null, dryRun: boolean): Promise<IssueRef | null> => {
  if (ownComment?.issue) return { number: ownComment.issue, url: issueUrl(history.url, ownComment.issue) };
  const referencing = history.referencingIssues.find((issue) => issue.byApp && isPostmortemOf(issue.body, history.number));
  if (referencing) return { number: referencing.number, url: referencing.url };
  if (dryRun) return null;
  return delivery.github.findRecentIssue(delivery.repo, {
    since: history.mergedAt!,
    appId: delivery.appId,
    matches: (body) => isPostmortemOf(body, history.number),
  });
};

/**
 * The PR's author and the configured leads, each once, minus who cannot be assigned (bots, people
 * without access: GET .../assignees/{login} answers 404). The issue says who was skipped and why.
 */
const planAssignees = async (delivery: Delivery<PostmortemGitHub>, log: Log, pr: MergedPullRequest, config: HotfixConfig): Promise<AssigneePlan> => {
  const skipped: AssigneePlan["skipped"] = [];
  const candidates = new Map<string, string>();
  if (pr.authorIsBot) skipped.push({ login: pr.author, reason: "a bot account cannot be assigned" });
  else candidates.set(pr.author.toLowerCase(), pr.author);
  for (const login of config.postmortem.assignees) {
    if (login.endsWith("[bot]")) skipped.push({ login, reason: "a bot account cannot be assigned" });
    else if (!candidates.has(login.toLowerCase())) candidates.set(login.toLowerCase(), login);
  }
  const checked = await Promise.all(
    [...candidates.values()].map(async (login) => {
      try {
        return { login, ok: await delivery.github.canBeAssigned(delivery.repo, login), reason: "cannot be assigned in this repository" };
      } catch (error) {
        log.warn({ login, err: describeGitHubError(error) }, "could not check whether a postmortem assignee can be assigned");
        return { login, ok: false, reason: "could not be checked" };
      }
    }),
  );
  // GitHub assigns at most 10 people to an issue.
  const assignable = checked.filter((entry) => entry.ok).map((entry) => entry.login);
  for (const login of assignable.slice(10)) skipped.push({ login, reason: "GitHub assigns at most 10 people" });
  for (const entry of checked.filter((candidate) => !candidate.ok)) skipped.push({ login: entry.login, reason: entry.reason });
  return { assigned: assignable.slice(0, 10), skipped };
};

/** The repository template when it is usable, else the default layout; what went wrong is a note for the PR. */
const renderBody = async (delivery: Delivery<PostmortemGitHub>, log: Log, pm: Postmortem, config: HotfixConfig): Promise<{ body: string; notes: string[] }> => {
  const notes: string[] = [];
  const skipped = skippedAssigneesNote(pm);
  if (skipped) notes.push(skipped);
  const path = config.postmortem.template;
  if (!path) return { body: renderDefaultBody(pm), notes };
  let problem: string;
  try {
    const file = await delivery.github.readRepositoryFile(delivery.repo, path);
    if (file.ok) {
      const filled = fillTemplate(file.text, pm);
      if (filled.ok) return { body: filled.body, notes };
      problem = filled.problem;
    } else {
      problem = file.problem;
    }
  } catch (error) {
    problem = `it could not be read (${describeGitHubError(error)})`;
  }
  log.warn({ outcome: "template-not-used", template: path, problem }, "postmortem template not used; default layout");
  notes.push(templateProblemNote(path, problem));
  return { body: renderDefaultBody(pm), notes };
};

/** Opens the issue; a 422 naming the assignees (one left the repository meanwhile) is retried once without them. */
const openIssue = async (delivery: Delivery<PostmortemGitHub>, log: Log, pm: Postmortem, body: string): Promise<IssueRef> => {
  const issue = { title: pm.title, body, labels: pm.labels, assignees: pm.assignees.assigned };
  try {
    return await delivery.github.createIssue(delivery.repo, issue);
  } catch (error) {
    const e = error as { status?: number; response?: { data?: { errors?: Array<{ field?: string }> } } };
    const aboutAssignees = e.status === 422 && (e.response?.data?.errors ?? []).some((item) => item.field === "assignees");
    if (!aboutAssignees || issue.assignees.length === 0) throw error;
    log.warn({ err: describeGitHubError(error), assignees: issue.assignees }, "GitHub refused the postmortem assignees; opening it unassigned");
    return delivery.github.createIssue(delivery.repo, { ...issue, assignees: [] });
  }
};

/** Find-or-create-or-update the app's one postmortem comment on the PR; no write when it already says this. */
const ensureComment = async (delivery: Delivery<PostmortemGitHub>, log: Log, pr: number, existing: OwnComment | null, body: string): Promise<void> => {
  try {
    if (existing && existing.body.trim() === body.trim()) return;
    if (existing) await delivery.github.updateComment(delivery.repo, existing.id, body);
    else await delivery.github.createComment(delivery.repo, pr, body);
  } catch (error) {
    log.error({ err: describeGitHubError(error) }, "could not write the postmortem comment on the pull request");
  }
};
