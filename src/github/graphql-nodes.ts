import type { Actor as ActorNode, App, CheckRun, CheckSuite, Commit, PageInfo, PullRequest, StatusContext } from "@octokit/graphql-schema";
import type { Actor, HeadCheck, OwnCheckRun } from "../governance/facts.js";

/**
 * GraphQL nodes as the rules read them: one conversion for every query of the app. The nodes'
 * types are selections of GitHub's published schema types (@octokit/graphql-schema), so a field
 * read here that GitHub does not have, or whose nullability differs, fails the typecheck.
 */

/**
 * Fields `K` of the schema's type `T`, as a query selects them. The schema package types GitHub's
 * custom scalars (DateTime, URI, GitObjectID, HTML...) as `any`, which would hide their
 * nullability; all of them are JSON strings, so they are read as `string`, and as
 * `string | null` when the schema lets them be null (the package makes exactly those optional).
 */
export type Selected<T, K extends keyof T> = { [P in keyof Pick<T, K>]: ScalarOf<T, P> };
type ScalarOf<T, P extends keyof T> = 0 extends 1 & T[P] ? ({} extends Pick<T, P> ? string | null : string) : T[P];

/**
 * Object fields of `T` with their sub-selections (`{ author: ActorSelection }`), as nullable as
 * the schema makes each field: a key `T` lacks fails the typecheck.
 */
export type Sub<T, S extends { [P in keyof S]: P extends keyof T ? unknown : never }> = {
  [P in keyof Pick<T, keyof S & keyof T>]: null extends T[P] ? S[P & keyof S] | null : S[P & keyof S];
};

/** A connection's `nodes` as GitHub's schema types them: the list and each entry may be null. */
export type Nodes<X> = { nodes?: Array<X | null> | null };
/** `pageInfo { hasNextPage endCursor }` */
export type NextPage = Selected<PageInfo, "hasNextPage" | "endCursor">;
/** `pageInfo { hasPreviousPage startCursor }` */
export type PreviousPage = Selected<PageInfo, "hasPreviousPage" | "startCursor">;

/**
 * The entries of a list the schema lets be null (or hold nulls) but that GitHub fills in every
 * answer without errors (Octokit throws on those): a gap fails the read, as reading it did
 * before the types said so, instead of silently shortening a list the rules count on.
 */
export const listed = <X>(nodes: ReadonlyArray<X | null | undefined> | null | undefined, what: string): X[] => {
  if (!nodes || nodes.some((node) => node == null)) throw new Error(`GitHub's answer lacks ${what}`);
  return nodes as X[];
};

/** A field the schema lets be null but that GitHub gives whenever the read succeeded (see `listed`). */
export const present = <X>(value: X | null | undefined, what: string): X => {
  if (value == null) throw new Error(`GitHub's answer lacks ${what}`);
  return value;
};

/** `ActorFields` (graphql-fragments.ts). */
export type ActorSelection = Selected<ActorNode, "login"> & { __typename?: string };

/** A `CheckRun` or `StatusContext` of `RollupFields`. */
export type RollupSelection =
  | (Selected<CheckRun, "name" | "status" | "conclusion" | "startedAt" | "completedAt"> &
      Sub<CheckRun, { checkSuite: Sub<CheckSuite, { app: Selected<App, "databaseId"> }> }> & { __typename: "CheckRun" })
  | (Selected<StatusContext, "context" | "state" | "createdAt"> & { __typename: "StatusContext" });

/** A run of `OwnCheckRuns`. */
type OwnRunSelection = Selected<CheckRun, "databaseId" | "status" | "conclusion" | "startedAt" | "title" | "summary" | "text">;

/** A commit with `OwnCheckRuns` spread. */
export type OwnRunsSelection = {
  checkSuites?: { nodes?: Array<{ app?: { databaseId?: NonNullable<CheckSuite["app"]>["databaseId"] } | null; checkRuns?: { nodes?: Array<OwnRunSelection | null> | null } | null } | null> | null } | null;
} | null | undefined;

/** `MergedPullRequestFields`. */
export type MergedPullRequestSelection = Selected<PullRequest, "number" | "title" | "body" | "url" | "createdAt" | "mergedAt" | "headRefOid"> & {
  mergeCommit?: Selected<Commit, "oid"> | null;
  mergedBy?: ActorSelection | null;
  author?: ActorSelection | null;
};

/** An `Actor` node (`__typename login`): GitHub's own account type tells a bot. */
export const actorOf = (node: ActorSelection | null | undefined): Actor | null => (node?.login ? { login: node.login, isBot: node.__typename === "Bot" } : null);

/** A PR read with `MergedPullRequestFields`. */
export const mergedPullRequestOf = (node: MergedPullRequestSelection) => ({
  number: node.number,
  title: node.title,
  body: node.body ?? "",
  url: String(node.url),
  createdAt: String(node.createdAt),
  mergedAt: node.mergedAt == null ? null : String(node.mergedAt),
  mergeCommitSha: node.mergeCommit?.oid == null ? null : String(node.mergeCommit.oid),
  mergedBy: actorOf(node.mergedBy),
  author: actorOf(node.author),
});

/** A `CheckRun` or `StatusContext` of a commit's status rollup. */
export const headCheckOf = (node: RollupSelection): HeadCheck => {
  if (node.__typename === "StatusContext") {
    const state = String(node.state).toLowerCase();
    const pending = state === "pending" || state === "expected";
    const at = node.createdAt == null ? null : String(node.createdAt);
    return { name: node.context, kind: "status", status: pending ? "pending" : "completed", conclusion: pending ? null : state, completedAt: at, startedAt: at };
  }
  return {
    name: node.name,
    kind: "check_run",
    status: node.status === "COMPLETED" ? "completed" : "pending",
    conclusion: node.conclusion ? String(node.conclusion).toLowerCase() : null,
    completedAt: node.completedAt == null ? null : String(node.completedAt),
    startedAt: node.startedAt == null ? null : String(node.startedAt),
  };
};

/** This app's `Hotfix governance` runs among a commit's `checkSuites { app checkRuns }`. */
export const ownCheckRunsOf = (commit: OwnRunsSelection, appId: number | null): OwnCheckRun[] =>
  (commit?.checkSuites?.nodes ?? [])
    .filter((suite) => suite && (appId == null || suite.app?.databaseId === appId))
    .flatMap((suite) => suite?.checkRuns?.nodes ?? [])
    .flatMap((run) =>
      run
        ? [
            {
              id: Number(run.databaseId),
              status: String(run.status).toLowerCase(),
              conclusion: run.conclusion ? String(run.conclusion).toLowerCase() : null,
              startedAt: run.startedAt == null ? null : String(run.startedAt),
              title: run.title ?? null,
              summary: run.summary ?? null,
              text: run.text ?? null,
            },
          ]
        : [],
    );
