import type { RepoRef } from "../github/repo-ref.js";
import type { Coordination } from "../platform/coordination.js";

/** What the app's own last verdict on a commit said about its PRs. */
export interface CommitPull {
  number: number;
  hotfix: boolean;
}

/**
 * How long a commit's PRs are remembered: longer than a CI run takes, so the check and status
 * events that follow a push find their answer here. A label change re-evaluates the PR and
 * rewrites this; the hint never outlives the hour.
 */
export const COMMIT_HINT_TTL_SECONDS = 3600;

/**
 * "No open PR heads this commit" is kept briefly: GitHub's search indexes a fork PR's new commit
 * with a delay, and an evaluation of the PR (which always records its head) may not have run here.
 */
export const NO_PULL_HINT_TTL_SECONDS = 120;

const keyOf = (repo: RepoRef, sha: string) => `commit-pulls:${repo.owner}/${repo.repo}@${sha}`.toLowerCase();

/** The PRs whose head is `sha`, as the last evaluation on it saw them; null when nothing is known. */
export const knownCommitPullRequests = async (coordination: Coordination, repo: RepoRef, sha: string): Promise<CommitPull[] | null> => {
  const cached = await coordination.cacheGet(keyOf(repo, sha));
  return cached ? (JSON.parse(cached) as CommitPull[]) : null;
};

/**
 * Records PRs of `sha` (merged with what is known: one commit can head several PRs). An
 * evaluation's answer always wins; a look-up's (`ifAbsent`) never replaces one, since the
 * evaluation may have read the labels after it.
 */
export const rememberCommitPullRequests = async (
  coordination: Coordination,
  repo: RepoRef,
  sha: string,
  pulls: CommitPull[],
  options: { ifAbsent?: boolean; ttlSeconds?: number } = {},
): Promise<void> => {
  const known = (await knownCommitPullRequests(coordination, repo, sha)) ?? [];
  const merged = new Map(known.map((pull) => [pull.number, pull]));
  for (const pull of pulls) if (!options.ifAbsent || !merged.has(pull.number)) merged.set(pull.number, pull);
  await coordination.cacheSet(keyOf(repo, sha), JSON.stringify([...merged.values()]), merged.size > 0 ? COMMIT_HINT_TTL_SECONDS : (options.ttlSeconds ?? COMMIT_HINT_TTL_SECONDS));
};
