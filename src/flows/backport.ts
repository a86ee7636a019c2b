import { randomBytes } from "node:crypto";
import type { HotfixConfig } from "../config/schema.js";
import { detectFromHistory, detectFromMergeCommit, describeMethod, type ChangeDetection, type MergedChange } from "../backport/change.js";
import {
  backportBody,
  backportTitle,
  cherryPickMessage,
  commandReply,
  dryRunComment,
  failureComment,
  manualCommands,
  quote,
  temporaryCommitMessage,
  type SourcePullRequest,
} from "../backport/messages.js";
import { backportBranch, markers, staleTempBranches, tempBranch, tempBranchPrefix } from "../backport/naming.js";
import type { BackportOutcome, BackportStatus } from "../backport/outcome.js";
import { decideTarget, type TargetState } from "../backport/plan.js";
import { commandTargets, mergeTargets, type IgnoredTarget } from "../backport/targets.js";
import { approverPolicy, sameLogin } from "../governance/approvals/policy.js";
import { isHotfix } from "../governance/evaluate-hotfix.js";
import {
  createBranch,
  createCommit,
  createPullRequest,
  deleteBranch,
  fetchBackportSource,
  fetchTargetStates,
  findOwnComments,
  findPullRequestByHead,
  getPullRequest,
  labelAndAssign,
  mergeIntoBranch,
  postComment,
  reactToComment,
  requestBackportReviews,
  type BackportSource,
  type GitPerson,
} from "../github/git-data.js";
import { metrics } from "../platform/metrics.js";
import { backportActionItem, isFailedBackport } from "../postmortem/build-postmortem.js";
import { postmortemCommentPrefix, readPostmortemComment } from "../postmortem/markers.js";
import type { MergedPullRequest } from "./after-merge.js";
import { authorizeOrder } from "./authorize.js";
import type { Delivery } from "./delivery.js";
import { describeGitHubError } from "./github-errors.js";

/** What started a port: the merge itself, or a `/backport` command naming branches. */
export type PortRequest = { trigger: "merge" } | { trigger: "command"; branches: string[] };

export interface PortRun {
  outcomes: BackportOutcome[];
  /** Requested branches that are not targets (the PR's own base, invalid names). */
  ignored: IgnoredTarget[];
}

/**
 * Ports a merged hotfix to its target branches after the merge (SPEC §5) and reports the
 * targets that need a person in one comment on the PR. Returns one outcome per target.
 */
export const portMergedPullRequest = async (delivery: Delivery, pr: MergedPullRequest, config: HotfixConfig): Promise<BackportOutcome[]> => {
  const run = await portPullRequest(delivery, pr, config, { trigger: "merge" });
  await reportFailures(delivery, pr, config, run.outcomes);
  return run.outcomes;
};

/**
 * Ports `pr` to the targets of `request`, without a clone:
 * 1. read the merged change (one GraphQL query: default branch, PR commits, merge commit) and
 *    work out the targets;
 * 2. read every target at once (one query: target head and tree, backport branch, existing PRs,
 *    leftover temporary branches, and the base's history when the merge method needs it);
 * 3. per target, the first step that applies: an existing backport PR is reported as it is; an
 *    earlier attempt's branch gets its PR; otherwise the change is cherry-picked through the
 *    git-data and merges endpoints and the PR opened, labelled, assigned and sent for review.
 * Every failure becomes an outcome with a reason (and the manual commands when they help);
 * nothing throws past this function, so the postmortem always hears about every target.
 */
