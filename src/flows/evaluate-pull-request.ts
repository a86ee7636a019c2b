import {
  cannotEvaluateCheckOutput,
  hotfixCheckOutput,
  invalidConfigCheckOutput,
  notHotfixCheckOutput,
  planCheckWrite,
  type CheckOutput,
} from "../governance/check-output.js";
import type { Approval } from "../governance/approvals/evaluate-approvals.js";
import { approverPolicy } from "../governance/approvals/policy.js";
import { dryRunNote } from "../governance/dry-run.js";
import { evaluateHotfix, isHotfix, type HotfixEvaluation } from "../governance/evaluate-hotfix.js";
import { fastTrackNote } from "../governance/merge/messages.js";
import type { OwnCheckRun, PullRequestFacts } from "../governance/facts.js";
import type { GitHub } from "../github/gateway.js";
import type { PullRequestHead } from "../github/pull-requests.js";
import { isNotFoundAnswer, readThroughLag } from "../github/read-through-lag.js";
import type { HotfixConfig } from "../config/schema.js";
import type { BudgetState } from "../platform/rate-budget.js";
import { runHandedOver } from "../platform/handover.js";
import { rememberCommitPullRequests } from "./commit-pull-requests.js";
import { approvalResults, hotfixFacts, retireStatusComment, type ApprovalsGitHub } from "./approvals.js";
import type { Delivery } from "./delivery.js";
import { autoMergeIfCleared, type FastTrackGitHub } from "./fast-track-merge.js";
import { describeGitHubError, isLostAccess } from "../github/errors.js";

/** An evaluation's calls: the PR's head and facts, its check runs, and what the approvals and `merge.auto` call. */
export type EvaluateGitHub = ApprovalsGitHub &
  FastTrackGitHub &
  Pick<GitHub, "fetchPullRequestHead" | "fetchPullRequestFacts" | "createCheckRun" | "updateCheckRun" | "supersedeCheckRun" | "listOwnCheckRuns">;

export interface Evaluation {
  facts: PullRequestFacts | null;
  output: CheckOutput | null;
  write: "none" | "update" | "create" | "deferred";
  /** Hotfix PRs: the verdict, the approvals it rests on and the config (the fast track merges on them). */
  verdict?: HotfixEvaluation;
  approvals?: Approval[];
  config?: HotfixConfig;
}

/** What the caller knows that can save reads or demands a fresh answer. */
export interface EvaluateOptions {
  /** Comment events carry no head commit; the others name it (used to fail closed). */
  headShaHint?: string;
  /** The PR is known to carry the hotfix label (skips the cheap first read). */
  hotfixHint?: boolean;
  /** The labels the event's payload showed: a hint only (a later event may have changed them). */
  labelsHint?: string[];
  /** The check's "Re-run": always answered with a fresh run, even with the same verdict. */
  rerun?: boolean;
  /** The hotfix label was just removed: the status comment may need retiring. */
  labelRemoved?: boolean;
  /** `headShaHint` is the PR's head as of the event (a push's `after`): an older head read back is replication lag. */
  headIsNew?: boolean;
}

const mergeOptions = (a: EvaluateOptions, b: EvaluateOptions): EvaluateOptions => ({
    headShaHint: b.headShaHint ?? a.headShaHint,
    hotfixHint: a.hotfixHint === b.hotfixHint ? a.hotfixHint : undefined,
    labelsHint: b.labelsHint ?? a.labelsHint,
    rerun: a.rerun || b.rerun,
    labelRemoved: a.labelRemoved || b.labelRemoved,
    headIsNew: b.headShaHint ? b.headIsNew : a.headIsNew,
});

/**
 * Re-evaluates the `Hotfix governance` check of one open PR:
 * 1. read the config (cached per repository) and, when the event's labels say it is not a hotfix,
 *    only the PR's head (labels and this app's runs: 1 point) — a PR that is not one stops there;
 * 2. gather a hotfix's facts (one GraphQL query; file pages only when a path rule needs them);
 * 3. evaluate the pure rules into one check output;
 * 4. apply it: at most one check-run write, none when the check already says the same;
 * 5. then the approvals' secondary writes (reactions, replies, status comment, review requests):
 *    best effort, after the check so they never hold the verdict back.
 * When GitHub cannot be read the check is set to a failure that says so (fail closed).
 * Events for one PR are evaluated one at a time, across replicas, and share evaluations across
 * replicas (`platform/handover.ts`): an event that finds the PR's lock held takes a ticket and is
 * done once an evaluation that started after it has finished, wherever it ran; the holder
 * evaluates again before releasing while tickets came. What cannot be handed over (a Re-run's
 * fresh run, a removed label's retiring, a push's new head) waits for the lock and runs itself.
 */
