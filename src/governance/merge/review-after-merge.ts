import type { CommandSource } from "../facts.js";
import { makerRole, isBotAccount, type ChangeMakers } from "../approvals/eligibility.js";
import { teamName, type ApproverPolicy } from "../approvals/policy.js";

/**
 * The review after merge (SPEC §8): a hotfix merged without an approving review — GitHub's review
 * state `APPROVED` — by someone other than its author and committers, with at least write
 * access, needs one afterwards, within `review_after_merge.within_hours`.
 */

/** The hidden marker of the one comment on the PR asking for the review. */
export const reviewRequestMarker = (pr: number): string => `<!-- hotfix-governance:review-after-merge pr=${pr} -->`;

/** The hidden marker of the one comment on the postmortem recording the review. */
export const reviewDoneMarker = (pr: number): string => `<!-- hotfix-governance:review-after-merge-done pr=${pr} -->`;

/** In the postmortem body: the review's deadline, read back by the daily reminder. */
export const reviewDueMarker = (pr: number, dueAt: string): string => `<!-- hotfix-governance:review-after-merge-due pr=${pr} at=${dueAt} -->`;

export const readReviewDue = (body: string | null | undefined): { pr: number; dueAt: string } | null => {
  const match = /<!-- hotfix-governance:review-after-merge-due pr=(\d+) at=([0-9TZ:.\-]+) -->/.exec(body ?? "");
  return match && !Number.isNaN(Date.parse(match[2])) ? { pr: Number(match[1]), dueAt: match[2] } : null;
};

export const isReviewDone = (comments: string[], pr: number): boolean => comments.some((body) => body.includes(reviewDoneMarker(pr)));

/** Reviews whose author may count: state `APPROVED`, a person, not one of the PR's makers. */
export const candidateReviews = (reviews: CommandSource[], makers: ChangeMakers): CommandSource[] =>
  reviews.filter(
    (review) => review.state === "APPROVED" && review.author && !isBotAccount(review.author) && makerRole(review.author.login, makers) !== "author" && makerRole(review.author.login, makers) !== "committer",
  );

export const dueAt = (mergedAt: string, withinHours: number): string => new Date(Date.parse(mergedAt) + withinHours * 3_600_000).toISOString();

const utc = (iso: string): string => `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** Whom to notify: the configured approver users and teams, minus the PR's makers; mentions notify them. */
export const reviewersToMention = (policy: ApproverPolicy, makers: ChangeMakers): string[] => [
  ...policy.users.filter((login) => makerRole(login, makers) === null && !login.endsWith("[bot]")).map((login) => `@${login}`),
  ...policy.teams.map(teamName),
];

/** The one comment on the merged PR asking for the review. */
export const reviewRequestComment = (input: { number: number; mergedAt: string; withinHours: number; mentions: string[] }): string => {
  const who = input.mentions.length > 0 ? `${input.mentions.join(", ")}: ` : "";
  return [
    reviewRequestMarker(input.number),
    `🔎 ${who}#${input.number} was merged without an approving review from someone other than its author and committers with write access.`,
    "",
    `A review after merge is due by **${utc(dueAt(input.mergedAt, input.withinHours))}** (\`review_after_merge.within_hours: ${input.withinHours}\`): ` +
      "open **Files changed** and submit a review with **Approve** (comments are welcome, the merged change stays as it is). Hotfix Governance records it when it arrives.",
  ].join("\n");
};

/** The postmortem's action item while the review is missing. */
export const reviewActionItem = (number: number, due: string): string =>
  `Review #${number} after the merge: it was merged without an approving review (due ${utc(due)})`;

/** The one comment on the postmortem when the review arrives. */
export const reviewDoneComment = (input: { number: number; reviewer: string; at: string; url: string | null; due: string | null }): string => {
  const late = input.due && Date.parse(input.at) > Date.parse(input.due) ? ` (after the deadline of ${utc(input.due)})` : input.due ? " (within the deadline)" : "";
  return [
    reviewDoneMarker(input.number),
    `✅ Review after merge of #${input.number}: approved by @${input.reviewer} on ${utc(input.at)}${late}${input.url ? ` ([review](${input.url}))` : ""}.`,
  ].join("\n");
};

/** The line the daily reminder adds while the review is overdue. */
export const reviewReminderLine = (number: number, due: string): string =>
  `The review after merge of #${number} is overdue (due ${utc(due)}): no approving review from someone other than its author and committers has been submitted yet.`;
