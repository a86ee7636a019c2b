import type { HotfixConfig } from "../../config/schema.js";
import { describeApprovers, type ApproverPolicy } from "../approvals/policy.js";
import { code } from "../rule-result.js";

export type MergeMethod = HotfixConfig["merge"]["method"];

/** The product's name in what the merge records (the commit message is read outside GitHub too). */
export const APP_NAME = "hotfix-governance";

/** An approval the merge rested on. */
export interface MergeApproval {
  login: string;
  commitSha: string | null;
  at: string;
}

/** Who ordered the merge: a person's command, or the `merge.auto` setting. */
export type MergeOrder = { kind: "command"; login: string; reason: string | null; commentUrl: string | null } | { kind: "auto" };

/** The hidden marker of the one reply to a `/merge-emergency` comment. */
export const mergeReplyMarker = (commentId: number): string => `<!-- hotfix-governance:merge-reply comment=${commentId} -->`;

/** The hidden marker of the one comment about an auto merge GitHub refused on a head commit. */
export const autoMergeMarker = (headSha: string): string => `<!-- hotfix-governance:auto-merge head=${headSha} -->`;

const utc = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
};

export const orderedBy = (order: MergeOrder): string =>
  order.kind === "command" ? `on behalf of @${order.login}` : "because `merge.auto` is on and the check passed";

/** The record of a fast-track merge, as plain lines: the commit message, or the reply of a rebase merge. */
export const mergeRecord = (input: { order: MergeOrder; headSha: string; approvals: MergeApproval[]; number: number }): string[] => {
  const lines = [`Fast-track merged by ${APP_NAME} ${orderedBy(input.order)}`, ""];
  if (input.order.kind === "command") {
    lines.push(`Reason: ${input.order.reason ?? "(none given)"}`);
    if (input.order.commentUrl) lines.push(`Ordered in: ${input.order.commentUrl}`);
  }
  lines.push(`Governance verdict: success on ${input.headSha}`);
  lines.push(input.approvals.length > 0 ? "Emergency approvals:" : "Emergency approvals: none required");
  for (const approval of input.approvals) lines.push(`- @${approval.login} on ${approval.commitSha ?? "unknown commit"} at ${utc(approval.at)}`);
  lines.push("", `A review after merge is due (review_after_merge) unless #${input.number} already has an approving review.`);
  return lines;
};

/**
 * `commit_title` / `commit_message` of the merge request. A squash or merge commit carries the
 * record; a rebase merge has no commit of its own (GitHub ignores both fields): the reply carries it.
 * The title stays GitHub's default (undefined); approvers' logins are not @-mentions in git.
 */
export const commitMessage = (method: MergeMethod, record: string[]): string | undefined =>
  method === "rebase" ? undefined : record.map((line) => line.replace(/^(- )?@/, "$1")).join("\n");

/** The reply to an accepted command whose merge has no commit of its own (rebase), or that needs saying. */
export const acceptedReply = (input: { commentId: number; command: string; record: string[]; mergeSha: string; method: MergeMethod }): string =>
  [
    mergeReplyMarker(input.commentId),
    `> ${code(input.command.slice(0, 300))}`,
    "",
    `Merged (\`${input.method}\`) as ${input.mergeSha}. A rebase merge has no merge commit of its own, so this comment is the record:`,
    "",
    ...input.record.map((line) => (line ? `> ${line}` : ">")),
  ].join("\n");

/** The one reply to a refused command. */
export const refusedReply = (input: { commentId: number; command: string; login: string; why: string }): string =>
  [mergeReplyMarker(input.commentId), `> ${code(input.command.slice(0, 300))}`, "", `@${input.login}, nothing was merged: ${input.why}`].join("\n");

/** The one comment when GitHub refuses an automatic merge on a head commit. */
export const autoMergeRefusedComment = (headSha: string, why: string): string =>
  [autoMergeMarker(headSha), `⚠️ \`merge.auto\` is on and the \`Hotfix governance\` check passed on ${headSha.slice(0, 7)}, but nothing was merged: ${why}`].join("\n");

/**
 * What the check and the status comment say about the fast track: that it is available, who may
 * use it, and the review it leaves due.
 */
export const fastTrackNote = (config: HotfixConfig, policy: ApproverPolicy, author: string | null): string | null => {
  const { command, auto, method } = config.merge;
  if (!command && !auto) return null;
  const review = config.review_after_merge.required
    ? ` Without an approving review before the merge, one is due within ${config.review_after_merge.within_hours} h after it.`
    : "";
  if (auto) {
    const also = command ? ` Until then, \`/merge-emergency <reason>\` from ${author ? `the author (\`${author}\`)` : "the author"} or ${describeApprovers(policy)} is answered with what is missing.` : "";
    return `**Fast track:** \`merge.auto\` is on: the app merges this pull request (\`${method}\`) as soon as this check passes.${also}${review}`;
  }
  return (
    `**Fast track:** once this check passes, ${author ? `the author (\`${author}\`)` : "the author"} or ${describeApprovers(policy)} ` +
    `may comment \`/merge-emergency <reason>\` on a line of its own: the app merges it (\`${method}\`) past the branch's normal review quota.${review}`
  );
};