export const evaluatePullRequest = (
  delivery: Delivery<EvaluateGitHub>,
  number: number,
  headShaHint?: string,
  options: Omit<EvaluateOptions, "headShaHint"> = {},
): Promise<Evaluation | null> => {
  const key = `${delivery.repo.owner}/${delivery.repo.repo}#${number}`.toLowerCase();
  const merged = (a: EvaluateOptions, b: EvaluateOptions) => {
    delivery.runtime.metrics.evaluations.inc({ kind: "coalesced" });
    return mergeOptions(a, b);
  };
  return delivery.runtime.coalescer.run(key, { ...options, headShaHint }, merged, async (started) => {
    // Callers that came before this point share its options; later ones take a ticket of their own.
    const merged = started();
    const canHandOver = !merged.rerun && !merged.labelRemoved && !merged.headIsNew;
    const evaluation = await runHandedOver(delivery.coordination, key, { canHandOver }, async (round) => {
      // Later rounds are for other events: no hints of this one (the full facts are read).
      const result = await evaluateNow(delivery, number, round === 0 ? merged : {});
      // 6. `merge.auto` (SPEC §8): a verdict that turned success is merged at once, under the same lock.
      await autoMergeIfCleared(delivery, result);
      return result;
    });
    if (evaluation === undefined) {
      delivery.runtime.metrics.evaluations.inc({ kind: "coalesced" });
      return null;
    }
    return evaluation;
  });
};

/**
 * The same evaluation for a caller that already holds the PR's lock (`/merge-emergency`): the
 * verdict on the current head, recomputed from GitHub; the check is written only when it changed.
 */
export const evaluateLockedPullRequest = (delivery: Delivery<EvaluateGitHub>, number: number): Promise<(Evaluation & { facts: PullRequestFacts }) | null> =>
  // Without a hint the full facts are always read: an answer always carries them.
  evaluateNow(delivery, number, {}) as Promise<(Evaluation & { facts: PullRequestFacts }) | null>;

const evaluateNow = async (delivery: Delivery<EvaluateGitHub>, number: number, options: EvaluateOptions): Promise<Evaluation | null> => {
  const log = delivery.log.child({ pr: number });
  let facts: PullRequestFacts | null = null;
  // The commit the event named; comment events name none, then the head the read returned.
  let headSha = options.headShaHint;
  let output: CheckOutput | null;
  let afterCheck: AfterCheck | undefined;
  let hotfix = false;
  let hotfixFields: Partial<Pick<Evaluation, "facts">> & Pick<Evaluation, "verdict" | "approvals" | "config"> = {};
  // A PR or push the event just announced may not be visible yet (replication lag): read again for a few seconds.
  const expectedHead = options.headIsNew ? options.headShaHint : undefined;
  const throughLag = <T extends { headSha: string } | null>(read: () => Promise<T>) =>
    readThroughLag(read, { delaysMs: delivery.readRetryDelaysMs, isStale: expectedHead ? (value) => (value as { headSha: string }).headSha !== expectedHead : undefined });
  try {
    const config = await delivery.config();
    // The payload's labels only choose which read comes first: the facts' own labels decide.
    const likelyHotfix = options.hotfixHint ?? (options.labelsHint && config.ok ? isHotfix(options.labelsHint, config.config) : undefined);
    // Commands and Re-runs come mostly from hotfixes: without a hint the full facts come first.
    if (likelyHotfix === false) {
      const head = await throughLag(() => delivery.github.fetchPullRequestHead(delivery.repo, number, delivery.appId));
      if (!head) {
        log.info({ outcome: "not-found" }, "pull request not found; nothing to evaluate");
        return null;
      }
      if (expectedHead && head.headSha !== expectedHead) {
        log.warn({ outcome: "stale-read", sha: head.headSha, expected: expectedHead }, "GitHub still shows another head than the push; not evaluated");
        return null;
      }
      headSha ??= head.headSha;
      if (head.state !== "OPEN") {
        log.debug({ outcome: "skipped", state: head.state }, "pull request is not open; the check is left as it is");
        return { facts: null, output: null, write: "none" };
      }
      if (config.ok && !isHotfix(head.labels, config.config) && !mayNeedRetiring(head.ownCheckRuns, options)) {
        return await notHotfix(delivery, head, config.config, options);
      }
    }
    facts = await throughLag(() => delivery.github.fetchPullRequestFacts(delivery.repo, number, delivery.appId, { files: config.ok ? needsFilePaths(config.config) : false }));
    if (!facts) {
      log.info({ outcome: "not-found" }, "pull request not found; nothing to evaluate");
      return null;
    }
    if (expectedHead && facts.headSha !== expectedHead && !facts.commits.some((commit) => commit.sha === expectedHead)) {
      // Still an older head than the push: never write the verdict on it (the sweep evaluates the new one).
      log.warn({ outcome: "stale-read", sha: facts.headSha, expected: expectedHead }, "GitHub still shows an older head than the push; not evaluated");
      return null;
    }
    headSha ??= facts.headSha;
    if (facts.state !== "OPEN") {
      log.debug({ outcome: "skipped", state: facts.state }, "pull request is not open; the check is left as it is");
      return { facts, output: null, write: "none" };
    }
    ({ output, afterCheck, hotfix, ...hotfixFields } = await decide(delivery, facts, config));
  } catch (error) {
    if (isNotFoundAnswer(error)) {
      log.info({ outcome: "not-found", err: describeGitHubError(error) }, "pull request not found; nothing to evaluate");
      return null;
    }
    if (isLostAccess(error)) {
      log.warn({ outcome: "no-access", err: describeGitHubError(error) }, "the app cannot read this repository any more");
      return null;
    }
    log.error({ outcome: "cannot-evaluate", err: describeGitHubError(error) }, "could not evaluate; failing closed");
    if (headSha) await failClosed(delivery, headSha, describeGitHubError(error));
    throw error;
  }
  await rememberVerdict(delivery, facts.headSha, number, hotfix);
  delivery.runtime.metrics.evaluations.inc({ kind: hotfix ? "hotfix" : "not_hotfix" });
  if (!output) {
    await afterCheck?.();
    return { facts, output, write: "none", ...hotfixFields };
  }
  const write = await applyCheck(delivery, facts.headSha, facts.ownCheckRuns, output, options.rerun);
  if (write !== "none") delivery.runtime.metrics.checkConclusions.inc({ conclusion: output.conclusion ?? output.status });
  log.info(
    { outcome: output.conclusion ?? output.status, write, sha: facts.headSha, title: output.title },
    "hotfix governance evaluated",
  );
  await afterCheck?.();
  return { facts, output, write, ...hotfixFields };
};

