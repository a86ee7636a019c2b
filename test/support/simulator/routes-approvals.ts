import { GraphQLError } from "graphql";
import { extendCommentNode, extendGraphqlRoot, extendRepositoryNode, userNode, type CommentKind } from "./graphql.js";
import { restPull, restUser } from "./rest-shapes.js";
import { ghError, SIM_APP, type GitHubSimulator } from "./simulator.js";
import { assignable, type SimComment, type SimPull, type SimReaction, type SimRepo, type SimUser } from "./state.js";

/** The app's own account, as GitHub shows what the installation writes. */
export const appBot = (sim: GitHubSimulator): SimUser => sim.user(`${SIM_APP.slug}[bot]`, "Bot");

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
export const registerApprovalRoutes = (sim: GitHubSimulator): void => {
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

  // POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers
  sim.route("POST", "/repos/{owner}/{repo}/pulls/{number}/requested_reviewers", ({ params, body }) => {
    const repo = findRepo(sim, params);
    const pull = repo?.pulls.get(Number(params.number));
    if (!repo || !pull) return ghError(404, "Not Found");
    const reviewers: string[] = body?.reviewers ?? [];
    const teams: string[] = body?.team_reviewers ?? [];
    const refusal = reviewRefusal(sim, repo, pull, reviewers, teams);
    if (refusal) return ghError(422, refusal);
    for (const login of reviewers) if (!pull.requestedReviewers.includes(login)) pull.requestedReviewers.push(login);
    for (const slug of teams) if (!pull.requestedTeams.includes(slug)) pull.requestedTeams.push(slug);
    return { status: 201, body: restPull(sim, repo, pull) };
  });

  // GET /orgs/{org}/teams/{team_slug}/memberships/{username}: 404 when not a member.
  sim.route("GET", "/orgs/{org}/teams/{slug}/memberships/{username}", ({ params }) => {
    const team = sim.teams.get(`${params.org}/${params.slug}`.toLowerCase());
    const state = team && [...team.members.entries()].find(([login]) => login.toLowerCase() === params.username.toLowerCase())?.[1];
    if (!team || !state) return ghError(404, "Not Found");
    return {
      status: 200,
      body: { url: `https://api.github.com/organizations/1/team/${team.id}/memberships/${params.username}`, role: "member", state },
    };
  });

  // GET /repos/{owner}/{repo}/collaborators/{username}/permission: role_name is the real role; permission the legacy one.
  sim.route("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", ({ params }) => {
    const repo = findRepo(sim, params);
    const user = [...sim.users.values()].find((candidate) => candidate.login.toLowerCase() === params.username.toLowerCase());
    if (!repo || !user) return ghError(404, "Not Found");
    const owner = user.id === repo.owner.id;
    const role = owner ? "admin" : (repo.permissions.get(user.login) ?? (repo.private ? "none" : "read"));
    const legacy = role === "maintain" ? "write" : role === "triage" ? "read" : role;
    const rank = ["none", "read", "triage", "write", "maintain", "admin"].indexOf(role);
    return {
      status: 200,
      body: {
        permission: legacy,
        role_name: role,
        user: {
          ...restUser(user),
          permissions: { pull: rank >= 1, triage: rank >= 2, push: rank >= 3, maintain: rank >= 4, admin: rank >= 5 },
          role_name: role,
        },
      },
    };
  });
};

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

/** GitHub's refusals of a review request (REST answers 422 with them; GraphQL reports them as the mutation's error). */
const reviewRefusal = (sim: GitHubSimulator, repo: SimRepo, pull: SimPull, reviewers: string[], teams: string[]): string | null => {
  if (reviewers.some((login) => login.toLowerCase() === pull.user.login.toLowerCase())) return "Review cannot be requested from pull request author.";
  const notCollaborator =
    reviewers.some((login) => !repo.permissions.has(login) && login.toLowerCase() !== repo.owner.login.toLowerCase()) ||
    teams.some((slug) => !sim.teams.has(`${repo.owner.login}/${slug}`.toLowerCase()));
  return notCollaborator
    ? `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.owner.login}/${repo.name} repository.`
    : null;
};

// ---- GraphQL: node ids of labels, users and teams; a PR's labels, assignees and review requests by id ----

/** A label's node id names its repository and itself (the simulator keeps labels by name). */
export const labelNodeId = (repo: SimRepo, name: string): string => `LA_${repo.id}_${Buffer.from(name).toString("base64url")}`;

