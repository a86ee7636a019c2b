import type { ApprovalRule, HotfixConfig, Permission } from "../../config/schema.js";

/** A team of the repository's organisation, as GitHub's team API addresses it. */
export interface TeamRef {
  org: string;
  slug: string;
}

/** Who may approve one requirement: the global one (`approvals`) or one path rule. */
export interface ApproverPolicy {
  users: string[];
  /** Teams of the repository's own organisation: the only ones trusted. */
  teams: TeamRef[];
  /** `org/slug` entries naming another organisation: never trusted, reported in the check. */
  ignoredTeams: string[];
  minPermission: Permission | null;
}

export const teamKey = (team: TeamRef): string => `${team.org}/${team.slug}`.toLowerCase();
export const teamName = (team: TeamRef): string => `@${team.org}/${team.slug}`;
export const sameLogin = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * `slug` means a team of the repository's owner; `org/slug` is accepted only when org is that
 * owner: a team of another organisation says nothing about this repository, and its members
 * could be anyone that organisation invites.
 */
const resolveTeams = (entries: string[], owner: string): Pick<ApproverPolicy, "teams" | "ignoredTeams"> => {
  const teams: TeamRef[] = [];
  const ignoredTeams: string[] = [];
  for (const entry of entries) {
    const [org, slug] = entry.includes("/") ? entry.split("/", 2) : [owner, entry];
    if (!sameLogin(org, owner)) ignoredTeams.push(entry);
    else if (!teams.some((team) => teamKey(team) === teamKey({ org: owner, slug }))) teams.push({ org: owner, slug });
  }
  return { teams, ignoredTeams };
};

const unique = (logins: string[]): string[] =>
  logins.filter((login, index) => logins.findIndex((other) => sameLogin(other, login)) === index);

export const approverPolicy = (config: HotfixConfig, owner: string): ApproverPolicy => ({
  users: unique(config.approvals.users),
  ...resolveTeams(config.approvals.teams, owner),
  minPermission: config.approvals.min_permission,
});

/** A rule names its own approvers; a rule that names none falls back to the global approvers. */
export const rulePolicy = (rule: ApprovalRule, config: HotfixConfig, owner: string): ApproverPolicy =>
  rule.users.length === 0 && rule.teams.length === 0
    ? approverPolicy(config, owner)
    : { users: unique(rule.users), ...resolveTeams(rule.teams, owner), minPermission: null };

export const canAnyoneApprove = (policy: ApproverPolicy): boolean =>
  policy.users.length > 0 || policy.teams.length > 0 || policy.minPermission !== null;

const listing = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;

/** "`alice`, members of `@acme/sre` or anyone with the `maintain` role or higher": never @-mentions. */
export const describeApprovers = (policy: ApproverPolicy): string => {
  if (!canAnyoneApprove(policy)) return "no one (no approvers are configured)";
  const parts = [
    ...policy.users.map((login) => `\`${login}\``),
    ...(policy.teams.length > 0 ? [`members of ${policy.teams.map((team) => `\`${teamName(team)}\``).join(", ")}`] : []),
    ...(policy.minPermission
      ? [policy.minPermission === "admin" ? "repository admins" : `anyone with the \`${policy.minPermission}\` role or higher`]
      : []),
  ];
  return listing(parts);
};
