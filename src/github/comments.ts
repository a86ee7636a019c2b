import type { IssueComment, PullRequest, Repository } from "@octokit/graphql-schema";
import type { ProbotOctokit } from "probot";
import type { GraphqlQuery } from "../platform/instrument-octokit.js";
import { listed, present, type Nodes, type PreviousPage, type Selected, type Sub } from "./graphql-nodes.js";
import { fitBody } from "./limits.js";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Comments on issues and PRs (GitHub's issue comments): the app's own are found again by hidden markers, written once. */

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

type CommentsAnswer = {
  repository?: Sub<Repository, { pullRequest: Sub<PullRequest, { comments: Nodes<Selected<IssueComment, "body" | "viewerDidAuthor">> & { pageInfo: PreviousPage } }> }> | null;
};

/** Bodies of the comments the app wrote on PR #`number` that contain any of `needles` (stops paging once all are found). */
export const findOwnComments = async (graphql: GraphqlQuery, repo: RepoRef, number: number, needles: string[]): Promise<string[]> => {
  const found: string[] = [];
  let before: string | null = null;
  for (let page = 0; page < 30; page++) {
    const data: CommentsAnswer = await graphql<CommentsAnswer>(PULL_REQUEST_COMMENTS_QUERY, { owner: repo.owner, repo: repo.repo, number, before });
    const comments = present(data.repository, `the repository ${repo.owner}/${repo.repo}`).pullRequest?.comments;
    if (!comments) return found;
    found.push(...listed(comments.nodes, `the comments of #${number}`).filter((comment) => comment.viewerDidAuthor && needles.some((needle) => comment.body.includes(needle))).map((comment) => comment.body));
    if (needles.every((needle) => found.some((body) => body.includes(needle)))) return found;
    if (!comments.pageInfo.hasPreviousPage) return found;
    before = comments.pageInfo.startCursor ?? null;
  }
  return found;
};

/** POST /repos/{owner}/{repo}/issues/{issue_number}/comments */
export const createComment = async (octokit: Octokit, repo: RepoRef, number: number, body: string): Promise<number> => {
  const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: fitBody(body) });
  return data.id;
};

/** PATCH /repos/{owner}/{repo}/issues/comments/{comment_id} */
export const updateComment = async (octokit: Octokit, repo: RepoRef, commentId: number, body: string): Promise<void> => {
  await octokit.rest.issues.updateComment({ ...repo, comment_id: commentId, body: fitBody(body) });
};

/**
 * The bodies of the app's comments on an issue or PR that contain `marker`:
 * GET /repos/{owner}/{repo}/issues/{issue_number}/comments, every page. Only comments written by
 * a bot account count (a person can paste a marker, not post as the app).
 */
export const findBotComments = async (octokit: Octokit, repo: RepoRef, issue: number, marker: string): Promise<string[]> => {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: issue, per_page: 100 });
  return comments.filter((comment) => comment.user?.type === "Bot" && (comment.body ?? "").includes(marker)).map((comment) => comment.body ?? "");
};
