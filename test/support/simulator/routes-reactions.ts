import { GraphQLError } from "graphql";
import { extendCommentNode, extendGraphqlRoot, type CommentKind } from "./graphql.js";
import { restUser } from "./rest-shapes.js";
import { appBot } from "./routes-issues.js";
import { ghError, type GitHubSimulator } from "./simulator.js";
import type { SimComment, SimReaction, SimRepo } from "./state.js";


/** GitHub's reaction contents: REST names and their GraphQL `ReactionContent` names. */
const CONTENTS: Record<string, string> = {
  "+1": "THUMBS_UP",
  "-1": "THUMBS_DOWN",
  laugh: "LAUGH",
  confused: "CONFUSED",
  heart: "HEART",
  hooray: "HOORAY",
  rocket: "ROCKET",
  eyes: "EYES",
};
const restContent = (graphqlName: string): string | undefined => Object.keys(CONTENTS).find((key) => CONTENTS[key] === graphqlName);

const SUBJECT: Record<CommentKind, SimReaction["subject"]> = { comment: "comment", review: "review", review_comment: "review_comment" };

const findRepo = (sim: GitHubSimulator, params: Record<string, string>): SimRepo | undefined =>
  sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());

const restReaction = (reaction: SimReaction) => ({
  id: reaction.id,
  node_id: `REA_${reaction.id}`,
  user: restUser(reaction.user),
  content: reaction.content,
  created_at: reaction.createdAt,
});

/** The app's reactions on what the app reads: one per (subject, user, content), as on GitHub. */
const react = (sim: GitHubSimulator, repo: SimRepo, subject: SimReaction["subject"], subjectId: number, content: string) => {
  const user = appBot(sim);
  const existing = repo.reactions.find(
    (reaction) => reaction.subject === subject && reaction.subjectId === subjectId && reaction.user.id === user.id && reaction.content === content,
  );
  if (existing) return { created: false, reaction: existing };
  const reaction: SimReaction = { id: sim.id(), subject, subjectId, user, content, createdAt: sim.now() };
  repo.reactions.push(reaction);
  return { created: true, reaction };
};

const invalidContent = (content: unknown) =>
  ghError(422, "Validation Failed", { errors: [{ resource: "Reaction", code: "invalid", field: "content", message: `${String(content)} is not a valid content` }] });

const repoOfComment = (sim: GitHubSimulator, comment: SimComment): SimRepo | undefined =>
  [...sim.repos.values()].find((repo) => repo.issueComments.includes(comment) || repo.reviews.includes(comment) || repo.reviewComments.includes(comment));

/**
 * Reactions, the app's comments, review requests, team memberships and repository roles: what
 * the approvals flow reads and writes besides the facts query.
 */
// GraphQL: what the app already did on each comment-like node (viewer = the app), and reactions on reviews.
const commentFields = (sim: GitHubSimulator, comment: SimComment, kind: CommentKind) => {
  const viewer = appBot(sim);
  const repo = repoOfComment(sim, comment);
  const mine = (repo?.reactions ?? []).filter((reaction) => reaction.subject === SUBJECT[kind] && reaction.subjectId === comment.id);
  return {
    viewerDidAuthor: comment.user.id === viewer.id,
    reactionGroups: Object.entries(CONTENTS).map(([rest, content]) => ({
      content,
      createdAt: mine.find((reaction) => reaction.content === rest)?.createdAt ?? null,
      viewerHasReacted: mine.some((reaction) => reaction.content === rest && reaction.user.id === viewer.id),
    })),
  };
};
extendCommentNode(commentFields);

extendGraphqlRoot((sim) => ({
  addReaction: ({ input }: { input: { subjectId: string; content: string } }) => {
    for (const repo of sim.repos.values()) {
      const found: Array<[SimComment | undefined, SimReaction["subject"]]> = [
        [repo.reviews.find((review) => review.nodeId === input.subjectId), "review"],
        [repo.issueComments.find((comment) => comment.nodeId === input.subjectId), "comment"],
        [repo.reviewComments.find((comment) => comment.nodeId === input.subjectId), "review_comment"],
      ];
      const hit = found.find(([comment]) => comment);
      if (!hit) continue;
      const [subject, kind] = hit;
      const { reaction } = react(sim, repo, kind, subject!.id, restContent(input.content)!);
      return { clientMutationId: null, reaction: { id: `REA_${reaction.id}`, content: input.content, createdAt: reaction.createdAt }, subject: { id: subject!.nodeId } };
    }
    throw new GraphQLError(`Could not resolve to a node with the global id of '${input.subjectId}'`, { extensions: { type: "NOT_FOUND" } });
  },
}));

/** Reactions on issue comments and on review comments (REST); reviews are reacted to with GraphQL's `addReaction`. */
export const registerReactionRoutes = (sim: GitHubSimulator): void => {
  // POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions: 201 created, 200 when the app already reacted so.
  sim.route("POST", "/repos/{owner}/{repo}/issues/comments/{id}/reactions", ({ params, body }) => {
    const repo = findRepo(sim, params);
    const comment = repo?.issueComments.find((candidate) => candidate.id === Number(params.id));
    if (!repo || !comment) return ghError(404, "Not Found");
    if (!CONTENTS[body?.content]) return invalidContent(body?.content);
    const { created, reaction } = react(sim, repo, "comment", comment.id, body.content);
    return { status: created ? 201 : 200, body: restReaction(reaction) };
  });

  sim.route("POST", "/repos/{owner}/{repo}/pulls/comments/{id}/reactions", ({ params, body }) => {
    const repo = findRepo(sim, params);
    const comment = repo?.reviewComments.find((candidate) => candidate.id === Number(params.id));
    if (!repo || !comment) return ghError(404, "Not Found");
    if (!CONTENTS[body?.content]) return invalidContent(body?.content);
    const { created, reaction } = react(sim, repo, "review_comment", comment.id, body.content);
    return { status: created ? 201 : 200, body: restReaction(reaction) };
  });
};