const notFound = (message: string) => new GraphQLError(message, { extensions: { type: "NOT_FOUND" } });

const pullByNodeId = (sim: GitHubSimulator, id: string): { repo: SimRepo; pull: SimPull } | null => {
  for (const repo of sim.repos.values()) for (const pull of repo.pulls.values()) if (pull.nodeId === id) return { repo, pull };
  return null;
};

/** `user(login:)`: GitHub answers a login it does not know with a NOT_FOUND error at the field. */
extendGraphqlRoot((sim) => ({
  user: ({ login }: { login: string }) => {
    const user = [...sim.users.values()].find((candidate) => candidate.type === "User" && candidate.login.toLowerCase() === login.toLowerCase());
    if (!user) throw notFound(`Could not resolve to a User with the login of '${login}'.`);
    return userNode(user);
  },
  organization: ({ login }: { login: string }) => {
    const owner = [...sim.repos.values()].find((repo) => repo.owner.login.toLowerCase() === login.toLowerCase())?.owner;
    if (!owner) throw notFound(`Could not resolve to an Organization with the login of '${login}'.`);
    return {
      id: `O_${owner.id}`,
      login: owner.login,
      team: ({ slug }: { slug: string }) => {
        const team = sim.teams.get(`${owner.login}/${slug}`.toLowerCase());
        return team ? { id: `T_${team.id}`, slug: team.slug, name: team.slug } : null;
      },
    };
  },
  updatePullRequest: ({ input }: { input: { pullRequestId: string; labelIds?: string[] | null; assigneeIds?: string[] | null } }) => {
    const found = pullByNodeId(sim, input.pullRequestId);
    if (!found) throw notFound(`Could not resolve to a node with the global id of '${input.pullRequestId}'`);
    const { repo, pull } = found;
    const labels = input.labelIds?.map((id) => {
      const name = [...repo.labels].find((candidate) => labelNodeId(repo, candidate) === id);
      if (name === undefined) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
      return name;
    });
    const assignees = input.assigneeIds?.map((id) => {
      const user = [...sim.users.values()].find((candidate) => userNode(candidate).id === id);
      if (!user) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
      return user.login;
    });
    // Nothing is changed when one assignee may not be assigned (the whole mutation fails).
    const refused = assignees?.find((login) => !assignable(repo, login));
    if (refused) throw new GraphQLError(`${refused} cannot be assigned to this pull request.`, { extensions: { type: "UNPROCESSABLE" } });
    if (labels) pull.labels = [...new Set(labels)];
    if (assignees) pull.assignees = [...new Set(assignees)];
    pull.updatedAt = sim.now();
    return { clientMutationId: null, pullRequest: { id: pull.nodeId } };
  },
  requestReviews: ({ input }: { input: { pullRequestId: string; userIds?: string[] | null; teamIds?: string[] | null; union?: boolean | null } }) => {
    const found = pullByNodeId(sim, input.pullRequestId);
    if (!found) throw notFound(`Could not resolve to a node with the global id of '${input.pullRequestId}'`);
    const { repo, pull } = found;
    const users = (input.userIds ?? []).map((id) => {
      const user = [...sim.users.values()].find((candidate) => userNode(candidate).id === id);
      if (!user) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
      return user.login;
    });
    const teams = (input.teamIds ?? []).map((id) => {
      const team = [...sim.teams.values()].find((candidate) => `T_${candidate.id}` === id);
      if (!team) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
      return team.slug;
    });
    const refusal = reviewRefusal(sim, repo, pull, users, teams);
    if (refusal) throw new GraphQLError(refusal, { extensions: { type: "UNPROCESSABLE" } });
    // Without `union`, the requests replace the ones there (GitHub's default).
    if (!input.union) {
      pull.requestedReviewers = [];
      pull.requestedTeams = [];
    }
    for (const login of users) if (!pull.requestedReviewers.includes(login)) pull.requestedReviewers.push(login);
    for (const slug of teams) if (!pull.requestedTeams.includes(slug)) pull.requestedTeams.push(slug);
    return { clientMutationId: null, pullRequest: { id: pull.nodeId } };
  },
}));

extendRepositoryNode((_sim, repo) => ({
  label: ({ name }: { name: string }) => {
    const found = [...repo.labels].find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    return found === undefined ? null : { id: labelNodeId(repo, found), name: found, color: "ededed" };
  },
}));
