import type { ProbotOctokit } from "probot";
import type { GraphqlQuery } from "../platform/instrument-octokit.js";
import { fitBody } from "./limits.js";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;
type GraphQL = GraphqlQuery;

/** The app's own comments on issues and PRs: found again by hidden markers, written once. */

/** The app's comments on the PR (newest first, paging back), to find its markers. */
export const PULL_REQUEST_COMMENTS_QUERY = /* GraphQL */ `
  query BackportComments($owner: String!, $repo: String!, $number: Int!, $before: String) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        comments(last: 100, before: $before) {
          pageInfo { hasPreviousPage startCursor }
          nodes { body viewerDidAuthor }
        }
      }
    }
  }
`;

/** Bodies of the comments the app wrote on PR #`number` that contain any of `needles` (stops paging once all are found). */
export const findOwnComments = async (graphql: GraphQL, repo: RepoRef, number: number, needles: string[]): Promise<string[]> => {
  const found: string[] = [];
  let before: string | null = null;
  for (let page = 0; page < 30; page++) {
    const data: { repository: { pullRequest: { comments: { pageInfo: { hasPreviousPage: boolean; startCursor: string | null }; nodes: Array<{ body: string; viewerDidAuthor: boolean }> } } | null } } =
      await graphql(PULL_REQUEST_COMMENTS_QUERY, { owner: repo.owner, repo: repo.repo, number, before });
    const comments = data.repository.pullRequest?.comments;
    if (!comments) return found;
    found.push(...comments.nodes.filter((comment) => comment.viewerDidAuthor && needles.some((needle) => comment.body.includes(needle))).map((comment) => comment.body));
    if (needles.every((needle) => found.some((body) => body.includes(needle)))) return found;
    if (!comments.pageInfo.hasPreviousPage) return found;
    before = comments.pageInfo.startCursor;
  }
  return found;
};

/** POST /repos/{owner}/{repo}/issues/{issue_number}/comments */
export const postComment = async (octokit: Octokit, repo: RepoRef, number: number, body: string): Promise<void> => {
  await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: fitBody(body) });
};

/** POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions (200 instead of 201 when it already exists). */
export const reactToComment = async (octokit: Octokit, repo: RepoRef, commentId: number, content: "+1" | "-1"): Promise<void> => {
  await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content });
};

/**
 * GET /repos/{owner}/{repo}/issues/{issue_number}/comments (paged): does a comment by an app
 * (a bot account) on the issue contain `marker`? Postmortem issues hold few comments.
 */
export const hasAppComment = async (octokit: Octokit, repo: RepoRef, number: number, marker: string): Promise<boolean> => {
  for (let page = 1; page <= 10; page++) {
    const { data } = await octokit.rest.issues.listComments({ ...repo, issue_number: number, per_page: 100, page });
    if (data.some((comment) => comment.user?.type === "Bot" && (comment.body ?? "").includes(marker))) return true;
    if (data.length < 100) return false;
  }
  return false;
};
