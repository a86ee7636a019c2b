import type { Logger } from "pino";
import type { Probot } from "probot";
import { leftoverTemporaryBranches, type TemporaryBranch } from "../backport/naming.js";
import { defaultConfig } from "../config/schema.js";
import { isHotfix } from "../governance/evaluate-hotfix.js";
import type { MergedCandidate, OpenCandidate } from "../github/reconcile-candidates.js";
import type { RepoRef } from "../github/repo-ref.js";
import type { InstallationRepository } from "../github/installations.js";
import type { GitHub } from "../github/gateway.js";
import { forEachInstallation } from "./installations.js";
import { leaderOnly } from "../platform/leader.js";
import { startPeriodic, type Schedule } from "../platform/schedule.js";
import type { Runtime } from "../platform/runtime.js";
import { postmortemCommentPrefix } from "../postmortem/markers.js";
import { afterMerge, notFollowedUpMarker, type AfterMergeGitHub, type MergedPullRequest } from "./after-merge.js";
import { appGitHubOf, installationForSweep, type Delivery } from "./delivery.js";
import { evaluatePullRequest, type EvaluateGitHub } from "./evaluate-pull-request.js";
import { describeGitHubError } from "../github/errors.js";
import { approvalsExpire, knownLabels, rememberScan, scannedLabels } from "./search-labels.js";

/** A repository's calls in the sweep: a merge's follow-ups, an evaluation, a leftover branch deleted. */
export type ReconcileGitHub = AfterMergeGitHub & EvaluateGitHub & Pick<GitHub, "deleteBranch">;

/** How far back the sweep looks for merged hotfixes (SPEC §7). */
export const RECONCILE_WINDOW_HOURS = 72;

export interface ReconcileReport {
  installations: number;
  /** Merged hotfixes found in the window, and those of them whose follow-ups were (re)run. */
  merged: number;
  followedUp: number;
  /** Open hotfixes found, and those of them whose head had no check and were evaluated. */
  open: number;
  evaluated: number;
  /** GraphQL requests of the searches (one per installation when each search fits in a page). */
  searchRequests: number;
  /** Installations or PRs that GitHub errors kept from being handled (logged). */
  failures: number;
  /** Temporary branches that crashed attempts left, deleted. */
  temporaryBranchesDeleted: number;
}

/**
 * The labels searched. GitHub's search needs the label before any repository's config is read,
 * so the sweep searches the default `hotfix` label, plus the other labels the account's configs
 * name: those seen by the configs the app loaded (a week), and those a scan of every repository's
 * config found (once a day, and on the first sweep of a process without Redis; a label found by
 * the scan gets its own search in that sweep).
 */
const searchLabels = (extra: Iterable<string>): string[] => [...new Set([defaultConfig().label, ...extra])];

const quoteLabel = (label: string) => `"${label.replace(/"/g, "")}"`;

/** The two searches of one installation's account, as GitHub's search syntax writes them. */
export const reconcileSearches = (account: { login: string; type: string }, labels: string[], since: Date): { merged: string; open: string } => {
  const scope = `${account.type === "Organization" ? "org" : "user"}:${account.login}`;
  const label = `label:${labels.map(quoteLabel).join(",")}`;
  return {
    merged: ["is:pr", "is:merged", "archived:false", label, `merged:>=${since.toISOString().replace(/\.\d{3}Z$/, "Z")}`, scope].join(" "),
    open: ["is:pr", "is:open", "archived:false", label, scope].join(" "),
  };
};

/**
 * Has a merged hotfix had its follow-ups? The postmortem comment on the PR (link, failure or dry
 * run) is the last write of a merge's follow-ups, and the "not followed up" comment the only one
 * when the config was invalid: either one means the merge was handled to the end. Without them,
 * something may be missing (the repository's config then decides; see `reconcileMerged`).
 */
export const followUpsDone = (candidate: Pick<MergedCandidate, "number" | "appComments">): boolean =>
  candidate.appComments.some((body) => body.includes(postmortemCommentPrefix(candidate.number)) || body.includes(notFollowedUpMarker(candidate.number)));