/** Secondary writes that follow the check write; best effort, never throws. */
type AfterCheck = () => Promise<void>;

/** The check output for the PR as it is now (null when no check should be shown), and what follows it. */
const decide = async (
  delivery: Delivery<EvaluateGitHub>,
  facts: PullRequestFacts,
  config: Awaited<ReturnType<Delivery["config"]>>,
): Promise<{ output: CheckOutput | null; afterCheck?: AfterCheck; hotfix: boolean } & Partial<Pick<Evaluation, "facts">> & Pick<Evaluation, "verdict" | "approvals" | "config">> => {
  if (!config.ok) return { output: invalidConfigCheckOutput(config.path, config.problems), hotfix: false };
  const settings = config.config;
  if (!isHotfix(facts.labels, settings)) {
    // Without report_all_pull_requests only a check we already posted (label removed) is turned neutral.
    const show = settings.report_all_pull_requests || facts.ownCheckRuns.length > 0;
    return {
      output: show ? notHotfixCheckOutput(settings.label) : null,
      afterCheck: () => retireStatusComment(delivery, facts, settings),
      hotfix: false,
    };
  }
  const full = await hotfixFacts(delivery, facts, settings);
  const approvals = await approvalResults(delivery, full, settings);
  const evaluation = evaluateHotfix(full, settings, approvals.results);
  // A trial creates nothing after the merge: the check says what it would create.
  const fastTrack = fastTrackNote(settings, approverPolicy(settings, facts.owner), facts.author?.login ?? null);
  const note = [settings.dry_run ? dryRunNote(facts, settings) : undefined, fastTrack].filter(Boolean).join("\n\n") || undefined;
  return {
    output: hotfixCheckOutput(evaluation, note),
    afterCheck: () => approvals.afterCheck(evaluation),
    hotfix: true,
    verdict: evaluation,
    approvals: approvals.approvals,
    config: settings,
    // With the pushes and old paths read for the rules: an order authorized next reuses them.
    facts: full,
  };
};

/** Paths are read only when a rule looks at them; scope counts come from the PR's totals. */
const needsFilePaths = (config: HotfixConfig): boolean => config.scope.forbidden_paths.length > 0 || config.approvals.rules.length > 0;

const NOT_HOTFIX_TITLE = notHotfixCheckOutput("hotfix").title;

/**
 * A PR that was a hotfix on this head (our newest run is a hotfix verdict), or whose label was
 * just removed, may still carry a status comment to retire: that needs the full facts.
 */
const mayNeedRetiring = (runs: OwnCheckRun[], options: EvaluateOptions): boolean => {
  if (options.labelRemoved) return true;
  const newest = [...runs].sort((a, b) => b.id - a.id)[0];
  return Boolean(newest) && newest.title !== NOT_HOTFIX_TITLE;
};

