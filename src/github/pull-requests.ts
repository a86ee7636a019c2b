import type { ProbotOctokit } from "probot";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * Open PRs whose head is `sha`. Check and status payloads leave out PRs opened from forks, so
 * the commit is looked up instead: GET /repos/{owner}/{repo}/commits/{sha}/pulls.
 */
export const openPullRequestsWithHead = async (octokit: Octokit, repo: RepoRef, sha: string): Promise<number[]> => {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha, per_page: 100 });
  return data.filter((pr) => pr.state === "open" && pr.head.sha === sha).map((pr) => pr.number);
};
