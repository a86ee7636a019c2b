import { commitNode, connection, extendRepositoryNode, pullRequestNode, type ConnectionArgs } from "./graphql.js";
import { fullName } from "./rest-shapes.js";
import { isGitBacked } from "./routes-git.js";
import type { GitHubSimulator } from "./simulator.js";
import type { SimPull, SimRepo } from "./state.js";

/**
 * What the app asks about a commit that a check or status event names, as GitHub answers it:
 * - `Commit.associatedPullRequests` (like REST `GET /commits/{sha}/pulls`) knows only commits of
 *   the repository's own branches: a commit that exists only in a fork answers no PR;
 * - the issue search `is:pr sha:<sha>` finds PRs by any of their commits, forks included;
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

/** PRs the issue search `is:pr` finds: the qualifiers the app uses (repo, is:open/closed, sha). */
export const searchPullRequests = (sim: GitHubSimulator, query: string): Array<Record<string, unknown>> => {
  const tokens = query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  const filters: Array<(repo: SimRepo, pull: SimPull) => boolean> = [];
  for (const token of tokens) {
    const [key, ...rest] = token.split(":");
    const value = rest.join(":").replace(/^"|"$/g, "");
    if (!rest.length) {
      // A bare SHA (at least 7 characters) matches PRs with a commit starting with it.
      if (/^[0-9a-f]{7,40}$/i.test(token)) filters.push((_repo, pull) => pull.commits.some((commit) => commit.sha.startsWith(token.toLowerCase())) || pull.head.sha.startsWith(token));
      else throw new Error(`simulator PR search: unsupported term ${token}`);
      continue;
    }
    switch (key.toLowerCase()) {
      case "is":
        if (value === "pr") break;
        if (value === "open") filters.push((_repo, pull) => pull.state === "open");
        else if (value === "closed") filters.push((_repo, pull) => pull.state === "closed");
        else if (value === "merged") filters.push((_repo, pull) => pull.merged);
        else throw new Error(`simulator PR search: unsupported is:${value}`);
        break;
      case "repo":
        filters.push((repo) => fullName(repo).toLowerCase() === value.toLowerCase());
        break;
      case "sha":
      case "hash":
        filters.push((_repo, pull) => containsCommit(pull, value) || pull.commits.some((commit) => commit.sha.startsWith(value)));
        break;
      default:
        throw new Error(`simulator PR search: unsupported qualifier ${key}`);
    }
  }
  const found: Array<Record<string, unknown>> = [];
  for (const repo of sim.repos.values()) {
    for (const pull of repo.pulls.values()) if (filters.every((filter) => filter(repo, pull))) found.push(pullRequestNode(sim, repo, pull));
  }
  return found;
};

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
