import { randomBytes } from "node:crypto";
import type { HotfixConfig } from "../config/schema.js";
import { describeMethod } from "../backport/change.js";
import { mergedPullRequestFromFacts, type MergedPullRequest } from "../backport/merged-pull-request.js";
import { quote, type SourcePullRequest } from "../backport/messages.js";
import { isRevertCommitOf, markers, revertBranch, revertTempBranch, revertTempPrefix, staleTempBranches } from "../backport/naming.js";
import { decideTarget } from "../backport/plan.js";
import { invertChanges } from "../backport/port-plan.js";
import { revertBody, revertCommitMessage, revertManualCommands, revertTemporaryMessage, revertTitle } from "../backport/revert-messages.js";
import type { Actor } from "../governance/approvals/eligibility.js";
import { isHotfix } from "../governance/evaluate-hotfix.js";
import { incidentReference } from "../governance/rules/incident.js";
import type { GitHub } from "../github/gateway.js";
import { postmortemCommentPrefix, readPostmortemComment } from "../postmortem/markers.js";
import { authorizeOrder, readOrderedPullRequest, type AuthorizeGitHub } from "./authorize.js";
import { pickOnto, type CherryPickGitHub } from "./cherry-pick.js";
import type { Delivery } from "./delivery.js";
import { describeGitHubError } from "../github/errors.js";
import { readPort, type PortReadGitHub } from "./port-read.js";

/**
 * `/revert-emergency`'s calls: the authorization's, the port engine's reads and executor's, the
 * reaction and reply, the revert branch and PR, and the note on the postmortem.
 */
export type RevertGitHub = AuthorizeGitHub &
  PortReadGitHub &
  CherryPickGitHub &
  Pick<
    GitHub,
    | "findOwnComments"
    | "findBotComments"
    | "createComment"
    | "addReaction"
    | "createBranch"
    | "deleteBranch"
    | "createPullRequest"
    | "findPullRequestByHead"
    | "labelAndAssign"
  >;

/** A `/revert-emergency [reason]` command as the comment event carries it. */
export interface RevertCommandRequest {
  number: number;
  commentId: number;
  /** The command line as typed: the reply quotes it. */
  command: string;
  reason: string;
  actor: Actor;
}

/** What the command came to. */
type RevertOutcome =
  | { kind: "opened" | "exists"; pullRequest: { number: number; url: string } }
  | { kind: "planned"; text: string }
  | { kind: "not_done"; why: string; commands?: string };

/**
 * `/revert-emergency [reason]` on a merged hotfix PR (SPEC 5b):
 * 1. refuse (👎 and one reply saying why) when the config is invalid, the commenter may not
 *    order it (the approvals' own decision), or the PR is not a merged hotfix;
 * 2. a redelivery (this comment already answered) does nothing; a repeat is answered with the
 *    existing revert PR;
 * 3. the port engine picks the merged change backwards onto the PR's base as one commit, on
 *    `revert/<n>`, and the revert PR is opened — a hotfix itself, assigned to the author and the
 *    commander; a conflict or a workflow change gets 👎 and the git commands instead;
 * 4. the postmortem issue gets one comment linking the revert; the reply comes last.
 */
