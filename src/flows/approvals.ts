import type { HotfixConfig } from "../config/schema.js";
import { commandEntries, evaluateApprovals, peopleToLookUp, type Approval, type ApprovalsEvaluation } from "../governance/approvals/evaluate-approvals.js";
import {
  findStatusComment,
  INACTIVE_MARKER,
  inactiveStatusBody,
  planFeedback,
  planStatusComment,
  reviewRequestsFor,
  statusCommentBody,
} from "../governance/approvals/feedback.js";
import { approverPolicy } from "../governance/approvals/policy.js";
import { dryRunNote } from "../governance/dry-run.js";
import { fastTrackNote } from "../governance/merge/messages.js";
import type { HotfixEvaluation } from "../governance/evaluate-hotfix.js";
import type { PullRequestFacts } from "../governance/facts.js";
import type { RuleResult } from "../governance/rule-result.js";
import type { GitHub } from "../github/gateway.js";
import { coordinationCache } from "../platform/runtime.js";
import type { Delivery } from "./delivery.js";
import { describeGitHubError } from "../github/errors.js";

/** The calls of GitHub the approvals make: the reads that complete a hotfix's facts, access look-ups, the feedback writes. */
export type ApprovalsGitHub = Pick<
  GitHub,
  "readPushHistory" | "readPreviousPaths" | "gatherAccess" | "addReaction" | "createComment" | "updateComment" | "requestReviewers"
>;

/** The pushes to the PR's head branch read into its facts (the one activity request; see `github/activity.ts`). */
export const withPushes = async (delivery: Pick<Delivery<Pick<GitHub, "readPushHistory">>, "github">, facts: PullRequestFacts): Promise<PullRequestFacts> =>
  facts.pushes.state === "not_read" ? { ...facts, pushes: await delivery.github.readPushHistory(facts) } : facts;

/**
 * What a hotfix's rules need beyond the facts query, each read only when it can change the
 * verdict: renamed files' old paths (REST; only with path rules or forbidden paths and a
 * renamed file), and the pushes to the head branch (only when there is an approval command to
 * decide, or reviews are about to be requested: pushers are never asked).
 */
export const hotfixFacts = async (delivery: Pick<Delivery<Pick<GitHub, "readPushHistory" | "readPreviousPaths">>, "github">, facts: PullRequestFacts, config: HotfixConfig): Promise<PullRequestFacts> => {
  let full = facts;
  const globs = [...config.scope.forbidden_paths, ...config.approvals.rules.flatMap((rule) => rule.paths)];
  if (globs.length > 0 && facts.files.some((file) => file.changeType === "RENAMED")) full = { ...full, files: await delivery.github.readPreviousPaths(full) };
  const status = findStatusComment(facts);
  const requestsReviews = config.request_reviews && (!status || status.body.includes(INACTIVE_MARKER));
  if (requestsReviews || commandEntries(facts).some((entry) => entry.command.kind === "approve")) full = await withPushes(delivery, full);
  return full;
};

export interface ApprovalsStep {
  /** The approvals rows of the check: the global requirement, then each path rule. */
  results: RuleResult[];
  /** The approvals that count now (login, commit, time): what a fast-track merge records. */
  approvals: Approval[];
  /** What follows the check write: feedback, status comment, review requests. Best effort: never throws. */
  afterCheck: (verdict: HotfixEvaluation) => Promise<void>;
}

/**
 * The approvals of a hotfix PR:
 * 1. look up (through the cache) the role and teams of the people who issued an approval
 *    command, and only what can still change their decision;
 * 2. decide every command and count the approvals (pure: `governance/approvals`);
 * 3. after the check is written, answer the commands not answered yet, keep the status comment
 *    current, and request reviews when the PR has just become a hotfix.
 * A look-up GitHub cannot answer throws: the caller fails the check closed.
 */
