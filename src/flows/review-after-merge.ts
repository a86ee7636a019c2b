import type { HotfixConfig } from "../config/schema.js";
import { emptyAccess, grantOf } from "../governance/approvals/access.js";
import { changeMakers } from "../governance/approvals/evaluate-approvals.js";
import { approverPolicy, type ApproverPolicy } from "../governance/approvals/policy.js";
import { isHotfix } from "../governance/evaluate-hotfix.js";
import type { PullRequestFacts } from "../governance/facts.js";
import {
  candidateReviews,
  dueAt,
  reviewDoneComment,
  reviewDoneMarker,
  reviewersToMention,
  reviewRequestComment,
  reviewRequestMarker,
} from "../governance/merge/review-after-merge.js";
import type { GitHub } from "../github/gateway.js";
import { postmortemCommentPrefix, readPostmortemComment } from "../postmortem/markers.js";
import { coordinationCache } from "../platform/runtime.js";
import type { MergedPullRequest } from "./after-merge.js";
import type { Delivery } from "./delivery.js";
import { describeGitHubError } from "../github/errors.js";

/** The review after merge's calls: the PR's facts, the reviewers' access, the comments (the request, the record on the postmortem). */
export type ReviewAfterMergeGitHub = Pick<GitHub, "fetchPullRequestFacts" | "gatherAccess" | "createComment" | "findOwnComments" | "findBotComments">;

/** What the postmortem needs to know: the review after merge is due by `dueAt`. */
export interface ReviewAfterMerge {
  dueAt: string;
}

/** Who counts as a reviewer: the repository's `write` role or higher (branch protection's rule). */
const WRITERS: ApproverPolicy = { users: [], teams: [], ignoredTeams: [], minPermission: "write" };

/** The approving reviews (state `APPROVED`) that count: not a maker, a person with write access or more, submitted before `until`. */
const countingReviews = async (delivery: Delivery<Pick<GitHub, "gatherAccess">>, facts: PullRequestFacts, until: string | null) => {
  const candidates = candidateReviews(facts.reviews, changeMakers(facts)).filter((review) => !until || Date.parse(review.createdAt) <= Date.parse(until));
  if (candidates.length === 0) return [];
  const access = await delivery.github.gatherAccess(delivery.repo, coordinationCache(delivery.coordination), candidates.map((review) => ({ login: review.author!.login, policies: [WRITERS] })));
  return candidates.filter((review) => grantOf(review.author!.login, WRITERS, access.get(review.author!.login.toLowerCase()) ?? emptyAccess()).granted);
};

/**
 * At merge (SPEC §8): a hotfix merged without a counting approving review needs one within
 * `review_after_merge.within_hours`. The PR gets one comment mentioning the approvers (GitHub
 * notifies them), found again by its marker; the postmortem lists the review as an action item.
 * Best effort: a GitHub failure is logged and the rest of the follow-up goes on.
 */
export const ensureReviewAfterMerge = async (delivery: Delivery<ReviewAfterMergeGitHub>, pr: MergedPullRequest, config: HotfixConfig): Promise<ReviewAfterMerge | null> => {
  if (!config.review_after_merge.required) return null;
  const log = delivery.log.child({ pr: pr.number, step: "review-after-merge" });
  try {
    const facts = await delivery.github.fetchPullRequestFacts(delivery.repo, pr.number, delivery.appId);
    if (!facts) return null;
    const reviews = await countingReviews(delivery, facts, pr.mergedAt);
    if (reviews.length > 0) {
      log.info({ outcome: "reviewed", reviewers: reviews.map((review) => review.author!.login) }, "merged with an approving review: no review after merge needed");
      return null;
    }
    const due = dueAt(pr.mergedAt, config.review_after_merge.within_hours);
    const marker = reviewRequestMarker(pr.number);
    if (config.dry_run || facts.comments.some((comment) => comment.viewerDidAuthor && comment.body.includes(marker))) return { dueAt: due };
    const mentions = reviewersToMention(approverPolicy(config, delivery.repo.owner), changeMakers(facts));
    await delivery.github.createComment(delivery.repo, pr.number, reviewRequestComment({ number: pr.number, mergedAt: pr.mergedAt, withinHours: config.review_after_merge.within_hours, mentions }));
    log.info({ outcome: "review-requested", due, mentions }, "merged without an approving review: review after merge requested");
    return { dueAt: due };
  } catch (error) {
    log.warn({ outcome: "failed", err: describeGitHubError(error) }, "could not check whether a review after merge is needed");
    return null;
  }
};

/**
 * `pull_request_review.submitted` on a merged hotfix: the first approving review that counts,
 * after the app asked for one, is recorded on the postmortem issue — one comment naming the
 * reviewer and the time (its body belongs to the leads). Later reviews and redeliveries add nothing.
 */
export const recordReviewAfterMerge = async (
  delivery: Delivery<ReviewAfterMergeGitHub>,
  review: { number: number; labels: string[]; reviewer: string; at: string; url: string | null; mergedAt: string },
): Promise<void> => {
  const log = delivery.log.child({ pr: review.number, step: "review-after-merge" });
  const loaded = await delivery.config();
  if (!loaded.ok || !loaded.config.review_after_merge.required || !isHotfix(review.labels, loaded.config) || loaded.config.dry_run) return;
  const config = loaded.config;
  const facts = await delivery.github.fetchPullRequestFacts(delivery.repo, review.number, delivery.appId);
  if (!facts || facts.state !== "MERGED") return;
  // Only a review the app asked for (none counted at merge) is recorded.
  if (!facts.comments.some((comment) => comment.viewerDidAuthor && comment.body.includes(reviewRequestMarker(review.number)))) return;
  const counting = await countingReviews(delivery, facts, null);
  const first = counting.find((candidate) => Date.parse(candidate.createdAt) > Date.parse(review.mergedAt));
  if (!first) return log.info({ outcome: "not-counted", reviewer: review.reviewer }, "this review does not count as the review after merge");
  const links = await delivery.github.findOwnComments(delivery.repo, review.number, [postmortemCommentPrefix(review.number)]);
  const issue = links.map((body) => readPostmortemComment(body, review.number)?.issue).find((value): value is number => Boolean(value));
  if (!issue) return log.info({ outcome: "no-postmortem" }, "no postmortem issue to record the review after merge on");
  const marker = reviewDoneMarker(review.number);
  if ((await delivery.github.findBotComments(delivery.repo, issue, marker)).length > 0) return log.info({ outcome: "exists", issue }, "review after merge already recorded");
  const due = dueAt(review.mergedAt, config.review_after_merge.within_hours);
  const url = first.id === undefined ? null : `${facts.url}#pullrequestreview-${first.id}`;
  await delivery.github.createComment(delivery.repo, issue, reviewDoneComment({ number: review.number, reviewer: first.author!.login, at: first.createdAt, url, due }));
  log.info({ outcome: "review-recorded", issue, reviewer: first.author!.login, at: first.createdAt }, "review after merge recorded on the postmortem");
};
