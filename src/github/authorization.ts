import type { ProbotOctokit } from "probot";
import {
  BASE_ROLES,
  emptyAccess,
  nextLookup,
  type BaseRole,
  type MembershipState,
  type PersonAccess,
  type RepositoryRole,
} from "../governance/approvals/access.js";
import { teamKey, type ApproverPolicy, type TeamRef } from "../governance/approvals/policy.js";
import type { TtlCache } from "../platform/cache.js";
import { settleAll } from "../platform/settle-all.js";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Short enough that a removed team member or a lowered role stops approving within a minute. */
export const AUTHORIZATION_TTL_SECONDS = 60;

/** The two questions GitHub answers about a would-be approver. */
export interface AuthorizationLookups {
  role(login: string): Promise<RepositoryRole>;
  membership(team: TeamRef, login: string): Promise<MembershipState>;
}

const status = (error: unknown): number | undefined => (error as { status?: number })?.status;

const isBaseRole = (name: string): name is BaseRole => (BASE_ROLES as readonly string[]).includes(name);

/**
 * GitHub's answer as a role. `role_name` is the full role (custom roles included); `permission`
 * is the legacy base role, where `maintain` reads as `write` and `triage` as `read`. A custom role
 * is judged by the base access it grants, from the `user.permissions` hash.
 */
export const roleFromPermission = (data: {
  permission?: string;
  role_name?: string;
  user?: { permissions?: Partial<Record<"admin" | "maintain" | "push" | "triage" | "pull", boolean>> } | null;
}): RepositoryRole => {
  const name = data.role_name || data.permission || "none";
  if (isBaseRole(name)) return { name, base: name };
  const granted = data.user?.permissions;
  const base: BaseRole = granted?.admin
    ? "admin"
    : granted?.maintain
      ? "maintain"
      : granted?.push
        ? "write"
        : granted?.triage
          ? "triage"
          : granted?.pull
            ? "read"
            : data.permission && isBaseRole(data.permission)
              ? data.permission
              : "none";
  return { name, base };
};

/** GET /repos/{owner}/{repo}/collaborators/{username}/permission — 404: no such user, no role. */
const fetchRole = async (octokit: Octokit, repo: RepoRef, login: string): Promise<RepositoryRole> => {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
    return roleFromPermission(data as Parameters<typeof roleFromPermission>[0]);
  } catch (error) {
    if (status(error) === 404) return { name: "none", base: "none" };
    throw error;
  }
};

/**
 * GET /orgs/{org}/teams/{team_slug}/memberships/{username}: `state` active or pending; 404 when
 * the user is not a member (or the team does not exist). 403 means the app may not read the
 * organisation's members: nothing is granted, and the check says why.
 */
const fetchMembership = async (octokit: Octokit, team: TeamRef, login: string): Promise<MembershipState> => {
  try {
    const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org: team.org, team_slug: team.slug, username: login });
    return data.state === "active" ? "active" : "pending";
  } catch (error) {
    if (status(error) === 404) return "none";
    if (status(error) === 403) return "unknown";
    throw error;
  }
};

/**
 * Look-ups through `cache` (the runtime's: in memory per process, or Redis shared by replicas).
 * Failures are never cached, so a GitHub outage is not remembered.
 */
export const cachedLookups = (octokit: Octokit, repo: RepoRef, cache: TtlCache): AuthorizationLookups => {
  const remember = async <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = await cache.get(key);
    if (hit !== undefined) return JSON.parse(hit) as T;
    const value = await load();
    await cache.set(key, JSON.stringify(value), AUTHORIZATION_TTL_SECONDS);
    return value;
  };
  return {
    role: (login) => remember(`role:${repo.owner}/${repo.repo}:${login}`.toLowerCase(), () => fetchRole(octokit, repo, login)),
    membership: (team, login) => remember(`team:${teamKey(team)}:${login}`.toLowerCase(), () => fetchMembership(octokit, team, login)),
  };
};

/**
 * What GitHub says about each person, asking only what can still change a decision: nothing for
 * listed users, the role before the teams, and no further team once one grants. People are
 * looked up concurrently; one person's look-ups run one after another.
 */
export const gatherAccess = async (
  lookups: AuthorizationLookups,
  people: Array<{ login: string; policies: ApproverPolicy[] }>,
): Promise<Map<string, PersonAccess>> => {
  const gathered = await settleAll(
    people.map(async ({ login, policies }) => {
      const access = emptyAccess();
      for (const policy of policies) {
        for (let lookup = nextLookup(login, policy, access); lookup; lookup = nextLookup(login, policy, access)) {
          if (lookup.kind === "role") access.role = await lookups.role(login);
          else access.teams[teamKey(lookup.team)] = await lookups.membership(lookup.team, login);
        }
      }
      return [login.toLowerCase(), access] as const;
    }),
  );
  return new Map(gathered);
};