export const handleRevertCommand = async (delivery: Delivery<RevertGitHub>, request: RevertCommandRequest): Promise<void> => {
  const { github, repo } = delivery;
  const log = delivery.log.child({ pr: request.number, comment: request.commentId, command: "revert-emergency" });
  const marker = markers.revertReply(request.commentId);
  const answered = async () => (await github.findOwnComments(repo, request.number, [marker])).length > 0;
  const react = (content: "+1" | "-1") => github.addReaction(repo, { kind: "comment", id: request.commentId }, content).catch((error) => log.warn({ err: describeGitHubError(error) }, "reaction failed"));
  const reply = async (body: string): Promise<void> => {
    await github.createComment(repo, request.number, `${marker}\n${quote(request.command)}\n\n${body}`);
  };
  const refuse = async (why: string) => {
    log.info({ outcome: "refused", reason: why }, "revert command refused");
    if (await answered()) return log.info({ outcome: "reply-exists" }, "the command was already answered");
    await react("-1");
    await reply(`Not done: ${why}.`);
  };

  const loaded = await delivery.config();
  if (!loaded.ok) return refuse(`\`${loaded.path}\` is invalid; the \`Hotfix governance\` check lists what to fix`);
  const config = loaded.config;
  const facts = await readOrderedPullRequest(delivery, request.number);
  if (!facts) return refuse(`#${request.number} could not be read`);
  const allowed = await authorizeOrder(delivery, { number: request.number, actor: request.actor, order: "revert", config, facts });
  if (!allowed.allowed) return refuse(allowed.why);
  const pr = mergedPullRequestFromFacts(facts);
  if (!pr) return refuse(`#${request.number} is not merged: only a merged hotfix can be reverted (close the pull request instead)`);
  if (!isHotfix(pr.labels, config)) return refuse(`#${request.number} is not a hotfix (it has no \`${config.label}\` label)`);
  if (await answered()) return log.info({ outcome: "reply-exists" }, "the command was already answered");

  log.info({ outcome: "accepted", via: allowed.via, reason: request.reason }, "revert command accepted");
  const result = await revert(delivery, pr, config, request);
  log.info({ outcome: result.kind, ...("pullRequest" in result ? { pullRequest: result.pullRequest.number } : {}) }, `revert of #${pr.number}: ${result.kind}`);
  if (result.kind === "opened" || result.kind === "exists") await notePostmortem(delivery, pr, result.pullRequest, request);
  await react(result.kind === "not_done" ? "-1" : "+1");
  const source: SourcePullRequest = { number: pr.number, title: pr.title, url: pr.url, baseRef: pr.baseRef };
  switch (result.kind) {
    case "opened":
      return reply(`Opened #${result.pullRequest.number}, which reverts #${pr.number} on \`${pr.baseRef}\`. It carries the \`${config.label}\` label, so it is governed and can be fast-tracked.`);
    case "exists":
      return reply(`#${pr.number} is already reverted by #${result.pullRequest.number}: nothing new was created.`);
    case "planned":
      return reply(`Dry run (\`dry_run: true\`): nothing was created. ${result.text}`);
    case "not_done":
      return reply(
        [
          `Not done: ${result.why}`,
          ...(result.commands
            ? ["", "To revert it by hand, in a clone of this repository:", "", "```shell", result.commands, "```", "", `If \`git revert\` stops on conflicts, fix the files, \`git add\` them and run \`git revert --continue\` before pushing; then open the pull request into \`${source.baseRef}\`.`]
            : []),
        ].join("\n"),
      );
  }
};