/**
 * Not a hotfix: the neutral check (or none without report_all_pull_requests) depends on nothing
 * but the label, so it is written from the PR's head alone. When the installation's budget is
 * low it waits for the reset: hotfixes' evaluations, merges and follow-ups go first.
 */
const notHotfix = async (delivery: Delivery<EvaluateGitHub>, head: PullRequestHead, settings: HotfixConfig, options: EvaluateOptions): Promise<Evaluation> => {
  const log = delivery.log.child({ pr: head.number });
  await rememberVerdict(delivery, head.headSha, head.number, false);
  delivery.runtime.metrics.evaluations.inc({ kind: "not_hotfix" });
  const show = settings.report_all_pull_requests || head.ownCheckRuns.length > 0;
  if (!show) return { facts: null, output: null, write: "none" };
  const output = notHotfixCheckOutput(settings.label);
  const plan = planCheckWrite(head.ownCheckRuns, output);
  if (plan.action === "none" && plan.supersede.length === 0 && !options.rerun) return { facts: null, output, write: "none" };
  const low = delivery.runtime.rateBudget.low(delivery.installationId);
  if (low.length > 0 && !options.rerun) {
    deferToReset(delivery, head.number, low);
    return { facts: null, output, write: "deferred" };
  }
  const write = await applyCheck(delivery, head.headSha, head.ownCheckRuns, output, options.rerun);
  if (write !== "none") delivery.runtime.metrics.checkConclusions.inc({ conclusion: "neutral" });
  log.info({ outcome: "neutral", write, sha: head.headSha, title: output.title }, "hotfix governance evaluated");
  return { facts: null, output, write };
};

/** One deferred evaluation per PR, run when the lowest budget resets. */
const deferToReset = (delivery: Delivery<EvaluateGitHub>, number: number, low: BudgetState[]) => {
  const key = `${delivery.repo.owner}/${delivery.repo.repo}#${number}`.toLowerCase();
  const resetAt = Math.max(...low.map((state) => state.reset)) * 1000;
  for (const state of low) delivery.runtime.metrics.budgetDeferred.inc({ resource: state.resource });
  delivery.log.warn(
    { outcome: "deferred-budget", pr: number, budgets: low.map(({ resource, remaining, limit }) => ({ resource, remaining, limit })), until: new Date(resetAt).toISOString() },
    "rate-limit budget low: this non-hotfix check waits for the reset so hotfixes go first",
  );
  const { deferred } = delivery.runtime;
  if (deferred.has(key)) return;
  const timer = setTimeout(() => {
    deferred.delete(key);
    evaluatePullRequest(delivery, number).catch((error) => delivery.log.error({ err: describeGitHubError(error), pr: number }, "deferred evaluation failed"));
  }, Math.max(1_000, resetAt - Date.now() + 1_000));
  timer.unref();
  deferred.set(key, timer);
};

/**
 * Remembers, for the commit, whether its PR is a hotfix: the next check or status event on that
 * commit then knows without asking GitHub (a hint only: an event the hint cannot answer asks).
 */
const rememberVerdict = (delivery: Delivery<EvaluateGitHub>, sha: string, number: number, hotfix: boolean) =>
  rememberCommitPullRequests(delivery.coordination, delivery.repo, sha, [{ number, hotfix }]);

const applyCheck = async (delivery: Delivery<EvaluateGitHub>, headSha: string, runs: OwnCheckRun[], output: CheckOutput, rerun = false) => {
  const plan = planCheckWrite(runs, output);
  // "Re-run": GitHub reset the suite to queued and left the old run as it is; an answer is due.
  if (rerun && plan.action !== "create") {
    if (plan.action === "update") plan.supersede.push(plan.checkRunId!);
    else {
      const newest = [...runs].sort((a, b) => b.id - a.id)[0];
      if (newest && newest.status !== "completed") plan.supersede.push(newest.id);
    }
    plan.action = "create";
  }
  const now = delivery.now();
  if (plan.action === "update") await delivery.github.updateCheckRun(delivery.repo, plan.checkRunId!, output, now);
  if (plan.action === "create") await delivery.github.createCheckRun(delivery.repo, headSha, output, now);
  for (const id of plan.supersede) await delivery.github.supersedeCheckRun(delivery.repo, id, now);
  return plan.action;
};

/** Best effort: tell the user on the commit that nothing was verified. */
const failClosed = async (delivery: Delivery<EvaluateGitHub>, headSha: string, reason: string) => {
  try {
    const runs = await delivery.github.listOwnCheckRuns(delivery.repo, headSha, delivery.appId);
    await applyCheck(delivery, headSha, runs, cannotEvaluateCheckOutput(reason));
  } catch (error) {
    delivery.log.error({ err: describeGitHubError(error), sha: headSha }, "could not even report the failure on the check");
  }
};