const mergedPullRequestOf = (candidate: MergedCandidate): MergedPullRequest | null =>
  candidate.mergeCommitSha
    ? {
        number: candidate.number,
        title: candidate.title,
        body: candidate.body,
        url: candidate.url,
        labels: candidate.labels,
        author: candidate.author,
        authorIsBot: candidate.authorIsBot,
        baseRef: candidate.baseRef,
        headRef: candidate.headRef,
        headSha: candidate.headSha,
        mergeCommitSha: candidate.mergeCommitSha,
        mergedAt: candidate.mergedAt,
        mergedBy: candidate.mergedBy,
        createdAt: candidate.createdAt,
        fromFork: candidate.fromFork,
        defaultBranch: candidate.defaultBranch,
        commitCount: candidate.commitCount,
      }
    : null;

/**
 * The reconciliation sweep (SPEC §7). GitHub never redelivers a failed delivery by itself, and
 * Probot answers 202 after 9 s, so a process that dies mid-way through a merge's follow-ups
 * leaves them half-done with GitHub believing the delivery succeeded. For every installation:
 * 1. one GraphQL request searches the hotfix PRs merged in the last 72 hours and the open ones,
 *    with the app's comments on the former and the app's check run on the latter's head;
 * 2. a merged one without its final comment is followed up by `afterMerge`, the webhook's own
 *    idempotent code under the same per-PR lock: what exists is found again, what is missing made;
 * 3. an open one whose head commit has no `Hotfix governance` run is evaluated, and so is a green
 *    one in a repository whose approvals expire (`approvals.expire_after_hours`).
 * 4. the app's temporary branches a crashed content merge left in those repositories (the same
 *    search lists them) are deleted once stale (`leftoverTemporaryBranches`).
 * When nothing is missing that is the whole cost. One failure is logged and counted, never stops
 * the others.
 */
export const runReconcileSweep = async (app: Probot, runtime: Runtime, now: Date): Promise<ReconcileReport> => {
  const log = (app.log as unknown as Logger).child({ task: "reconcile" });
  const report: ReconcileReport = { installations: 0, merged: 0, followedUp: 0, open: 0, evaluated: 0, searchRequests: 0, failures: 0, temporaryBranchesDeleted: 0 };
  const since = new Date(now.getTime() - RECONCILE_WINDOW_HOURS * 3600_000);
  const counts = await forEachInstallation(await appGitHubOf(app), log, "reconciliation", async (installation, ilog) => {
    const { account } = installation;
    const { github, deliveryFor } = await installationForSweep(app, runtime, installation.id);
    const deliveries = new Map<string, Delivery<ReconcileGitHub>>();
    const deliveryOf = (repo: RepoRef): Delivery<ReconcileGitHub> => {
      const key = `${repo.owner}/${repo.repo}`.toLowerCase();
      let delivery = deliveries.get(key);
      if (!delivery) {
        const id = `reconcile-${now.getTime()}-${installation.id}`;
        delivery = deliveryFor({ id, event: "reconcile", repo, log: ilog });
        deliveries.set(key, delivery);
      }
      return delivery;
    };
    // The search covers the whole account; an installation on selected repositories reaches only those.
    let repositories: Promise<InstallationRepository[]> | undefined;
    const listRepositories = () => (repositories ??= github.listInstallationRepositories());
    const reachable =
      installation.repositorySelection === "selected" ? new Set((await listRepositories()).map(({ repo }) => `${repo.owner}/${repo.repo}`.toLowerCase())) : null;
    const reaches = (repo: RepoRef) => !reachable || reachable.has(`${repo.owner}/${repo.repo}`.toLowerCase());
    // The app's temporary branches in the repositories of merged hotfixes, as the search listed them.
    const temporary = new Map<string, { repo: RepoRef; branches: TemporaryBranch[] }>();
    const sweep = async (labels: string[]) => {
      const searches = reconcileSearches(account, labels, since);
      const all = await github.fetchReconcileCandidates(searches, runtime.appId);
      const found = { ...all, merged: all.merged.filter((item) => reaches(item.repo)), open: all.open.filter((item) => reaches(item.repo)) };
      report.searchRequests += found.requests;
      for (const candidate of found.merged) temporary.set(`${candidate.repo.owner}/${candidate.repo.repo}`.toLowerCase(), { repo: candidate.repo, branches: candidate.temporaryBranches });
      report.merged += found.merged.length;
      report.open += found.open.length;
      for (const candidate of found.merged) {
        if (followUpsDone(candidate)) continue;
        const done = await reconcileMerged(deliveryOf(candidate.repo), candidate);
        if (done === "failed") report.failures += 1;
        if (done === "followed-up") report.followedUp += 1;
      }
      for (const candidate of found.open) {
        // A green check may rest on approvals that expire (SPEC §8): those are looked at again.
        if (candidate.hasOwnRun && candidate.conclusion !== "success") continue;
        const done = await reconcileOpen(deliveryOf(candidate.repo), candidate);
        if (done === "failed") report.failures += 1;
        if (done === "evaluated") report.evaluated += 1;
      }
    };
    const scanned = await scannedLabels(runtime.coordination, account.login);
    const labels = searchLabels([...(await knownLabels(runtime.coordination, account.login)), ...(scanned ?? [])]);
    await sweep(labels);
    if (scanned == null) {
      // Once a day (and after a restart without Redis): the labels every repository's config names.
      const found = await scanLabels(await listRepositories(), deliveryOf, ilog);
      await rememberScan(runtime.coordination, account.login, found);
      const extra = found.filter((label) => !labels.some((known) => known.toLowerCase() === label.toLowerCase()));
      if (extra.length > 0) await sweep(extra);
    }
    // After the follow-ups (a port they re-ran may have cleaned up already: that is a 422 here).
    report.temporaryBranchesDeleted += await removeLeftoverBranches([...temporary.values()], deliveryOf, now);
  });
  report.installations = counts.installations;
  report.failures += counts.failures;
  log.info({ ...report, outcome: "done", since: since.toISOString() }, "reconciliation sweep done");
  return report;
};

