import { randomBytes } from "node:crypto";
import type { HotfixConfig } from "../config/schema.js";
import { describeMethod, type MergedChange } from "../backport/change.js";
import type { MergedPullRequest } from "../backport/merged-pull-request.js";
import {
  backportBody,
  backportTitle,
  cherryPickMessage,
  dryRunComment,
  failureComment,
  manualCommands,
  temporaryCommitMessage,
  type SourcePullRequest,
} from "../backport/messages.js";
import { backportBranch, isBackportCommitOf, markers, staleTempBranches, tempBranch, tempBranchPrefix } from "../backport/naming.js";
import type { BackportOutcome, BackportStatus } from "../backport/outcome.js";
import { decideTarget, type TargetState } from "../backport/plan.js";
import { commandTargets, mergeTargets, type IgnoredTarget } from "../backport/targets.js";
import { approverPolicy, sameLogin } from "../governance/approvals/policy.js";
import type { GitHub } from "../github/gateway.js";
import type { NodeIdLookups, NodeIds } from "../github/node-ids.js";
import { pickOnto, type CherryPickGitHub, type PickResult } from "./cherry-pick.js";
import type { Delivery } from "./delivery.js";
import { describeGitHubError } from "../github/errors.js";
import { readPort, type PortReadGitHub, type PortReading } from "./port-read.js";

/**
 * The port's calls: its reads and the executor's, then per target the branch, the PR (created or
 * found again), its labels, assignees and reviewers, and the one failure comment on the source PR.
 */
export type PortGitHub = PortReadGitHub &
  CherryPickGitHub &
  Pick<
    GitHub,
    | "createBranch"
    | "deleteBranch"
    | "createPullRequest"
    | "findPullRequestByHead"
    | "decoratePullRequest"
    | "labelAndAssign"
    | "requestReviewers"
    | "addLabels"
    | "findOwnComments"
    | "createComment"
  >;

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
export const portMergedPullRequest = async (delivery: Delivery<PortGitHub>, pr: MergedPullRequest, config: HotfixConfig): Promise<BackportOutcome[]> => {
  const run = await portPullRequest(delivery, pr, config, { trigger: "merge" });
  await reportFailures(delivery, pr, config, run.outcomes);
  return run.outcomes;
};

/**
 * Ports `pr` to the targets of `request`, without a clone:
 * 1. work out the targets (the default branch is in the PR's own data);
 * 2. read the change and every target at once (`readPort`: one comparison and one query);
 * 3. per target, the first step that applies: an existing backport PR is reported as it is; an
 *    earlier attempt's branch gets its PR; otherwise the port engine makes one commit on the
 *    target's head, `backport/<n>-to-<target>` is created on it, and the PR opened, labelled,
 *    assigned and sent for review.
 * Every failure becomes an outcome with a reason (and the manual commands when they help);
 * nothing throws past this function, so the postmortem always hears about every target.
 */
