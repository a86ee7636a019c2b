import { GraphQLError } from "graphql";
import { extendGraphqlRoot, userNode } from "./graphql.js";
import { restUser } from "./rest-shapes.js";
import { ghError, type GitHubSimulator } from "./simulator.js";
import type { SimRepo } from "./state.js";

const findRepo = (sim: GitHubSimulator, params: Record<string, string>): SimRepo | undefined =>
  sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());

/** Collaborators' permissions and team memberships: what decides who may approve. */
export const registerPeopleRoutes = (sim: GitHubSimulator): void => {
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

const notFound = (message: string) => new GraphQLError(message, { extensions: { type: "NOT_FOUND" } });

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
  }
}));