/**
 * Deletes what attempts that crashed mid content-merge left: the app's temporary branches whose
 * name and commit are both older than an attempt can last (`leftoverTemporaryBranches`), so a
 * port in progress keeps its branch. They were listed by the sweep's own search (no read more);
 * one write each. A failure is logged and the next sweep tries again.
 */
const removeLeftoverBranches = async (repositories: Array<{ repo: RepoRef; branches: TemporaryBranch[] }>, deliveryOf: (repo: RepoRef) => Delivery<Pick<GitHub, "deleteBranch">>, now: Date): Promise<number> => {
  let deleted = 0;
  for (const { repo, branches } of repositories) {
    for (const branch of leftoverTemporaryBranches(branches, now)) {
      const delivery = deliveryOf(repo);
      try {
        if (await delivery.github.deleteBranch(repo, branch)) deleted += 1;
        delivery.log.info({ outcome: "leftover-temporary-branch-deleted", repository: `${repo.owner}/${repo.repo}`, branch }, "reconciliation: a crashed attempt's temporary branch deleted");
      } catch (error) {
        delivery.log.warn({ outcome: "leftover-temporary-branch-left", repository: `${repo.owner}/${repo.repo}`, branch, err: describeGitHubError(error) }, "reconciliation: a temporary branch could not be deleted; the next sweep tries again");
      }
    }
  }
  return deleted;
};

/**
 * The hotfix labels the installation's repositories configure, other than the default: each
 * repository's config read as a webhook would read it (Probot's loader: the organisation's
 * `.github` repository and `_extends` included). Archived repositories are skipped; a repository
 * whose config cannot be read is logged and skipped.
 */
const scanLabels = async (
  repositories: InstallationRepository[],
  deliveryOf: (repo: RepoRef) => Pick<Delivery, "config">,
  log: Logger,
): Promise<string[]> => {
  const labels = new Map<string, string>();
  for (const { repo, archived } of repositories) {
    if (archived) continue;
    try {
      const loaded = await deliveryOf(repo).config();
      if (loaded.ok && loaded.config.label.toLowerCase() !== defaultConfig().label.toLowerCase()) labels.set(loaded.config.label.toLowerCase(), loaded.config.label);
    } catch (error) {
      log.warn({ outcome: "config-unreadable", repository: `${repo.owner}/${repo.repo}`, err: describeGitHubError(error) }, "reconciliation: a repository's config could not be read for its label");
    }
  }
  log.info({ outcome: "labels-scanned", repositories: repositories.length, labels: [...labels.values()] }, "reconciliation: hotfix labels of the installation's repositories read");
  return [...labels.values()];
};

