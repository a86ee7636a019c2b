import { mergedPullRequestFromFacts } from "../backport/merged-pull-request.js";
import { commandReply, quote, type SourcePullRequest } from "../backport/messages.js";
import { markers } from "../backport/naming.js";
import type { BackportOutcome } from "../backport/outcome.js";
import { isHotfix } from "../governance/evaluate-hotfix.js";
import type { GitHub } from "../github/gateway.js";
import { backportActionItem, isFailedBackport } from "../postmortem/build-postmortem.js";
import { postmortemCommentPrefix, readPostmortemComment } from "../postmortem/markers.js";
import { authorizeOrder, readOrderedPullRequest, type AuthorizeGitHub } from "./authorize.js";
import { portPullRequest, type PortGitHub } from "./backport.js";
import type { Delivery } from "./delivery.js";
import { describeGitHubError } from "../github/errors.js";

/** A `/backport` command as the comment event carries it. */
/** `/backport`'s calls: the authorization's, the port's, the reaction and reply, the note on the postmortem. */
export type BackportCommandGitHub = AuthorizeGitHub & PortGitHub & Pick<GitHub, "findOwnComments" | "createComment" | "addReaction">;

export interface BackportCommandRequest {
  number: number;
  commentId: number;
  /** The command line as typed: the reply quotes it. */
  command: string;
  branches: string[];
  actor: { login: string; isBot: boolean };
}

/**
 * `/backport <branch> [<branch> ...]` on a merged hotfix PR:
 * 1. refuse (👎 and one reply saying why) when the configuration is invalid, the commenter may
 *    not approve emergency changes, the PR is not merged, or it is not a hotfix;
 * 2. otherwise 👍, port to the named branches at once, and reply with what happened to each
 *    (the manual commands for those that need a person).
 * The reply is found again by a marker naming the comment: a redelivery posts nothing new.
 */
export const handleBackportCommand = async (delivery: Delivery<BackportCommandGitHub>, request: BackportCommandRequest): Promise<void> => {
  const { github, repo } = delivery;
  const log = delivery.log.child({ pr: request.number, comment: request.commentId, command: "backport" });
  const reply = async (body: string) => {
    const marker = markers.commandReply(request.commentId);
    const existing = await github.findOwnComments(repo, request.number, [marker]);
    if (existing.length > 0) return log.info({ outcome: "reply-exists" }, "the command was already answered");
    await github.createComment(repo, request.number, `${marker}\n${body}`);
  };
  const refuse = async (why: string) => {
    log.info({ outcome: "refused", reason: why }, "backport command refused");
    await github.addReaction(repo, { kind: "comment", id: request.commentId }, "-1").catch((error) => log.warn({ err: describeGitHubError(error) }, "reaction failed"));
    await reply(`${quote(request.command)}\n\nNot done: ${why}.`);
  };

  const loaded = await delivery.config();
  if (!loaded.ok) return refuse(`\`${loaded.path}\` is invalid; the \`Hotfix governance\` check lists what to fix`);
  const config = loaded.config;
  const facts = await readOrderedPullRequest(delivery, request.number);
  if (!facts) return refuse(`#${request.number} could not be read`);
  const allowed = await authorizeOrder(delivery, { number: request.number, actor: request.actor, order: "backport", config, facts });
  if (!allowed.allowed) return refuse(allowed.why);
  const pr = mergedPullRequestFromFacts(facts);
  if (!pr) return refuse(`#${request.number} is not merged; a hotfix is ported when it merges (add a label \`${config.backport.label_prefix}<branch>\` to choose more branches)`);
  if (!isHotfix(pr.labels, config)) return refuse(`#${request.number} is not a hotfix (it has no \`${config.label}\` label)`);
  if (request.branches.length === 0) return refuse("name at least one branch, e.g. `/backport release/1.2`");

  // The reply is the last step: once it exists, the command was carried out (a redelivery).
  const answered = await github.findOwnComments(repo, request.number, [markers.commandReply(request.commentId)]);
  if (answered.length > 0) return log.info({ outcome: "reply-exists" }, "the command was already answered");
  log.info({ outcome: "accepted", via: allowed.via, branches: request.branches }, "backport command accepted");
  await github.addReaction(repo, { kind: "comment", id: request.commentId }, "+1").catch((error) => log.warn({ err: describeGitHubError(error) }, "reaction failed"));
  const run = await portPullRequest(delivery, pr, config, { trigger: "command", branches: request.branches });
  const source: SourcePullRequest = { number: pr.number, title: pr.title, url: pr.url, baseRef: pr.baseRef };
  // Before the reply, so a crash between the two repeats the note rather than losing it.
  if (!config.dry_run) await notePostmortem(delivery, pr.number, request.commentId, run.outcomes);
  const answer = commandReply({ command: request.command, pr: source, outcomes: run.outcomes, ignored: run.ignored, dryRun: config.dry_run });
  await github.createComment(repo, request.number, `${markers.commandReply(request.commentId)}\n${answer}`);
};

/**
 * A backport ordered after the merge that fails joins the postmortem's action items (SPEC §5):
 * one comment on the postmortem issue, found through the app's link comment on the PR.
 */
const notePostmortem = async (delivery: Delivery<BackportCommandGitHub>, number: number, commentId: number, outcomes: BackportOutcome[]): Promise<void> => {
  const failed = outcomes.filter(isFailedBackport);
  if (failed.length === 0) return;
  const log = delivery.log.child({ pr: number, comment: commentId });
  try {
    const links = await delivery.github.findOwnComments(delivery.repo, number, [postmortemCommentPrefix(number)]);
    const issue = links.map((body) => readPostmortemComment(body, number)?.issue).find((value): value is number => Boolean(value));
    if (!issue) return log.info({ outcome: "no-postmortem" }, "no postmortem issue to add the failed backports to");
    const body = [
      `<!-- hotfix-governance:postmortem-backport comment=${commentId} -->`,
      `### New action items: backports ordered on #${number} after the merge`,
      "",
      ...failed.map((outcome) => `- [ ] ${backportActionItem(number, outcome)}`),
    ].join("\n");
    await delivery.github.createComment(delivery.repo, issue, body);
    log.info({ outcome: "postmortem-noted", issue, targets: failed.map((outcome) => outcome.target) }, "failed backports added to the postmortem");
  } catch (error) {
    log.warn({ outcome: "postmortem-note-failed", err: describeGitHubError(error) }, "could not add the failed backports to the postmortem");
  }
};
