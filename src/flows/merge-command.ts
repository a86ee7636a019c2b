import type { Actor } from "../governance/approvals/eligibility.js";
import { isHotfix } from "../governance/evaluate-hotfix.js";
import type { PullRequestFacts } from "../governance/facts.js";
import { acceptedReply, mergeReplyMarker, refusedReply } from "../governance/merge/messages.js";
import { mergeReadiness } from "../governance/merge/readiness.js";
import { describeRefusal } from "../governance/merge/refusals.js";
import type { GitHub } from "../github/gateway.js";
import { authorizeOrder, type AuthorizeGitHub } from "./authorize.js";
import type { Delivery } from "./delivery.js";
import { evaluateLockedPullRequest, type EvaluateGitHub } from "./evaluate-pull-request.js";
import { fastTrackMerge, type FastTrackGitHub } from "./fast-track-merge.js";
import { describeGitHubError } from "../github/errors.js";

/** `/merge-emergency`: the evaluation's, the authorization's and the fast track's calls, the reaction and reply, the PR read back. */
export type MergeCommandGitHub = EvaluateGitHub & AuthorizeGitHub & FastTrackGitHub & Pick<GitHub, "addReaction" | "createComment" | "findOwnComments" | "getPullRequest">;

export interface MergeCommandRequest {
  number: number;
  commentId: number;
  /** The command line as typed: what the reply quotes. */
  command: string;
  reason: string | null;
  actor: Actor;
}

/**
 * `/merge-emergency [reason]` (SPEC §8), run under the PR's lock:
 * 1. the config allows it (`merge.command`);
 * 2. the verdict on the current head is recomputed exactly as the check's (written only if it
 *    changed; an approval that expired meanwhile is noticed here): one read of the PR's facts,
 *    which the authorization reuses;
 * 3. a command already answered (a redelivery, a second replica) stops here; then the person
 *    must be allowed to order it (the one eligibility decision: the PR's author, or anyone
 *    allowed to approve);
 * 4. an open, ready hotfix whose verdict is `success` is merged naming that head;
 * 5. 👍 on success (a rebase merge also gets the reply that records it); otherwise 👎 and one
 *    reply saying why, in GitHub's words when GitHub refused, with what to configure.
 */
