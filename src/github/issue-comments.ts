import type { ProbotOctokit } from "probot";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * The bodies of the app's comments on an issue that contain `marker`:
 * GET /repos/{owner}/{repo}/issues/{issue_number}/comments, every page. Only comments written by
 * a bot account count (a person can paste a marker, not post as the app).
 */
export const findBotComments = async (octokit: Octokit, repo: RepoRef, issue: number, marker: string): Promise<string[]> => {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: issue, per_page: 100 });
  return comments.filter((comment) => comment.user?.type === "Bot" && (comment.body ?? "").includes(marker)).map((comment) => comment.body ?? "");
};