export const portPullRequest = async (delivery: Delivery<PortGitHub>, pr: MergedPullRequest, config: HotfixConfig, request: PortRequest): Promise<PortRun> => {
  const log = delivery.log.child({ pr: pr.number, trigger: request.trigger });
  const now = delivery.now();
  const at = now.toISOString();
  const source: SourcePullRequest = { number: pr.number, title: pr.title, url: pr.url, baseRef: pr.baseRef };
  const finish = (outcomes: BackportOutcome[], ignored: IgnoredTarget[]): PortRun => {
    for (const outcome of outcomes) {
      delivery.runtime.metrics.backports.inc({ result: outcome.status });
      const level = outcome.status === "failed" ? "error" : outcome.status === "created" || outcome.status === "planned" ? "info" : "warn";
      log[level]({ outcome: outcome.status, target: outcome.target, branch: outcome.branch, pullRequest: outcome.pullRequest?.number, reason: outcome.reason }, `backport to ${outcome.target}: ${outcome.status}`);
    }
    for (const item of ignored) log.info({ outcome: "ignored", target: item.name, reason: item.why }, `backport target ${item.name} ignored`);
    return { outcomes, ignored };
  };

  // 1. The targets.
  const plan = request.trigger === "merge" ? mergeTargets({ config, labels: pr.labels, baseRef: pr.baseRef, defaultBranch: pr.defaultBranch }) : commandTargets(request.branches, pr.baseRef);
  if (plan.targets.length === 0) {
    log.info({ outcome: "no-targets" }, "no backport targets");
    return finish([], plan.ignored);
  }
  const failAll = (reason: string, change?: MergedChange) =>
    finish(
      plan.targets.map((target) => ({
        target,
        status: "failed" as const,
        reason,
        at,
        branch: backportBranch(pr.number, target),
        ...(change ? { manualCommands: manualCommands(source, target, change) } : {}),
      })),
      plan.ignored,
    );

  // 2. The change and every target in one read.
  const read = await readPort(
    delivery,
    pr,
    plan.targets.map((target) => ({ target, branch: backportBranch(pr.number, target) })),
    tempBranchPrefix(pr.number),
    config.dry_run ? undefined : decorationLookups(pr, config, delivery.repo.owner),
  );
  if (read.kind === "failed") return failAll(read.reason);
  const reading = read.reading;
  const { change } = reading;
  log.info({ outcome: "change", method: change.method, parent: change.parent, tip: change.tip, commits: change.commits, paths: reading.changes.length }, `merged change: ${describeMethod(change)}`);

  if (!config.dry_run) await removeStaleTemporaryBranches(delivery, staleTempBranches(reading.temporaryBranches.map((name) => name.replace(/^refs\/heads\//, "")), pr.number, now));

  // 3. Each target, one after another (GitHub spaces writes anyway).
  const context: TargetContext = {
    delivery,
    pr,
    source,
    config,
    reading,
    at,
    now,
    message: cherryPickMessage({ pr: source, change, mergeMessage: reading.facts.merge?.message ?? "", commitMessages: reading.facts.prCommits.map((commit) => commit.message) }),
  };
  const outcomes: BackportOutcome[] = [];
  for (const state of reading.states) {
    try {
      outcomes.push(await portTarget(context, state));
    } catch (error) {
      outcomes.push(refusedOrFailed(context, state.target, error, manualCommands(source, state.target, change)));
    }
  }
  return finish(outcomes, plan.ignored);
};

interface TargetContext {
  delivery: Delivery<PortGitHub>;
  pr: MergedPullRequest;
  source: SourcePullRequest;
  config: HotfixConfig;
  reading: PortReading;
  at: string;
  now: Date;
  message: string;
}

const outcome = (context: TargetContext, target: string, status: BackportStatus, extra: Partial<BackportOutcome> = {}): BackportOutcome => ({
  target,
  status,
  at: context.at,
  branch: backportBranch(context.pr.number, target),
  ...extra,
});

const isAlreadyExists = (error: unknown): boolean => {
  const e = error as { status?: number; message?: string };
  return e.status === 422 && /already exists/i.test(e.message ?? "");
};

/** Why the app does not write workflow files, in the words the outcome and the PR comment use. */
export const workflowsReason = (paths: string[]): string =>
  `The change writes ${paths.map((path) => `\`${path}\``).join(", ")}: GitHub lets an app create or update files in \`.github/workflows/\` only with the \`workflows\` permission, which Hotfix Governance does not ask for (see the README). Port it by hand.`;

/** One target: report what exists, finish an earlier attempt, or pick the change onto it. */
const portTarget = async (context: TargetContext, state: TargetState): Promise<BackportOutcome> => {
  const { pr, config, reading, source, delivery } = context;
  const { change } = reading;
  const { target } = state;
  const branch = backportBranch(pr.number, target);
  const action = decideTarget(state, (message) => isBackportCommitOf(message, change.tip), config.backport.labels);
  switch (action.kind) {
    case "exists":
      if (action.missingLabels.length > 0 && !config.dry_run) await addMissingLabels(context, action.pullRequest.number, action.missingLabels);
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
    case "port": {
      if (config.dry_run) {
        return outcome(context, target, "planned", { reason: `Would cherry-pick the ${describeMethod(change)} onto \`${target}\` as \`${branch}\` and open "${backportTitle(target, pr.title)}".` });
      }
      const picked = await pickOnto(delivery, {
        base: reading.base,
        change: reading.tip,
        changeCommit: change.tip,
        changes: reading.changes,
        complete: !reading.truncated,
        target: action.side,
        message: context.message,
        author: reading.author,
        signed: state.requiresSignatures,
        temporary: { branch: tempBranch(pr.number, context.now, randomBytes(4).toString("hex")), message: temporaryCommitMessage(pr.number, target) },
      });
      if (picked.kind !== "picked") return notPicked(context, target, picked);
      try {
        await delivery.github.createBranch(delivery.repo, branch, picked.commit);
      } catch (error) {
        // Another attempt made the branch first: its PR is found (or made) next, never a second one.
        if (!isAlreadyExists(error)) return refusedOrFailed(context, target, error, manualCommands(source, target, change));
        delivery.log.info({ outcome: "branch-exists", target, branch }, "backport branch made by a concurrent attempt");
      }
      return openPullRequest(context, target);
    }
  }
};

/** A pick that made no commit, as the outcome people read. */
const notPicked = (context: TargetContext, target: string, picked: Exclude<PickResult, { kind: "picked" }>): BackportOutcome => {
  const commands = manualCommands(context.source, target, context.reading.change);
  switch (picked.kind) {
    case "already_applied":
      return outcome(context, target, "already_applied", { reason: `\`${target}\` already has this change: nothing to port.` });
    case "touches_workflows":
      return outcome(context, target, "refused", { reason: workflowsReason(picked.paths), manualCommands: commands });
    case "conflict":
      return outcome(context, target, "conflict", {
        reason: `The change does not apply cleanly to \`${target}\` (git's merge reports a conflict${picked.paths.length > 0 ? `; changed on both sides: ${picked.paths.map((path) => `\`${path}\``).join(", ")}` : ""}). No branch or pull request was created.`,
        manualCommands: commands,
      });
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
  const { delivery, pr, source } = context;
  const { change } = context.reading;
  const { github, repo } = delivery;
  const branch = backportBranch(pr.number, target);
  try {
    const created = await github.createPullRequest(repo, { title: backportTitle(target, pr.title), body: backportBody(source, target, change), head: branch, base: target });
    await decorate(context, created);
    return outcome(context, target, "created", { pullRequest: { number: created.number, url: created.url } });
  } catch (error) {
    const found = await github.findPullRequestByHead(repo, branch, target).catch(() => null);
    if (found) return outcome(context, target, "created", { pullRequest: found });
    const deleted = await github.deleteBranch(repo, branch).catch(() => false);
    const failed = refusedOrFailed(context, target, error, manualCommands(source, target, change));
    return { ...failed, reason: `${failed.reason} The pull request could not be opened${deleted ? `; the branch \`${branch}\` was removed` : ""}.` };
  }
};

/** What a backport PR gets: `backport.labels`, the original author as assignee, the approvers asked to review. */
export const decorationOf = (pr: Pick<MergedPullRequest, "author" | "authorIsBot">, config: HotfixConfig, owner: string) => {
  const policy = approverPolicy(config, owner);
  return {
    labels: config.backport.labels,
    assignees: pr.authorIsBot ? [] : [pr.author],
    users: policy.users.filter((login) => config.approvals.allow_author || !sameLogin(login, pr.author)),
    teams: policy.teams.map((team) => team.slug),
  };
};

/** The names whose node ids the port's read looks up, so that `decorate` can write by id. */
const decorationLookups = (pr: MergedPullRequest, config: HotfixConfig, owner: string): NodeIdLookups => {
  const want = decorationOf(pr, config, owner);
  return { labels: want.labels, users: [...new Set([...want.assignees, ...want.users])], teams: want.teams };
};

/** Every name's id, or null when one is not known (then the names go over REST). */
const idsFor = (want: ReturnType<typeof decorationOf>, ids: NodeIds) => {
  const all = (names: string[], known: Map<string, string | null>) => {
    const found = names.map((name) => known.get(name) ?? null);
    return found.every((id) => id !== null) ? (found as string[]) : null;
  };
  const labels = all(want.labels, ids.labels);
  const assignees = all(want.assignees, ids.users);
  const users = all(want.users, ids.users);
  const teams = all(want.teams, ids.teams);
  return labels && assignees && users && teams ? { labels, assignees, users, teams } : null;
};

/**
 * Labels, assignee and review requests (`decorationOf`). With every id known from the port's
 * read, one GraphQL write does all three; whatever it did not do (or everything, when an id is
 * missing: a label not created yet) is done over REST by name, where GitHub creates a missing
 * label. Best effort: a refusal is logged, never undoes the backport.
 */
const decorate = async (context: TargetContext, created: { number: number; nodeId: string }): Promise<void> => {
  const { delivery, pr, config } = context;
  const { github, repo } = delivery;
  const { number } = created;
  const want = decorationOf(pr, config, repo.owner);
  if (want.labels.length + want.assignees.length + want.users.length + want.teams.length === 0) return;
  const ids = idsFor(want, context.reading.facts.ids);
  const done = ids ? await github.decoratePullRequest(created.nodeId, ids) : { labelledAndAssigned: false, reviewsRequested: false };
  if (!done.labelledAndAssigned) {
    try {
      const { assigned } = await github.labelAndAssign(repo, number, want.labels, want.assignees);
      if (!assigned) delivery.log.info({ outcome: "not-assigned", pullRequest: number, assignee: pr.author }, "the original author cannot be assigned in this repository");
    } catch (error) {
      delivery.log.warn({ outcome: "labels-failed", pullRequest: number, err: describeGitHubError(error) }, "backport PR not labelled");
    }
  }
  if (done.reviewsRequested) return;
  try {
    const { refused } = await github.requestReviewers(repo, number, want.users, want.teams);
    if (refused.length > 0) {
      delivery.log.info({ outcome: "reviewers-refused", pullRequest: number, refused: refused.map((item) => item.reviewer) }, "GitHub would not ask some approvers to review");
    }
  } catch (error) {
    delivery.log.warn({ outcome: "reviewers-failed", pullRequest: number, err: describeGitHubError(error) }, "approvers not asked to review the backport");
  }
};

/** An existing backport PR lacks some of `backport.labels`: they are added, its other labels kept. */
const addMissingLabels = async (context: TargetContext, number: number, labels: string[]): Promise<void> => {
  try {
    await context.delivery.github.addLabels(context.delivery.repo, number, labels);
  } catch (error) {
    context.delivery.log.warn({ outcome: "labels-failed", pullRequest: number, err: describeGitHubError(error) }, "backport PR not labelled");
  }
};

/** Temporary branches of attempts that can no longer be running (a crash mid-way). */
const removeStaleTemporaryBranches = async (delivery: Delivery<PortGitHub>, branches: string[]): Promise<void> => {
  for (const branch of branches) {
    await delivery.github.deleteBranch(delivery.repo, branch)
      .then(() => delivery.log.info({ outcome: "stale-temporary-branch-deleted", branch }, "left-over temporary branch deleted"))
      .catch((error) => delivery.log.warn({ outcome: "stale-temporary-branch-left", branch, err: describeGitHubError(error) }, "left-over temporary branch not deleted"));
  }
};

/**
 * One comment on the PR for the targets that need a person (conflict, missing branch, already
 * applied, refused, failed), found again by per-target markers: a redelivery posts nothing new.
 */
export const reportFailures = async (delivery: Delivery<PortGitHub>, pr: MergedPullRequest, config: HotfixConfig, outcomes: BackportOutcome[]): Promise<void> => {
  const log = delivery.log.child({ pr: pr.number });
  const source: SourcePullRequest = { number: pr.number, title: pr.title, url: pr.url, baseRef: pr.baseRef };
  // A trial says once, on the PR, what every target would have got (a comment is not a branch, PR or issue).
  const needing = config.dry_run ? outcomes : outcomes.filter((item) => item.status !== "created" && item.status !== "planned");
  if (needing.length === 0) return;
  const markerOf = (item: BackportOutcome) => (config.dry_run ? markers.dryRun(pr.number) : markers.failure(pr.number, item.target));
  try {
    const existing = await delivery.github.findOwnComments(delivery.repo, pr.number, [...new Set(needing.map(markerOf))]);
    const unreported = needing.filter((item) => !existing.some((body) => body.includes(markerOf(item))));
    if (unreported.length === 0) {
      log.info({ outcome: "already-reported" }, "backport outcomes already reported on the PR");
      return;
    }
    await delivery.github.createComment(delivery.repo, pr.number, config.dry_run ? dryRunComment(source, unreported) : failureComment(source, unreported));
    log.info({ outcome: config.dry_run ? "dry-run-reported" : "reported", targets: unreported.map((item) => item.target) }, "backport outcomes reported on the PR");
  } catch (error) {
    log.error({ outcome: "report-failed", err: describeGitHubError(error) }, "backport outcomes could not be reported on the PR");
  }
};