export const handleMergeCommand = async (delivery: Delivery<MergeCommandGitHub>, request: MergeCommandRequest): Promise<void> => {
  const { github, repo } = delivery;
  const log = delivery.log.child({ pr: request.number, comment: request.commentId, command: "merge-emergency" });
  const marker = mergeReplyMarker(request.commentId);
  const react = (content: "+1" | "-1") =>
    github.addReaction(repo, { kind: "comment", id: request.commentId }, content).catch((error) => log.warn({ err: describeGitHubError(error) }, "reaction failed"));
  const refuse = async (reason: string, why: string, facts?: PullRequestFacts) => {
    log.info({ outcome: "refused", reason, orderedBy: request.actor.login }, `fast-track merge refused: ${why.split("\n")[0]}`);
    await react("-1");
    const replied = facts
      ? facts.comments.some((comment) => comment.viewerDidAuthor && comment.body.includes(marker))
      : (await github.findOwnComments(repo, request.number, [marker])).length > 0;
    if (replied) return log.info({ outcome: "reply-exists" }, "the command was already answered");
    await github.createComment(repo, request.number, refusedReply({ commentId: request.commentId, command: request.command, login: request.actor.login, why }));
  };

  // 1. allowed at all?
  const loaded = await delivery.config();
  if (!loaded.ok) return refuse("invalid-config", `\`${loaded.path}\` is invalid; the \`Hotfix governance\` check lists what to fix.`);
  const config = loaded.config;
  if (!config.merge.command) {
    const auto = config.merge.auto ? " The app merges by itself as soon as the check passes (`merge.auto: true`)." : "";
    return refuse("command-off", `\`merge.command\` is \`false\` in \`.github/hotfix.yml\`: this repository does not let the app merge on command.${auto}`);
  }

  // 2. the verdict on the current head, as the check computes it
  const evaluation = await evaluateLockedPullRequest(delivery, request.number);
  if (!evaluation) return refuse("not-found", `#${request.number} could not be read.`);
  const { facts } = evaluation;

  // 3. answered already? By whom may it be given?
  if (facts.comments.some((comment) => comment.viewerDidAuthor && comment.body.includes(marker))) {
    return log.info({ outcome: "reply-exists" }, "the command was already answered");
  }
  const source = facts.comments.find((comment) => comment.kind === "comment" && comment.id === request.commentId);
  if (facts.state === "MERGED" && source?.viewerReactions?.includes("THUMBS_UP")) {
    return log.info({ outcome: "already-merged" }, "the command was already carried out");
  }
  const allowed = await authorizeOrder(delivery, { number: request.number, actor: request.actor, order: "merge", config, facts });
  if (!allowed.allowed) {
    const why = `${allowed.why.charAt(0).toUpperCase()}${allowed.why.slice(1)}${/[.!?]$/.test(allowed.why) ? "" : "."} The PR's author may order it too.`;
    return refuse(allowed.reason, why, facts);
  }

  // 4. ready?
  const readiness = mergeReadiness({
    number: facts.number,
    state: facts.state,
    isDraft: facts.isDraft,
    isHotfix: isHotfix(facts.labels, config),
    label: config.label,
    outcome: evaluation.verdict?.outcome ?? null,
    results: evaluation.verdict?.results ?? [],
    headSha: facts.headSha,
  });
  if (!readiness.ready) {
    const by = readiness.reason === "merged" && facts.mergedBy ? ` It was merged by \`${facts.mergedBy.login}\`${facts.mergedAt ? ` at ${facts.mergedAt}` : ""}.` : "";
    return refuse(readiness.reason, readiness.why + by, facts);
  }
  if (config.dry_run) {
    return refuse("dry-run", `\`dry_run\` is on: the app would merge #${facts.number} now (\`${config.merge.method}\`, head ${facts.headSha.slice(0, 7)}), but a trial merges nothing.`, facts);
  }
  const order = { kind: "command" as const, login: request.actor.login, reason: request.reason, commentUrl: `${facts.url}#issuecomment-${request.commentId}` };
  let result: Awaited<ReturnType<typeof fastTrackMerge>>;
  try {
    result = await fastTrackMerge(delivery, { facts, config, approvals: evaluation.approvals ?? [], order });
  } catch (error) {
    // No answer (5xx, network): what GitHub holds now decides, never a blind retry.
    const now = await github.getPullRequest(repo, request.number).catch(() => null);
    if (!now?.merged || now.head.sha !== facts.headSha) {
      return refuse("github-error", `GitHub did not answer the merge request (${describeGitHubError(error)}) and #${request.number} is not merged. Nothing is retried blindly: comment \`/merge-emergency\` again.`, facts);
    }
    log.warn({ outcome: "fast-track-merged", mergeSha: now.merge_commit_sha, err: describeGitHubError(error) }, "the merge went through although GitHub's answer was lost");
    result = { merged: true, sha: now.merge_commit_sha ?? "", record: [] };
  }

  // 5. answer
  if (!result.merged) {
    const why =
      result.status === 409
        ? `the head of #${facts.number} moved after the verdict on ${facts.headSha.slice(0, 7)}. ${describeRefusal(result, config.merge.method)}`
        : describeRefusal(result, config.merge.method);
    return refuse(`github-${result.status}`, why, facts);
  }
  await react("+1");
  if (config.merge.method === "rebase" && result.record.length > 0) {
    await github.createComment(repo, request.number, acceptedReply({ commentId: request.commentId, command: request.command, record: result.record, mergeSha: result.sha, method: "rebase" }));
  }
};
