import {
  cannotEvaluateCheckOutput,
  hotfixCheckOutput,
  invalidConfigCheckOutput,
  notHotfixCheckOutput,
  planCheckWrite,
  type CheckOutput,
} from "../governance/check-output.js";
import type { HotfixConfig } from "../config/schema.js";
import type { Approval } from "../governance/approvals/evaluate-approvals.js";
import { approverPolicy } from "../governance/approvals/policy.js";
import { dryRunNote } from "../governance/dry-run.js";
import { evaluateHotfix, isHotfix, type HotfixEvaluation } from "../governance/evaluate-hotfix.js";
import { fastTrackNote } from "../governance/merge/messages.js";
import type { OwnCheckRun, PullRequestFacts } from "../governance/facts.js";
import { createCheckRun, listOwnCheckRuns, supersedeCheckRun, updateCheckRun } from "../github/check-runs.js";
import { fetchPullRequestFacts } from "../github/pull-request-facts.js";
import { metrics } from "../platform/metrics.js";
import { settleAll } from "../platform/settle-all.js";
import { approvalResults, hotfixFacts, retireStatusComment } from "./approvals.js";
import type { Delivery } from "./delivery.js";
import { autoMergeIfCleared } from "./fast-track-merge.js";
import { describeGitHubError, isLostAccess } from "./github-errors.js";

export interface Evaluation {
  facts: PullRequestFacts;
  output: CheckOutput | null;
  write: "none" | "update" | "create";
  /** Hotfix PRs: the verdict, the approvals it rests on and the config (the fast track merges on them). */
  verdict?: HotfixEvaluation;
  approvals?: Approval[];
  config?: HotfixConfig;
}

/**
 * Re-evaluates the `Hotfix governance` check of one open PR:
 * 1. gather the config and the PR's facts (concurrently: one GraphQL query and one config read);
 * 2. evaluate the pure rules into one check output;
 * 3. apply it: at most one check-run write, none when the check already says the same;
 * 4. then the approvals' secondary writes (reactions, replies, status comment, review requests):
 *    best effort, after the check so they never hold the verdict back.
 * When GitHub cannot be read the check is set to a failure that says so (fail closed).
 */
export const evaluatePullRequest = (delivery: Delivery, number: number, headShaHint?: string): Promise<Evaluation | null> =>
  // Events for one PR are evaluated one at a time, across replicas.
  delivery.withPullRequestLock(number, async () => {
    const evaluation = await evaluateNow(delivery, number, headShaHint);
    // 5. `merge.auto` (SPEC §8): a verdict that turned success is merged at once, under the same lock.
    await autoMergeIfCleared(delivery, evaluation);
    return evaluation;
  });

/**
 * The same evaluation for a caller that already holds the PR's lock (`/merge-emergency`): the
 * verdict on the current head, recomputed from GitHub; the check is written only when it changed.
 */
export const evaluateLockedPullRequest = (delivery: Delivery, number: number): Promise<Evaluation | null> => evaluateNow(delivery, number);

const evaluateNow = async (delivery: Delivery, number: number, headShaHint?: string): Promise<Evaluation | null> => {
  const log = delivery.log.child({ pr: number });
  let facts: PullRequestFacts | null = null;
  let output: CheckOutput | null;
  let afterCheck: AfterCheck | undefined;
  let hotfix: Pick<Evaluation, "verdict" | "approvals" | "config"> = {};
  try {
    const [config, gathered] = await settleAll([
      delivery.config(),
      fetchPullRequestFacts(delivery.query, delivery.repo, number, delivery.appId),
    ]);
    facts = gathered;
    if (!facts) {
      log.info({ outcome: "skipped" }, "pull request not found; nothing to evaluate");
      return null;
    }
    if (facts.state !== "OPEN") {
      log.debug({ outcome: "skipped", state: facts.state }, "pull request is not open; the check is left as it is");
      return { facts, output: null, write: "none" };
    }
    ({ output, afterCheck, ...hotfix } = await decide(delivery, facts, config));
  } catch (error) {
    if (isLostAccess(error)) {
      log.warn({ outcome: "no-access", err: describeGitHubError(error) }, "the app cannot read this repository any more");
      return null;
    }
    log.error({ outcome: "cannot-evaluate", err: describeGitHubError(error) }, "could not evaluate; failing closed");
    // Comment events carry no head commit: once the facts are read, theirs is known.
    const headSha = headShaHint ?? (facts as PullRequestFacts | null)?.headSha;
    if (headSha) await failClosed(delivery, headSha, describeGitHubError(error));
    throw error;
  }
  if (!output) {
    await afterCheck?.();
    return { facts, output, write: "none", ...hotfix };
  }
  const write = await applyCheck(delivery, facts.headSha, facts.ownCheckRuns, output);
  if (write !== "none") metrics.checkConclusions.inc({ conclusion: output.conclusion ?? output.status });
  log.info(
    { outcome: output.conclusion ?? output.status, write, sha: facts.headSha, title: output.title },
    "hotfix governance evaluated",
  );
  await afterCheck?.();
  return { facts, output, write, ...hotfix };
};

/** Secondary writes that follow the check write; best effort, never throws. */
type AfterCheck = () => Promise<void>;

/** The check output for the PR as it is now (null when no check should be shown), and what follows it. */
const decide = async (
  delivery: Delivery,
  facts: PullRequestFacts,
  config: Awaited<ReturnType<Delivery["config"]>>,
): Promise<{ output: CheckOutput | null; afterCheck?: AfterCheck } & Partial<Pick<Evaluation, "facts">> & Pick<Evaluation, "verdict" | "approvals" | "config">> => {
  if (!config.ok) return { output: invalidConfigCheckOutput(config.path, config.problems) };
  const settings = config.config;
  if (!isHotfix(facts.labels, settings)) {
    // Without report_all_pull_requests only a check we already posted (label removed) is turned neutral.
    const show = settings.report_all_pull_requests || facts.ownCheckRuns.length > 0;
    return { output: show ? notHotfixCheckOutput(settings.label) : null, afterCheck: () => retireStatusComment(delivery, facts, settings) };
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
    verdict: evaluation,
    approvals: approvals.approvals,
    config: settings,
    // With the pushes and old paths read for the rules: an order authorized next reuses them.
    facts: full,
  };
};

const applyCheck = async (delivery: Delivery, headSha: string, runs: OwnCheckRun[], output: CheckOutput) => {
  const plan = planCheckWrite(runs, output);
  const now = delivery.now();
  if (plan.action === "update") await updateCheckRun(delivery.octokit, delivery.repo, plan.checkRunId!, output, now);
  if (plan.action === "create") await createCheckRun(delivery.octokit, delivery.repo, headSha, output, now);
  for (const id of plan.supersede) await supersedeCheckRun(delivery.octokit, delivery.repo, id, now);
  return plan.action;
};

/** Best effort: tell the user on the commit that nothing was verified. */
const failClosed = async (delivery: Delivery, headSha: string, reason: string) => {
  try {
    const runs = await listOwnCheckRuns(delivery.octokit, delivery.repo, headSha, delivery.appId);
    await applyCheck(delivery, headSha, runs, cannotEvaluateCheckOutput(reason));
  } catch (error) {
    delivery.log.error({ err: describeGitHubError(error), sha: headSha }, "could not even report the failure on the check");
  }
};