export const portPullRequest = async (delivery: Delivery, pr: MergedPullRequest, config: HotfixConfig, request: PortRequest): Promise<PortRun> => {
  const log = delivery.log.child({ pr: pr.number, trigger: request.trigger });
  const now = delivery.now();
  const at = now.toISOString();
  const source: SourcePullRequest = { number: pr.number, title: pr.title, url: pr.url, baseRef: pr.baseRef };
  const finish = (outcomes: BackportOutcome[], ignored: IgnoredTarget[]): PortRun => {
    for (const outcome of outcomes) {
      metrics.backports.inc({ result: outcome.status });
      const level = outcome.status === "failed" ? "error" : outcome.status === "created" || outcome.status === "planned" ? "info" : "warn";
      log[level]({ outcome: outcome.status, target: outcome.target, branch: outcome.branch, pullRequest: outcome.pullRequest?.number, reason: outcome.reason }, `backport to ${outcome.target}: ${outcome.status}`);
    }
    for (const item of ignored) log.info({ outcome: "ignored", target: item.name, reason: item.why }, `backport target ${item.name} ignored`);
    return { outcomes, ignored };
  };

  // 1. The change and the targets.
  let sourceFacts: BackportSource;
  try {
    sourceFacts = await fetchBackportSource(delivery.query, delivery.repo, pr.number, pr.mergeCommitSha);
  } catch (error) {
    const plan = planTargets(pr, config, request, null);
    const targets = request.trigger === "merge" && config.backport.forward_port_to_default ? [...plan.targets, "(default branch)"] : plan.targets;
    const reason = `The app could not read the merged change: ${describeGitHubError(error)}.`;
    return finish(targets.map((target) => ({ target, status: "failed", reason, at })), plan.ignored);
  }
  const plan = planTargets(pr, config, request, sourceFacts.defaultBranch);
  if (plan.targets.length === 0) {
    log.info({ outcome: "no-targets" }, "no backport targets");
    return finish([], plan.ignored);
  }
  const failAll = (reason: string) =>
    finish(
      plan.targets.map((target) => ({ target, status: "failed" as const, reason, at, branch: backportBranch(pr.number, target) })),
      plan.ignored,
    );
  const merge = sourceFacts.merge;
  if (!merge) return failAll(`The merge commit ${pr.mergeCommitSha} is not in the repository any more.`);
  let detection: ChangeDetection = detectFromMergeCommit({ merge, headSha: pr.headSha, prCommits: sourceFacts.totalPrCommits });

  // 2. Every target in one read.
  const targets = plan.targets.map((target) => ({ target, branch: backportBranch(pr.number, target) }));
  let states: TargetState[];
  let temporaryBranches: string[];
  try {
    const facts = await fetchTargetStates(delivery.query, delivery.repo, {
      targets,
      tempPrefix: tempBranchPrefix(pr.number),
      mergeSha: merge.oid,
      history: detection.kind === "needs-history" ? detection.length : 0,
    });
    states = facts.states;
    temporaryBranches = facts.temporaryBranches;
    if (detection.kind === "needs-history") {
      detection = detectFromHistory({ merge, prCommits: sourceFacts.prCommits, totalPrCommits: sourceFacts.totalPrCommits, history: facts.history });
    }
  } catch (error) {
    return failAll(`The app could not read the target branches: ${describeGitHubError(error)}.`);
  }
  if (detection.kind !== "known") return failAll(`The app could not tell how #${pr.number} was merged (${detection.kind === "unknown" ? detection.reason : "history missing"}): port it by hand.`);
  const change = detection.change;
  log.info({ outcome: "change", method: change.method, parent: change.parent, tip: change.tip, commits: change.commits }, `merged change: ${describeMethod(change)}`);

  if (!config.dry_run) await removeStaleTemporaryBranches(delivery, staleTempBranches(temporaryBranches.map((name) => name.replace(/^refs\/heads\//, "")), pr.number, now));

  // 3. Each target, one after another (GitHub spaces writes anyway).
  const context: TargetContext = {
    delivery,
    pr,
    source,
    config,
    change,
    at,
    now,
    author: change.method === "merge" ? (sourceFacts.headAuthor ?? merge.author) : (merge.author ?? sourceFacts.headAuthor),
    message: cherryPickMessage({ pr: source, change, mergeMessage: merge.message, commitMessages: sourceFacts.prCommits.map((commit) => commit.message) }),
  };
  const outcomes: BackportOutcome[] = [];
  for (const state of states) {
    try {
      outcomes.push(await portTarget(context, state));
    } catch (error) {
      outcomes.push({
        target: state.target,
        status: "failed",
        reason: `GitHub failed while porting: ${describeGitHubError(error)}.`,
        at,
        branch: backportBranch(pr.number, state.target),
        manualCommands: manualCommands(source, state.target, change),
      });
    }
  }
  return finish(outcomes, plan.ignored);
};

const planTargets = (pr: MergedPullRequest, config: HotfixConfig, request: PortRequest, defaultBranch: string | null) =>
  request.trigger === "merge" ? mergeTargets({ config, labels: pr.labels, baseRef: pr.baseRef, defaultBranch }) : commandTargets(request.branches, pr.baseRef);

interface TargetContext {
  delivery: Delivery;
  pr: MergedPullRequest;
  source: SourcePullRequest;
  config: HotfixConfig;
  change: MergedChange;
  at: string;
  now: Date;
  author: GitPerson | null;
  message: string;
}

const outcome = (context: TargetContext, target: string, status: BackportStatus, extra: Partial<BackportOutcome> = {}): BackportOutcome => ({
  target,
  status,
  at: context.at,
  branch: backportBranch(context.pr.number, target),
  ...extra,
});

/** One target: report what exists, finish an earlier attempt, or cherry-pick. */
const portTarget = async (context: TargetContext, state: TargetState): Promise<BackportOutcome> => {
  const { pr, config, change } = context;
  const { target } = state;
  const branch = backportBranch(pr.number, target);
  const action = decideTarget(state, change.tip, config.backport.labels);
  switch (action.kind) {
    case "exists":
      if (action.missingLabels.length > 0 && !config.dry_run) await decorate(context, action.pullRequest.number);
      return outcome(context, target, "created", { pullRequest: action.pullRequest });
    case "missing_branch":
      return outcome(context, target, "missing_branch", {
        reason: `The branch \`${target}\` does not exist. Create it, or correct \`backport.targets\` or the label, then comment \`/backport ${target}\`.`,
      });
    case "foreign_branch":
      return outcome(context, target, "refused", {
        reason: `A branch \`${branch}\` already exists and is not this app's backport of the change: delete or rename it, then comment \`/backport ${target}\`.`,
      });
    case "open_pull_request":
      if (config.dry_run) return outcome(context, target, "planned", { reason: `Would open a pull request from the existing branch \`${branch}\`.` });
      return openPullRequest(context, target);
    case "port":
      if (config.dry_run) {
        return outcome(context, target, "planned", { reason: `Would cherry-pick the ${describeMethod(change)} onto \`${target}\` as \`${branch}\` and open "${backportTitle(target, pr.title)}".` });
      }
      return cherryPick(context, target, action.head).then((result) => (result.kind === "ready" ? openPullRequest(context, target) : result.outcome));
  }
};

type CherryPickResult = { kind: "ready" } | { kind: "done"; outcome: BackportOutcome };

const isAlreadyExists = (error: unknown): boolean => {
  const e = error as { status?: number; message?: string };
  return e.status === 422 && /already exists/i.test(e.message ?? "");
};

/**
 * The cherry-pick, with only git-data and merges calls:
 * 1. a temporary commit with the target's tree on the change's parent, on a temporary branch;
 * 2. merge the change's tip into it: a 3-way merge whose base is that parent, so the result is
 *    the target plus exactly the change (409: a conflict);
 * 3. commit the merged tree on the target's head, as the original author;
 * 4. create `backport/<n>-to-<target>` on it: creating a ref is atomic, so of two concurrent
 *    attempts only one makes the branch;
 * and always delete the temporary branch.
 */
const cherryPick = async (context: TargetContext, target: string, head: { oid: string; tree: string }): Promise<CherryPickResult> => {
  const { delivery, pr, change, source } = context;
  const { octokit, repo } = delivery;
  const branch = backportBranch(pr.number, target);
  const temporary = tempBranch(pr.number, context.now, randomBytes(4).toString("hex"));
  const manual = () => manualCommands(source, target, change);
  let temporaryCreated = false;
  try {
    const sibling = await createCommit(octokit, repo, { message: temporaryCommitMessage(pr.number, target), tree: head.tree, parents: [change.parent] });
    try {
      await createBranch(octokit, repo, temporary, sibling);
    } catch (error) {
      // The name is this attempt's own: "already exists" means a retried request had made it.
      if (!isAlreadyExists(error)) throw error;
    }
    temporaryCreated = true;
    const merged = await mergeIntoBranch(octokit, repo, temporary, change.tip, temporaryCommitMessage(pr.number, target), sibling);
    if (merged.kind === "conflict") {
      return {
        kind: "done",
        outcome: outcome(context, target, "conflict", {
          reason: `The change does not apply cleanly to \`${target}\` (GitHub's merge reports a conflict). No branch or pull request was created.`,
          manualCommands: manual(),
        }),
      };
    }
    if (merged.kind === "nothing-to-merge" || merged.tree === head.tree) {
      return { kind: "done", outcome: outcome(context, target, "already_applied", { reason: `\`${target}\` already has this change: nothing to port.` }) };
    }
    const commit = await createCommit(octokit, repo, { message: context.message, tree: merged.tree, parents: [head.oid], author: context.author });
    try {
      await createBranch(octokit, repo, branch, commit);
    } catch (error) {
      // Another attempt made the branch first: its PR is found (or made) next, never a second one.
      if (!isAlreadyExists(error)) throw error;
      delivery.log.info({ outcome: "branch-exists", target, branch }, "backport branch made by a concurrent attempt");
    }
    return { kind: "ready" };
  } catch (error) {
    return { kind: "done", outcome: refusedOrFailed(context, target, error, manual()) };
  } finally {
    if (temporaryCreated) {
      await deleteBranch(octokit, repo, temporary).catch((error) =>
        delivery.log.warn({ outcome: "temporary-branch-left", branch: temporary, err: describeGitHubError(error) }, "temporary branch not deleted; the next attempt removes it"),
      );
    }
  }
};

/** GitHub's refusals (workflow files without the `workflows` permission, rules, permissions) versus other failures. */
const refusedOrFailed = (context: TargetContext, target: string, error: unknown, commands: string): BackportOutcome => {
  const e = error as { status?: number; message?: string };
  const message = String(e.message ?? "");
  if (/workflow/i.test(message)) {
    return outcome(context, target, "refused", {
      reason: `GitHub refuses to let the app write changes to \`.github/workflows/\` (the app does not ask for the \`workflows\` permission). Port it by hand.`,
      manualCommands: commands,
    });
  }
  if (e.status === 403 || (e.status === 422 && /protected|rule|restrict|not allowed|forbidden/i.test(message))) {
    return outcome(context, target, "refused", { reason: `GitHub refused the app's write: ${describeGitHubError(error)}.`, manualCommands: commands });
  }
  return outcome(context, target, "failed", { reason: `GitHub failed while porting: ${describeGitHubError(error)}. Nothing was left half-made.`, manualCommands: commands });
};

/**
 * Opens the backport PR from its (complete) branch. A 422 "already exists" means a concurrent
 * attempt opened it: that one is reported. If the PR cannot be opened, the branch is deleted so
 * no half-made backport stays behind, unless a PR for it exists after all.
 */
const openPullRequest = async (context: TargetContext, target: string): Promise<BackportOutcome> => {
  const { delivery, pr, source, change } = context;
  const { octokit, repo } = delivery;
  const branch = backportBranch(pr.number, target);
  try {
    const created = await createPullRequest(octokit, repo, { title: backportTitle(target, pr.title), body: backportBody(source, target, change), head: branch, base: target });
    await decorate(context, created.number);
    return outcome(context, target, "created", { pullRequest: created });
  } catch (error) {
    const found = await findPullRequestByHead(octokit, repo, branch, target).catch(() => null);
    if (found) return outcome(context, target, "created", { pullRequest: found });
    const deleted = await deleteBranch(octokit, repo, branch).catch(() => false);
    const failed = refusedOrFailed(context, target, error, manualCommands(source, target, change));
    return { ...failed, reason: `${failed.reason} The pull request could not be opened${deleted ? `; the branch \`${branch}\` was removed` : ""}.` };
  }
};

/**
 * Labels (`backport.labels`), the original author as assignee, and the approvers asked to
 * review. Best effort: a refusal is logged, never undoes the backport.
 */
const decorate = async (context: TargetContext, number: number): Promise<void> => {
  const { delivery, pr, config } = context;
  const { octokit, repo } = delivery;
  const assignees = pr.authorIsBot ? [] : [pr.author];
  try {
    const { assigned } = await labelAndAssign(octokit, repo, number, config.backport.labels, assignees);
    if (!assigned) delivery.log.info({ outcome: "not-assigned", pullRequest: number, assignee: pr.author }, "the original author cannot be assigned in this repository");
  } catch (error) {
    delivery.log.warn({ outcome: "labels-failed", pullRequest: number, err: describeGitHubError(error) }, "backport PR not labelled");
  }
  const policy = approverPolicy(config, repo.owner);
  const users = policy.users.filter((login) => config.approvals.allow_author || !sameLogin(login, pr.author));
  const teams = policy.teams.map((team) => team.slug);
  try {
    const refused = await requestBackportReviews(octokit, repo, number, users, teams);
    if (refused.length > 0) delivery.log.info({ outcome: "reviewers-refused", pullRequest: number, refused }, "GitHub would not ask some approvers to review");
  } catch (error) {
    delivery.log.warn({ outcome: "reviewers-failed", pullRequest: number, err: describeGitHubError(error) }, "approvers not asked to review the backport");
  }
};

/** Temporary branches of attempts that can no longer be running (a crash mid-way). */
const removeStaleTemporaryBranches = async (delivery: Delivery, branches: string[]): Promise<void> => {
  for (const branch of branches) {
    await deleteBranch(delivery.octokit, delivery.repo, branch)
      .then(() => delivery.log.info({ outcome: "stale-temporary-branch-deleted", branch }, "left-over temporary branch deleted"))
      .catch((error) => delivery.log.warn({ outcome: "stale-temporary-branch-left", branch, err: describeGitHubError(error) }, "left-over temporary branch not deleted"));
  }
};

/**
 * One comment on the PR for the targets that need a person (conflict, missing branch, already
 * applied, refused, failed), found again by per-target markers: a redelivery posts nothing new.
 */
export const reportFailures = async (delivery: Delivery, pr: MergedPullRequest, config: HotfixConfig, outcomes: BackportOutcome[]): Promise<void> => {
  const log = delivery.log.child({ pr: pr.number });
  const source: SourcePullRequest = { number: pr.number, title: pr.title, url: pr.url, baseRef: pr.baseRef };
  // A trial says once, on the PR, what every target would have got (a comment is not a branch, PR or issue).
  const needing = config.dry_run ? outcomes : outcomes.filter((item) => item.status !== "created" && item.status !== "planned");
  if (needing.length === 0) return;
  const markerOf = (item: BackportOutcome) => (config.dry_run ? markers.dryRun(pr.number) : markers.failure(pr.number, item.target));
  try {
    const existing = await findOwnComments(delivery.query, delivery.repo, pr.number, [...new Set(needing.map(markerOf))]);
    const unreported = needing.filter((item) => !existing.some((body) => body.includes(markerOf(item))));
    if (unreported.length === 0) {
      log.info({ outcome: "already-reported" }, "backport outcomes already reported on the PR");
      return;
    }
    await postComment(delivery.octokit, delivery.repo, pr.number, config.dry_run ? dryRunComment(source, unreported) : failureComment(source, unreported));
    log.info({ outcome: config.dry_run ? "dry-run-reported" : "reported", targets: unreported.map((item) => item.target) }, "backport outcomes reported on the PR");
  } catch (error) {
    log.error({ outcome: "report-failed", err: describeGitHubError(error) }, "backport outcomes could not be reported on the PR");
  }
};

/** A `/backport` command as the comment event carries it. */
export interface BackportCommandRequest {
  number: number;
  commentId: number;
  /** The command line as typed: the reply quotes it. */
  command: string;
  branches: string[];
  actor: { login: string; isBot: boolean };
}

/** GitHub's PR (REST) as the flows read a merged PR. */
export const mergedPullRequestFrom = (data: Awaited<ReturnType<typeof getPullRequest>>): MergedPullRequest | null => {
  if (!data.merged_at || !data.merge_commit_sha) return null;
  return {
    number: data.number,
    title: data.title,
    body: data.body,
    url: data.html_url,
    labels: data.labels.map((label) => label.name ?? "").filter(Boolean),
    author: data.user.login,
    authorIsBot: data.user.type === "Bot",
    baseRef: data.base.ref,
    headRef: data.head.ref,
    headSha: data.head.sha,
    mergeCommitSha: data.merge_commit_sha,
    mergedAt: data.merged_at,
    mergedBy: data.merged_by?.login ?? null,
    createdAt: data.created_at,
    fromFork: (data.head.repo?.full_name ?? "") !== data.base.repo.full_name,
  };
};

/**
 * `/backport <branch> [<branch> ...]` on a merged hotfix PR:
 * 1. refuse (👎 and one reply saying why) when the configuration is invalid, the commenter may
 *    not approve emergency changes, the PR is not merged, or it is not a hotfix;
 * 2. otherwise 👍, port to the named branches at once, and reply with what happened to each
 *    (the manual commands for those that need a person).
 * The reply is found again by a marker naming the comment: a redelivery posts nothing new.
 */
export const handleBackportCommand = async (delivery: Delivery, request: BackportCommandRequest): Promise<void> => {
  const { octokit, repo } = delivery;
  const log = delivery.log.child({ pr: request.number, comment: request.commentId, command: "backport" });
  const reply = async (body: string) => {
    const marker = markers.commandReply(request.commentId);
    const existing = await findOwnComments(delivery.query, repo, request.number, [marker]);
    if (existing.length > 0) return log.info({ outcome: "reply-exists" }, "the command was already answered");
    await postComment(octokit, repo, request.number, `${marker}\n${body}`);
  };
  const refuse = async (why: string) => {
    log.info({ outcome: "refused", reason: why }, "backport command refused");
    await reactToComment(octokit, repo, request.commentId, "-1").catch((error) => log.warn({ err: describeGitHubError(error) }, "reaction failed"));
    await reply(`${quote(request.command)}\n\nNot done: ${why}.`);
  };

  const loaded = await delivery.config();
  if (!loaded.ok) return refuse(`\`${loaded.path}\` is invalid; the \`Hotfix governance\` check lists what to fix`);
  const config = loaded.config;
  const data = await getPullRequest(octokit, repo, request.number);
  const allowed = await authorizeOrder(delivery, { number: request.number, actor: request.actor, order: "backport", config });
  if (!allowed.allowed) return refuse(allowed.why);
  const pr = mergedPullRequestFrom(data);
  if (!pr) return refuse(`#${request.number} is not merged; a hotfix is ported when it merges (add a label \`${config.backport.label_prefix}<branch>\` to choose more branches)`);
  if (!isHotfix(pr.labels, config)) return refuse(`#${request.number} is not a hotfix (it has no \`${config.label}\` label)`);
  if (request.branches.length === 0) return refuse("name at least one branch, e.g. `/backport release/1.2`");

  // The reply is the last step: once it exists, the command was carried out (a redelivery).
  const answered = await findOwnComments(delivery.query, repo, request.number, [markers.commandReply(request.commentId)]);
  if (answered.length > 0) return log.info({ outcome: "reply-exists" }, "the command was already answered");
  log.info({ outcome: "accepted", via: allowed.via, branches: request.branches }, "backport command accepted");
  await reactToComment(octokit, repo, request.commentId, "+1").catch((error) => log.warn({ err: describeGitHubError(error) }, "reaction failed"));
  const run = await portPullRequest(delivery, pr, config, { trigger: "command", branches: request.branches });
  const source: SourcePullRequest = { number: pr.number, title: pr.title, url: pr.url, baseRef: pr.baseRef };
  // Before the reply, so a crash between the two repeats the note rather than losing it.
  if (!config.dry_run) await notePostmortem(delivery, pr.number, request.commentId, run.outcomes);
  const answer = commandReply({ command: request.command, pr: source, outcomes: run.outcomes, ignored: run.ignored, dryRun: config.dry_run });
  await postComment(octokit, repo, request.number, `${markers.commandReply(request.commentId)}\n${answer}`);
};

/**
 * A backport ordered after the merge that fails joins the postmortem's action items (SPEC §5):
 * one comment on the postmortem issue, found through the app's link comment on the PR.
 */
const notePostmortem = async (delivery: Delivery, number: number, commentId: number, outcomes: BackportOutcome[]): Promise<void> => {
  const failed = outcomes.filter(isFailedBackport);
  if (failed.length === 0) return;
  const log = delivery.log.child({ pr: number, comment: commentId });
  try {
    const links = await findOwnComments(delivery.query, delivery.repo, number, [postmortemCommentPrefix(number)]);
    const issue = links.map((body) => readPostmortemComment(body, number)?.issue).find((value): value is number => Boolean(value));
    if (!issue) return log.info({ outcome: "no-postmortem" }, "no postmortem issue to add the failed backports to");
    const body = [
      `<!-- hotfix-governance:postmortem-backport comment=${commentId} -->`,
      `### New action items: backports ordered on #${number} after the merge`,
      "",
      ...failed.map((outcome) => `- [ ] ${backportActionItem(number, outcome)}`),
    ].join("\n");
    await postComment(delivery.octokit, delivery.repo, issue, body);
    log.info({ outcome: "postmortem-noted", issue, targets: failed.map((outcome) => outcome.target) }, "failed backports added to the postmortem");
  } catch (error) {
    log.warn({ outcome: "postmortem-note-failed", err: describeGitHubError(error) }, "could not add the failed backports to the postmortem");
  }
};
