import type { Label, Team, User } from "@octokit/graphql-schema";

/**
 * The GraphQL node ids of labels, users and teams, looked up inside a query the app makes anyway
 * (the port's facts), so that a write naming them by id (`decoratePullRequest`) needs no read of
 * its own. A name GitHub does not resolve (a label not created yet, a renamed account, a team
 * that is gone) has no id: the caller then writes by name over REST, as before.
 */
export interface NodeIdLookups {
  labels: string[];
  users: string[];
  /** Team slugs of the repository's owner (an organisation). */
  teams: string[];
}

export interface NodeIds {
  labels: Map<string, string | null>;
  users: Map<string, string | null>;
  teams: Map<string, string | null>;
}

/** The root fields of the lookups: GitHub's answer to a name it does not know is an error at one of them. */
export const LOOKUP_ROOTS = ["idLabels", "idTeams"] as const;
const USER_ALIAS = /^idUser\d+$/;

/** An error GitHub reports at a lookup's own field (NOT_FOUND for `user(login:)` ...): that name just has no id. */
export const isLookupError = (error: { path?: ReadonlyArray<string | number> }): boolean => {
  const root = String(error.path?.[0] ?? "");
  return (LOOKUP_ROOTS as readonly string[]).includes(root) || USER_ALIAS.test(root);
};

/** The lookups as variables (`$idL<i>`, `$idU<i>`, `$idT<i>`) and root fields of a query that already has `$owner` and `$repo`. */
export const nodeIdFields = (lookups: NodeIdLookups): { variables: string; fields: string; values: Record<string, string> } => {
  const values: Record<string, string> = {};
  const declare: string[] = [];
  const fields: string[] = [];
  if (lookups.labels.length > 0) {
    lookups.labels.forEach((name, index) => {
      values[`idL${index}`] = name;
      declare.push(`$idL${index}: String!`);
    });
    fields.push(`idLabels: repository(owner: $owner, name: $repo) {${lookups.labels.map((_, index) => ` l${index}: label(name: $idL${index}) { id }`).join("")} }`);
  }
  lookups.users.forEach((login, index) => {
    values[`idU${index}`] = login;
    declare.push(`$idU${index}: String!`);
    fields.push(`idUser${index}: user(login: $idU${index}) { id }`);
  });
  if (lookups.teams.length > 0) {
    lookups.teams.forEach((slug, index) => {
      values[`idT${index}`] = slug;
      declare.push(`$idT${index}: String!`);
    });
    fields.push(`idTeams: organization(login: $owner) {${lookups.teams.map((_, index) => ` t${index}: team(slug: $idT${index}) { id }`).join("")} }`);
  }
  return { variables: declare.map((item) => `, ${item}`).join(""), fields: fields.map((field) => `\n    ${field}`).join(""), values };
};

type IdOf<T extends { id: unknown }> = Pick<T, "id"> | null | undefined;

/** The lookups' answers, as the query's data has them (null where GitHub knows no such name). */
export type NodeIdData = {
  idLabels?: Record<string, IdOf<Label>> | null;
  idTeams?: Record<string, IdOf<Team>> | null;
} & { [alias: `idUser${number}`]: IdOf<User> };

export const nodeIdsOf = (lookups: NodeIdLookups, data: NodeIdData | null | undefined): NodeIds => ({
  labels: new Map(lookups.labels.map((name, index) => [name, String(data?.idLabels?.[`l${index}`]?.id ?? "") || null])),
  users: new Map(lookups.users.map((login, index) => [login, String(data?.[`idUser${index}`]?.id ?? "") || null])),
  teams: new Map(lookups.teams.map((slug, index) => [slug, String(data?.idTeams?.[`t${index}`]?.id ?? "") || null])),
});
