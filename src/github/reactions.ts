import type { AddReactionPayload, Reaction } from "@octokit/graphql-schema";
import type { ProbotOctokit } from "probot";
import type { ReactionContent } from "../governance/approvals/feedback.js";
import type { CommandSource } from "../governance/facts.js";
import type { Selected, Sub } from "./graphql-nodes.js";
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

type AddReactionAnswer = { addReaction?: Sub<AddReactionPayload, { reaction: Selected<Reaction, "content"> }> | null };

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
      await octokit.graphql<AddReactionAnswer>(ADD_REACTION_MUTATION, { subjectId: source.nodeId, content: GRAPHQL_CONTENT[content] });
  }
};
