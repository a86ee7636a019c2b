import { defaultConfig, type HotfixConfig } from "../config/schema.js";
import type { LoadedConfig } from "../config/load-config.js";
import type { ReportGitHub } from "../github/gateway.js";
import { RateLimitError, ReportError, scopeQualifier, type Progress, type ReportTarget } from "../github/report-queries.js";
import { buildReport, hotfixAtMerge } from "../report/build-report.js";
import type { HotfixReport } from "../report/schema.js";

export interface ReportDeps {
  /**
   * The report's reads. A rate limit that resets soon is waited out by its client
   * (`platform/report-client.ts` `patientQuery`); one that is not reaches the report as `RateLimitError`.
   */
  github: ReportGitHub;
  /** `.github/hotfix.yml` of a repository, read as the app reads it (`_extends`, the org's `.github`). */
  readConfig: (owner: string, repo: string) => Promise<LoadedConfig>;
  /** The app's slug: its check runs, comments, issues and merges are the ones believed. */
  appSlug: string;
  now: () => Date;
  progress: Progress;
  warn: (line: string) => void;
}

export interface ReportRequest {
  target: ReportTarget;
  /** UTC dates, both inclusive. */
  since: string;
  until: string;
}

/**
 * The hotfix report (SPEC 9), from GitHub alone:
 * 1. the repository or organisation must be visible to these credentials;
 * 2. GitHub's search lists the PRs merged in the period, with their label events;
 * 3. each repository's config names its hotfix label; a PR is a hotfix by its labels at merge;
 * 4. the hotfixes' details are read in batches;
 * 5. the pure core computes the rows and totals.
 * A rate limit that resets soon is waited out once; otherwise the report stops and says what it had read.
 */
export const produceReport = async (deps: ReportDeps, request: ReportRequest): Promise<HotfixReport> => {
  const read = { merged: 0, total: null as number | null, details: 0, hotfixes: null as number | null };
  const progress: Progress = (line, count) => {
    if (count?.stage === "merged") [read.merged, read.total] = [count.done, count.total];
    if (count?.stage === "details") [read.details, read.hotfixes] = [count.done, count.total];
    deps.progress(line);
  };
  try {
    return await report(deps, request, read, progress);
  } catch (error) {
    if (!(error instanceof RateLimitError)) throw error;
    const done =
      read.hotfixes === null
        ? `${read.merged} of ${read.total ?? "?"} merged pull requests listed`
        : `all ${read.total} merged pull requests listed, details of ${read.details} of ${read.hotfixes} hotfixes read`;
    throw new ReportError(`stopped: ${error.message}. Read so far: ${done}. No report was written: run it again after the reset, or for a shorter period.`);
  }
};

const report = async (
  deps: ReportDeps,
  request: ReportRequest,
  read: { merged: number; total: number | null; details: number; hotfixes: number | null },
  progress: Progress,
): Promise<HotfixReport> => {
  const { github } = deps;
  const target = await github.verifyTarget(request.target);
  const scope = scopeQualifier(target);
  const from = Date.parse(`${request.since}T00:00:00Z`);
  const to = Date.parse(`${request.until}T23:59:59Z`);
  const merged = await github.searchMergedPullRequests(target, from, to, progress);
  if (merged.length === 0) {
    throw new ReportError(`no pull request of ${scope.replace(/^(repo|org|user):/, "")} was merged from ${request.since} to ${request.until}: nothing to report`);
  }
  read.total = merged.length;

  const configs = new Map<string, HotfixConfig>();
  for (const repository of [...new Set(merged.map((pr) => pr.repository))].sort()) {
    const [owner, repo] = repository.split("/");
    const loaded = await deps.readConfig(owner, repo);
    if (loaded.ok) configs.set(repository, loaded.config);
    else {
      deps.warn(
        `${repository}: ${loaded.path} is invalid (${loaded.problems.map((problem) => `${problem.path || "the file"}: ${problem.message}`).join("; ")}); its PRs are judged with the defaults (label \`hotfix\`)`,
      );
      configs.set(repository, defaultConfig());
    }
  }
  const configOf = (repository: string): HotfixConfig => configs.get(repository) ?? defaultConfig();

  const hotfixes = merged.filter((pr) => hotfixAtMerge(pr.labelEvents, configOf(pr.repository).label, pr.mergedAt).hotfix);
  read.hotfixes = hotfixes.length;
  const details = await github.readHotfixDetails(hotfixes, deps.appSlug, progress);
  return buildReport({
    scope,
    since: request.since,
    until: request.until,
    now: deps.now(),
    mergedPullRequests: merged.length,
    hotfixes: details,
    configOf,
    appLogin: deps.appSlug,
  });
};

export { ReportError };
