import type { Permission } from "../../config/schema.js";
import { sameLogin, teamKey, teamName, type ApproverPolicy } from "./policy.js";

/** GitHub's base repository roles, weakest first. */
export const BASE_ROLES = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export type BaseRole = (typeof BASE_ROLES)[number];

/** A person's role on the repository: GitHub's role name (custom roles too) and the base role it grants. */
export interface RepositoryRole {
  name: string;
  base: BaseRole;
}

/**
 * active: a member; pending: invited, not yet a member; none: not a member (GitHub's 404);
 * unknown: GitHub would not say (the app cannot see the team) — never grants.
 */
export type MembershipState = "active" | "pending" | "none" | "unknown";

/** What the gateway learnt about one person: only what it needed to look up. */
export interface PersonAccess {
  role?: RepositoryRole;
  /** By `teamKey`. */
  teams: Record<string, MembershipState>;
}

export const emptyAccess = (): PersonAccess => ({ teams: {} });

export const roleAtLeast = (role: RepositoryRole | undefined, min: Permission): boolean =>
  role !== undefined && BASE_ROLES.indexOf(role.base) >= BASE_ROLES.indexOf(min);

export type Grant = { granted: true; via: string } | { granted: false; detail: string };

const describeRole = (role: RepositoryRole): string =>
  role.name === role.base ? `the \`${role.name}\` role` : `the \`${role.name}\` role (base \`${role.base}\`)`;

/**
 * Does `policy` let `login` approve, given what was looked up? Listed users first, then the
 * repository role, then active team memberships. Only active memberships count: a pending
 * invitation is not membership yet.
 */
export const grantOf = (login: string, policy: ApproverPolicy, access: PersonAccess): Grant => {
  if (policy.users.some((user) => sameLogin(user, login))) return { granted: true, via: "listed in the approvers" };
  if (policy.minPermission && roleAtLeast(access.role, policy.minPermission)) {
    return { granted: true, via: `has ${describeRole(access.role!)}` };
  }
  const team = policy.teams.find((candidate) => access.teams[teamKey(candidate)] === "active");
  if (team) return { granted: true, via: `member of \`${teamName(team)}\`` };

  const notes: string[] = [];
  if (policy.minPermission && access.role) notes.push(`has ${describeRole(access.role)}, below \`${policy.minPermission}\``);
  for (const candidate of policy.teams) {
    const state = access.teams[teamKey(candidate)];
    if (state === "pending") notes.push(`the invitation to \`${teamName(candidate)}\` is still pending`);
    if (state === "unknown") notes.push(`the app could not see the members of \`${teamName(candidate)}\``);
  }
  return { granted: false, detail: notes.join("; ") };
};

/**
 * The look-ups that can still change `grantOf` for `login`, in the order they are worth making:
 * none for a listed user, the role when `min_permission` is set, then each team not yet known.
 * The gateway makes them one at a time and stops as soon as the person is granted.
 */
export type Lookup = { kind: "role" } | { kind: "team"; team: { org: string; slug: string } };

export const nextLookup = (login: string, policy: ApproverPolicy, access: PersonAccess): Lookup | null => {
  if (grantOf(login, policy, access).granted) return null;
  if (policy.minPermission && access.role === undefined) return { kind: "role" };
  const team = policy.teams.find((candidate) => access.teams[teamKey(candidate)] === undefined);
  return team ? { kind: "team", team } : null;
};
