import type { ProbotOctokit } from "probot";
import type { CommandSource } from "../governance/facts.js";
import type { ReactionContent } from "../governance/approvals/feedback.js";
import { fitBody } from "./limits.js";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** REST has no reactions on PR reviews; GraphQL's `addReaction` reacts to any Reactable. */
export const ADD_REACTION_MUTATION = /* GraphQL */ `
  mutation AddReaction($subjectId: ID!, $content: ReactionContent!) {
    addReaction(input: { subjectId: $subjectId, content: $content }) {
      reaction { content }
    }
  }
`;

const GRAPHQL_CONTENT: Record<ReactionContent, string> = { "+1": "THUMBS_UP", "-1": "THUMBS_DOWN" };

/**
 * Reacts to a command where it was written. POST .../reactions answers 200 instead of 201 when
 * the app already reacted so, so a retry never stacks reactions.
 * - comment: POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions
 * - review comment: POST /repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions
 * - review: the GraphQL `addReaction` mutation on the review's node id
 */
export const addReaction = async (
  octokit: Octokit,
  repo: RepoRef,
  source: Pick<CommandSource, "kind" | "id" | "nodeId">,
  content: ReactionContent,
): Promise<void> => {
  switch (source.kind) {
    case "comment":
      await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: source.id, content });
      return;
    case "review_comment":
      await octokit.rest.reactions.createForPullRequestReviewComment({ ...repo, comment_id: source.id, content });
      return;
    case "review":
      if (!source.nodeId) throw new Error(`review ${source.id} has no node id to react to`);
      await octokit.graphql(ADD_REACTION_MUTATION, { subjectId: source.nodeId, content: GRAPHQL_CONTENT[content] });
  }
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

export interface ReviewRequestResult {
  requested: string[];
  /** Who GitHub would not ask (422: not a collaborator, a team without access ...), and why. */
  refused: Array<{ reviewer: string; message: string }>;
}

const isUnprocessable = (error: unknown): boolean => (error as { status?: number })?.status === 422;
const messageOf = (error: unknown): string => String((error as { message?: string })?.message ?? error).split("\n")[0].slice(0, 200);

/**
 * POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers, all at once. GitHub
 * answers 422 for the whole request when one user or team cannot be asked (a team without
 * access to the repository, a user who is not a collaborator), so on 422 each is asked on its
 * own and the ones GitHub refuses are reported, not thrown.
 */
export const requestReviewers = async (
  octokit: Octokit,
  repo: RepoRef,
  number: number,
  users: string[],
  teams: string[],
): Promise<ReviewRequestResult> => {
  if (users.length === 0 && teams.length === 0) return { requested: [], refused: [] };
  const ask = (reviewers: string[], team_reviewers: string[]) =>
    octokit.rest.pulls.requestReviewers({
      ...repo,
      pull_number: number,
      ...(reviewers.length > 0 ? { reviewers } : {}),
      ...(team_reviewers.length > 0 ? { team_reviewers } : {}),
    });
  try {
    await ask(users, teams);
    return { requested: [...users, ...teams.map((slug) => `@${repo.owner}/${slug}`)], refused: [] };
  } catch (error) {
    if (!isUnprocessable(error) || users.length + teams.length === 1) {
      if (isUnprocessable(error)) return { requested: [], refused: [{ reviewer: users[0] ?? `@${repo.owner}/${teams[0]}`, message: messageOf(error) }] };
      throw error;
    }
  }
  const result: ReviewRequestResult = { requested: [], refused: [] };
  const one = async (reviewer: string, request: () => Promise<unknown>) => {
    try {
      await request();
      result.requested.push(reviewer);
    } catch (error) {
      if (!isUnprocessable(error)) throw error;
      result.refused.push({ reviewer, message: messageOf(error) });
    }
  };
  for (const login of users) await one(login, () => ask([login], []));
  for (const slug of teams) await one(`@${repo.owner}/${slug}`, () => ask([], [slug]));
  return result;
};