export const approvalResults = async (delivery: Delivery<ApprovalsGitHub>, facts: PullRequestFacts, config: HotfixConfig): Promise<ApprovalsStep> => {
  const access = await delivery.github.gatherAccess(delivery.repo, coordinationCache(delivery.coordination), peopleToLookUp(facts, config));
  const evaluation = evaluateApprovals({ facts, config, access, now: delivery.now() });
  return {
    results: evaluation.results,
    approvals: evaluation.approvals,
    afterCheck: async (verdict) => {
      try {
        await applyApprovalEffects(delivery, facts, config, evaluation, verdict);
      } catch (error) {
        delivery.log.error({ pr: facts.number, err: describeGitHubError(error) }, "approval feedback failed; the check stands");
      }
    },
  };
};

const bestEffort = async (delivery: Pick<Delivery, "log">, pr: number, what: string, write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (error) {
    delivery.log.warn({ pr, err: describeGitHubError(error) }, `could not ${what}; the check is written regardless`);
    return false;
  }
};

/** Secondary writes of one evaluation, one after another, each only when something changed. */
const applyApprovalEffects = async (
  delivery: Delivery<ApprovalsGitHub>,
  facts: PullRequestFacts,
  config: HotfixConfig,
  evaluation: ApprovalsEvaluation,
  verdict: HotfixEvaluation,
): Promise<void> => {
  const { github, repo } = delivery;
  const pr = facts.number;
  const feedback = planFeedback(evaluation, facts);
  for (const decision of feedback.fresh) {
    delivery.runtime.metrics.approvals.inc({ outcome: decision.outcome, reason: decision.reason ?? decision.command.kind });
    delivery.log.info(
      {
        pr,
        outcome: decision.outcome,
        // `actor` (bound by the delivery) is who triggered the event; this is who wrote the command.
        commandAuthor: decision.login,
        command: decision.command.kind,
        reason: decision.reason,
        source: `${decision.source.kind}:${decision.source.id}`,
      },
      `emergency ${decision.command.kind} ${decision.outcome}: ${decision.explanation}`,
    );
  }
  for (const { source, content } of feedback.reactions) {
    await bestEffort(delivery, pr, `react ${content} to ${source.kind} ${source.id}`, () => github.addReaction(repo, source, content));
  }
  for (const { source, body } of feedback.replies) {
    await bestEffort(delivery, pr, `reply to ${source.kind} ${source.id}`, () => github.createComment(repo, pr, body));
  }

  const fastTrack = fastTrackNote(config, approverPolicy(config, facts.owner), facts.author?.login ?? null);
  const note = [config.dry_run ? dryRunNote(facts, config) : undefined, fastTrack].filter(Boolean).join("\n\n") || undefined;
  const status = planStatusComment(facts, statusCommentBody({ config, results: verdict.results, approvals: evaluation, note }));
  if (status.action === "create") await bestEffort(delivery, pr, "create the status comment", () => github.createComment(repo, pr, status.body));
  if (status.action === "update") {
    await bestEffort(delivery, pr, "update the status comment", () => github.updateComment(repo, status.commentId, status.body));
  }
  if (status.becameHotfix && config.request_reviews) {
    const { users, teams } = reviewRequestsFor(evaluation, facts, config);
    await bestEffort(delivery, pr, "request reviews", async () => {
      const result = await github.requestReviewers(repo, pr, users, teams);
      if (result.requested.length > 0 || result.refused.length > 0) {
        delivery.log.info({ pr, outcome: "reviews-requested", requested: result.requested, refused: result.refused }, "reviews requested from the approvers");
      }
    });
  }
};

/** The label is gone: an existing status comment says the rules no longer apply (one edit, once). */
export const retireStatusComment = async (delivery: Delivery<Pick<GitHub, "updateComment">>, facts: PullRequestFacts, config: HotfixConfig): Promise<void> => {
  const status = planStatusComment(facts, inactiveStatusBody(config));
  if (status.action !== "update") return;
  await bestEffort(delivery, facts.number, "retire the status comment", () => delivery.github.updateComment(delivery.repo, status.commentId, status.body));
};