const revert = async (delivery: Delivery<RevertGitHub>, pr: MergedPullRequest, config: HotfixConfig, request: RevertCommandRequest): Promise<RevertOutcome> => {
  const { github, repo } = delivery;
  const source: SourcePullRequest = { number: pr.number, title: pr.title, url: pr.url, baseRef: pr.baseRef };
  const branch = revertBranch(pr.number);
  const now = delivery.now();
  const read = await readPort(delivery, pr, [{ target: pr.baseRef, branch }], revertTempPrefix(pr.number));
  if (read.kind === "failed") return { kind: "not_done", why: read.reason };
  const { reading } = read;
  const { change } = reading;
  const commands = revertManualCommands(source, change);
  const [state] = reading.states;
  const action = decideTarget(state, (message) => isRevertCommitOf(message, change.tip), [config.label]);
  switch (action.kind) {
    case "exists":
      return { kind: "exists", pullRequest: action.pullRequest };
    case "missing_branch":
      return { kind: "not_done", why: `the base branch \`${pr.baseRef}\` does not exist any more.` };
    case "foreign_branch":
      return { kind: "not_done", why: `a branch \`${branch}\` already exists and is not this app's revert of #${pr.number}: delete or rename it, then comment \`/revert-emergency\` again.`, commands };
    case "open_pull_request":
      if (config.dry_run) return { kind: "planned", text: `Would open the revert pull request from the existing branch \`${branch}\`.` };
      return openRevert(delivery, pr, config, request, commands);
    case "port":
      break;
  }
  if (config.dry_run) return { kind: "planned", text: `Would revert the ${describeMethod(change)} on \`${pr.baseRef}\` as \`${branch}\` and open "${revertTitle(pr.title)}".` };
  for (const stale of staleTempBranches(reading.temporaryBranches.map((name) => name.replace(/^refs\/heads\//, "")), pr.number, now, revertTempPrefix(pr.number))) {
    await github.deleteBranch(repo, stale).catch(() => false);
  }
  try {
    // The same pick as a backport, with base and change swapped: from the merged tree back to its parent's.
    const picked = await pickOnto(delivery, {
      base: reading.tip,
      change: reading.base,
      changeCommit: null,
      changes: invertChanges(reading.changes),
      complete: !reading.truncated,
      target: action.side,
      message: revertCommitMessage({ pr: source, change, mergeMessage: reading.facts.merge?.message ?? "" }),
      // The app is the revert's author (GitHub signs its commits); the PR names who ordered it.
      author: null,
      signed: true,
      temporary: { branch: revertTempBranch(pr.number, now, randomBytes(4).toString("hex")), message: revertTemporaryMessage(pr.number) },
    });
    switch (picked.kind) {
      case "already_applied":
        return { kind: "not_done", why: `\`${pr.baseRef}\` no longer has the change of #${pr.number}: there is nothing to revert.` };
      case "conflict":
        return { kind: "not_done", why: `the revert does not apply cleanly to \`${pr.baseRef}\` (git's merge reports a conflict${picked.paths.length > 0 ? `; changed on both sides: ${picked.paths.map((path) => `\`${path}\``).join(", ")}` : ""}). No branch or pull request was created.`, commands };
      case "touches_workflows":
        return {
          kind: "not_done",
          why: `the change writes ${picked.paths.map((path) => `\`${path}\``).join(", ")}: GitHub lets an app write \`.github/workflows/\` only with the \`workflows\` permission, which Hotfix Governance does not ask for.`,
          commands,
        };
      case "picked":
        break;
    }
    try {
      await github.createBranch(repo, branch, picked.commit);
    } catch (error) {
      // A concurrent command made it first: its PR is found (or opened) next.
      const e = error as { status?: number; message?: string };
      if (!(e.status === 422 && /already exists/i.test(e.message ?? ""))) throw error;
    }
    return openRevert(delivery, pr, config, request, commands);
  } catch (error) {
    return { kind: "not_done", why: `GitHub failed while reverting: ${describeGitHubError(error)}. Nothing was left half-made.`, commands };
  }
};

/** Opens the revert PR from its complete branch, labelled as a hotfix and assigned; a failure removes the branch. */
const openRevert = async (delivery: Delivery<RevertGitHub>, pr: MergedPullRequest, config: HotfixConfig, request: RevertCommandRequest, commands: string): Promise<RevertOutcome> => {
  const { github, repo } = delivery;
  const branch = revertBranch(pr.number);
  const source: SourcePullRequest = { number: pr.number, title: pr.title, url: pr.url, baseRef: pr.baseRef };
  try {
    const created = await github.createPullRequest(repo, {
      title: revertTitle(pr.title),
      body: revertBody({ pr: source, incident: incidentReference(pr.body ?? "", config), reason: request.reason, commander: request.actor.login, requiredSections: config.body.required_sections }),
      head: branch,
      base: pr.baseRef,
    });
    const assignees = [...new Set([...(pr.authorIsBot ? [] : [pr.author]), request.actor.login])];
    try {
      const { assigned } = await github.labelAndAssign(repo, created.number, [config.label], assignees);
      if (!assigned) delivery.log.info({ outcome: "not-assigned", pullRequest: created.number, assignees }, "the author or the commander cannot be assigned");
    } catch (error) {
      delivery.log.warn({ outcome: "labels-failed", pullRequest: created.number, err: describeGitHubError(error) }, "revert PR not labelled");
    }
    return { kind: "opened", pullRequest: created };
  } catch (error) {
    const found = await github.findPullRequestByHead(repo, branch, pr.baseRef).catch(() => null);
    if (found) return { kind: "exists", pullRequest: found };
    const deleted = await github.deleteBranch(repo, branch).catch(() => false);
    return { kind: "not_done", why: `the revert pull request could not be opened (${describeGitHubError(error)})${deleted ? `; the branch \`${branch}\` was removed` : ""}.`, commands };
  }
};

/** One comment on the postmortem issue linking the revert (its body belongs to the leads), found again by its marker. */
const notePostmortem = async (delivery: Delivery<RevertGitHub>, pr: MergedPullRequest, revertPull: { number: number; url: string }, request: RevertCommandRequest): Promise<void> => {
  const log = delivery.log.child({ pr: pr.number });
  try {
    const links = await delivery.github.findOwnComments(delivery.repo, pr.number, [postmortemCommentPrefix(pr.number)]);
    const issue = links.map((body) => readPostmortemComment(body, pr.number)?.issue).find((value): value is number => Boolean(value));
    if (!issue) return log.info({ outcome: "no-postmortem" }, "no postmortem issue: the revert is not linked");
    const marker = markers.revertPostmortem(pr.number);
    if ((await delivery.github.findBotComments(delivery.repo, issue, marker)).length > 0) return;
    await delivery.github.createComment(
      delivery.repo,
      issue,
      [marker, `### #${pr.number} is being reverted`, "", `#${revertPull.number} reverts #${pr.number} on \`${pr.baseRef}\`, ordered by @${request.actor.login} at ${delivery.now().toISOString()}.${request.reason ? ` Reason: ${request.reason}` : ""}`].join("\n"),
    );
    log.info({ outcome: "postmortem-noted", issue, pullRequest: revertPull.number }, "revert linked from the postmortem");
  } catch (error) {
    log.warn({ outcome: "postmortem-note-failed", err: describeGitHubError(error) }, "could not link the revert from the postmortem");
  }
};
