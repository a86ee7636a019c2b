import { commitNode, connection, extendRepositoryNode, pullRequestNode, type ConnectionArgs } from "./graphql.js";
import { fullName } from "./rest-shapes.js";
import { isGitBacked } from "./routes-git.js";
import type { GitHubSimulator } from "./simulator.js";
import type { SimPull, SimRepo } from "./state.js";

/**
 * What the app asks about a commit that a check or status event names, as GitHub answers it:
 * - `Commit.associatedPullRequests` (like REST `GET /commits/{sha}/pulls`) knows only commits of
 *   the repository's own branches: a commit that exists only in a fork answers no PR;
 * - the issue search `is:pr sha:<sha>` finds PRs by any of their commits, forks included
 *   (routes-report.ts);
 * - `Repository.mergeQueue(branch)` lists the queue's entries, position 1 first.
 */
export const isFork = (repo: SimRepo, pull: SimPull): boolean => pull.head.repoFullName.toLowerCase() !== fullName(repo).toLowerCase();

const queues = new WeakMap<SimRepo, Map<string, number[]>>();

/** Adds PR `number` to the merge queue of its base branch (last position). */
export const enqueue = (sim: GitHubSimulator, repoName: string, number: number): void => {
  const repo = sim.repo(repoName);
  const pull = sim.pull(repoName, number);
  if (!queues.has(repo)) queues.set(repo, new Map());
  const queue = queues.get(repo)!;
  queue.set(pull.base.ref, [...(queue.get(pull.base.ref) ?? []).filter((n) => n !== number), number]);
};

/** Removes PR `number` from its merge queue (merged, or removed by a failure). */
export const dequeue = (sim: GitHubSimulator, repoName: string, number: number): void => {
  const queue = queues.get(sim.repo(repoName));
  if (!queue) return;
  for (const [branch, numbers] of queue) queue.set(branch, numbers.filter((n) => n !== number));
};

const containsCommit = (pull: SimPull, sha: string) => pull.head.sha === sha || pull.commits.some((commit) => commit.sha === sha);

const repositoryFields = (sim: GitHubSimulator, repo: SimRepo): Record<string, unknown> => {
  // A repository backed by real git serves its objects from there.
  if (isGitBacked(repo)) return {};
  const pulls = () => [...repo.pulls.values()];
  return {
    object: ({ oid }: { oid?: string }) => {
      const pull = pulls().find((candidate) => containsCommit(candidate, oid ?? ""));
      const commit = pull?.commits.find((candidate) => candidate.sha === oid) ?? (pull ? { sha: oid!, authorLogins: [], committerLogin: null } : null);
      const onBranch = [...repo.branches.values()].includes(oid ?? "");
      if (!commit && !onBranch) return null;
      return {
        ...commitNode(sim, repo, commit ?? { sha: oid!, authorLogins: [], committerLogin: null }),
        associatedPullRequests: (args: ConnectionArgs) =>
          connection(
            pulls()
              .filter((candidate) => (!isFork(repo, candidate) && containsCommit(candidate, oid!)) || candidate.mergeCommitSha === oid)
              .map((candidate) => pullRequestNode(sim, repo, candidate)),
            args,
          ),
      };
    },
    mergeQueue: ({ branch }: { branch?: string | null }) => {
      const numbers = queues.get(repo)?.get(branch ?? repo.defaultBranch) ?? [];
      return {
        __typename: "MergeQueue",
        id: `MQ_${repo.id}_${branch}`,
        entries: (args: ConnectionArgs) =>
          connection(
            numbers.map((number, index) => ({
              __typename: "MergeQueueEntry",
              id: `MQE_${number}`,
              position: index + 1,
              state: "AWAITING_CHECKS",
              pullRequest: pullRequestNode(sim, repo, repo.pulls.get(number)!),
            })),
            args,
          ),
      };
    },
  };
};

/** Registered before the git-backed fields, which replace these for a repository served from git. */
export const registerCheckRoutes = (_sim: GitHubSimulator): void => {
  extendRepositoryNode(repositoryFields);
};