/**
 * A merged hotfix whose final comment is missing: its follow-ups are (re)run. The config says
 * whether it is a hotfix at all (the search used a label the repository may not use); with
 * `postmortem.enabled: false` there is no final comment, so `afterMerge` runs and finds everything
 * in place (reads only) — the README counts that cost.
 */
const reconcileMerged = async (delivery: Delivery<AfterMergeGitHub>, candidate: MergedCandidate): Promise<"followed-up" | "not-hotfix" | "failed"> => {
  const log = delivery.log.child({ pr: candidate.number });
  const pr = mergedPullRequestOf(candidate);
  try {
    const loaded = await delivery.config();
    if (loaded.ok && !isHotfix(candidate.labels, loaded.config)) return "not-hotfix";
    if (!pr) throw new Error("GitHub shows no merge commit for this merged pull request");
    await afterMerge(delivery, pr);
    log.info({ outcome: "followed-up", mergedAt: candidate.mergedAt }, "reconciliation: merged hotfix followed up");
    delivery.runtime.metrics.reconcileItems.inc({ kind: "followed_up", outcome: "done" });
    return "followed-up";
  } catch (error) {
    log.error({ outcome: "failed", err: describeGitHubError(error) }, "reconciliation: could not follow up a merged hotfix; the next sweep tries again");
    delivery.runtime.metrics.reconcileItems.inc({ kind: "followed_up", outcome: "failed" });
    return "failed";
  }
};

/**
 * An open hotfix whose head has no check (its events were lost), or whose green check may rest on
 * an approval that has expired since (`approvals.expire_after_hours`): evaluated as an event
 * would, which writes only when the verdict changed.
 */
const reconcileOpen = async (delivery: Delivery<EvaluateGitHub>, candidate: OpenCandidate): Promise<"evaluated" | "skipped" | "failed"> => {
  const log = delivery.log.child({ pr: candidate.number });
  try {
    // Where approvals never expire a green check stands until an event: no config read for it.
    if (candidate.hasOwnRun && (await approvalsExpire(delivery.coordination, delivery.repo)) === false) return "skipped";
    const loaded = await delivery.config();
    // The search's label is not this repository's, and no check is shown on other PRs: nothing to do.
    if (loaded.ok && !isHotfix(candidate.labels, loaded.config) && !loaded.config.report_all_pull_requests) return "skipped";
    // A success only goes stale when approvals expire; otherwise it stands until an event.
    if (candidate.hasOwnRun && !(loaded.ok && loaded.config.approvals.expire_after_hours != null && isHotfix(candidate.labels, loaded.config))) return "skipped";
    await evaluatePullRequest(delivery, candidate.number, candidate.headSha);
    log.info({ outcome: "evaluated", sha: candidate.headSha }, "reconciliation: open hotfix without a check evaluated");
    delivery.runtime.metrics.reconcileItems.inc({ kind: "evaluated", outcome: "done" });
    return "evaluated";
  } catch (error) {
    log.error({ outcome: "failed", err: describeGitHubError(error) }, "reconciliation: could not evaluate an open hotfix; the next sweep tries again");
    delivery.runtime.metrics.reconcileItems.inc({ kind: "evaluated", outcome: "failed" });
    return "failed";
  }
};

/**
 * Runs the sweep every `RECONCILE_INTERVAL_MINUTES` on one replica: the leader holds a lease of
 * the interval plus 30 s and renews it on each run; when it dies, another replica takes over at
 * its first tick after that (a slow sweep that outlives its lease may meet another replica's:
 * harmless, every step is an ensure under the per-PR lock).
 */
export const startReconcileSchedule = (app: Probot, runtime: Runtime): Schedule => {
  const minutes = runtime.reconcileIntervalMinutes ?? 0;
  const leaseSeconds = Math.ceil(minutes * 60) + 30;
  const sweep = leaderOnly(runtime.coordination, "reconcile", leaseSeconds, (now: Date) => runReconcileSweep(app, runtime, now));
  return startPeriodic({
    name: "reconcile",
    minutes,
    signal: runtime.shutdown,
    log: app.log as unknown as Logger,
    task: async (now) => {
      try {
        const result = await sweep(now);
        runtime.metrics.reconcileRuns.inc({ outcome: result && typeof result === "object" && "skipped" in result ? "skipped" : "done" });
      } catch (error) {
        runtime.metrics.reconcileRuns.inc({ outcome: "failed" });
        throw error;
      }
    },
  });
};
