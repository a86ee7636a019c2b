import type { HotfixConfig } from "../config/schema.js";
import type { Approval } from "../governance/approvals/evaluate-approvals.js";
import type { PullRequestFacts } from "../governance/facts.js";
import { autoMergeMarker, autoMergeRefusedComment, commitMessage, mergeRecord, type MergeOrder } from "../governance/merge/messages.js";
import { describeRefusal } from "../governance/merge/refusals.js";
import type { GitHub } from "../github/gateway.js";
import type { Delivery } from "./delivery.js";
import type { Evaluation } from "./evaluate-pull-request.js";
import { describeGitHubError } from "../github/errors.js";

/** The fast track's calls: the merge, and the one comment saying GitHub refused `merge.auto`. */
export type FastTrackGitHub = Pick<GitHub, "mergePullRequest" | "createComment">;

export type FastTrackResult =
  | { merged: true; sha: string; record: string[] }
  | { merged: false; status: number; message: string; record: string[] };

/**
 * The fast-track merge itself (SPEC §8), once the caller has established that the verdict on
 * `facts.headSha` is `success`: one merge request naming that head, with `merge.method` and a
 * commit message recording who ordered it, why, and the approvals it rests on. GitHub's
 * refusals are returned, never retried; every outcome is one audit log line.
 */
export const fastTrackMerge = async (
  delivery: Delivery<Pick<GitHub, "mergePullRequest">>,
  request: { facts: PullRequestFacts; config: HotfixConfig; approvals: Approval[]; order: MergeOrder },
): Promise<FastTrackResult> => {
  const { facts, config, order } = request;
  const method = config.merge.method;
  const approvals = request.approvals.map((approval) => ({ login: approval.login, commitSha: approval.commitSha, at: approval.at }));
  const record = mergeRecord({ order, headSha: facts.headSha, approvals, number: facts.number });
  const answer = await delivery.github.mergePullRequest(delivery.repo, facts.number, { sha: facts.headSha, method, commitMessage: commitMessage(method, record) });
  const audit = {
    pr: facts.number,
    orderedBy: order.kind === "command" ? order.login : "merge.auto",
    reason: order.kind === "command" ? order.reason : null,
    sha: facts.headSha,
    method,
    approvals: approvals.map((approval) => ({ login: approval.login, commit: approval.commitSha, at: approval.at })),
  };
  if (answer.merged) {
    delivery.log.info({ ...audit, outcome: "fast-track-merged", mergeSha: answer.sha }, `fast-track merged #${facts.number} ${order.kind === "command" ? `on behalf of @${order.login}` : "(merge.auto)"}`);
    return { merged: true, sha: answer.sha, record };
  }
  delivery.log.warn({ ...audit, outcome: "merge-refused", status: answer.status, github: answer.message.split("\n").filter(Boolean).join(" ") }, `GitHub refused the fast-track merge of #${facts.number}`);
  return { ...answer, record };
};

/**
 * `merge.auto`: called after every evaluation, under the PR's lock. Merges when the verdict on
 * the head is `success` and the PR is an open, ready hotfix. A refusal by GitHub is said once
 * per head commit (found again by its marker, so the next events do not ask again); a 409 means
 * a push arrived, whose own evaluation decides. Best effort: never throws past the check.
 */
export const autoMergeIfCleared = async (delivery: Delivery<FastTrackGitHub>, evaluation: Evaluation | null): Promise<void> => {
  if (!evaluation?.verdict || !evaluation.config || !evaluation.facts) return;
  const { config, verdict } = evaluation;
  const facts = evaluation.facts;
  if (!config.merge.auto || config.dry_run || verdict.outcome !== "success" || facts.state !== "OPEN" || facts.isDraft) return;
  const marker = autoMergeMarker(facts.headSha);
  if (facts.comments.some((comment) => comment.viewerDidAuthor && comment.body.includes(marker))) return;
  try {
    const result = await fastTrackMerge(delivery, { facts, config, approvals: evaluation.approvals ?? [], order: { kind: "auto" } });
    if (result.merged || result.status === 409) return;
    await delivery.github.createComment(delivery.repo, facts.number, autoMergeRefusedComment(facts.headSha, describeRefusal(result, config.merge.method)));
  } catch (error) {
    delivery.log.error({ pr: facts.number, outcome: "auto-merge-failed", err: describeGitHubError(error) }, "automatic fast-track merge failed; the check stands");
  }
};
