import type { GraphqlQuery } from "../platform/instrument-octokit.js";
import type { CheckRun, CheckSuite, Commit, IssueComment, Label, PullRequest, Ref, Repository, RepositoryOwner, SearchResultItem } from "@octokit/graphql-schema";
import { TEMP_BRANCH_ROOT, type TemporaryBranch } from "../backport/naming.js";
import { CHECK_NAME } from "../governance/check-output.js";
import type { RepoRef } from "./repo-ref.js";
import { ACTOR_FRAGMENT, MERGED_PULL_REQUEST_FRAGMENT } from "./graphql-fragments.js";
import { listed, present, type MergedPullRequestSelection, type NextPage, type Nodes, type Selected, type Sub } from "./graphql-nodes.js";


/**
 * The reconciliation sweep's one read per installation (SPEC §7): in one GraphQL request, two
 * searches — hotfix PRs merged since a moment, and open hotfix PRs — with, on each result, what
 * tells whether its follow-ups or its check exist: the app's own comments on a merged PR (their
 * hidden markers), and the app's `Hotfix governance` run on an open PR's head commit. When one
 * search has more than a page, the next request asks `first: 0` of the other.
 */
export const RECONCILE_CANDIDATES_QUERY = /* GraphQL */ `
  query ReconcileCandidates(
    $merged: String!
    $open: String!
    $mergedFirst: Int!
    $openFirst: Int!
    $mergedAfter: String
    $openAfter: String
    $appId: Int
    $checkName: String!
  ) {
    merged: search(query: $merged, type: ISSUE, first: $mergedFirst, after: $mergedAfter) {
      pageInfo { hasNextPage endCursor }
      nodes {
        __typename
        ... on PullRequest {
          ...MergedPullRequestFields
          baseRefName
          headRefName
          isCrossRepository
          repository {
            name owner { login } isArchived defaultBranchRef { name }
            temporaryBranches: refs(refPrefix: "refs/heads/${TEMP_BRANCH_ROOT}", first: 20) {
              nodes { prefix name target { ... on Commit { committedDate message } } }
            }
          }
          commits(last: 1) { totalCount }
          labels(first: 100) { nodes { name } }
          comments(last: 100) { nodes { viewerDidAuthor body } }
        }
      }
    }
    open: search(query: $open, type: ISSUE, first: $openFirst, after: $openAfter) {
      pageInfo { hasNextPage endCursor }
      nodes {
        __typename
        ... on PullRequest {
          number
          state
          headRefOid
          repository { name owner { login } isArchived }
          labels(first: 100) { nodes { name } }
          commits(last: 1) {
            nodes {
              commit {
                oid
                checkSuites(first: 1, filterBy: { appId: $appId, checkName: $checkName }) {
                  nodes { checkRuns(first: 1, filterBy: { checkName: $checkName, checkType: LATEST }) { nodes { status conclusion } } }
                }
              }
            }
          }
        }
      }
    }
  }
  ${ACTOR_FRAGMENT}
  ${MERGED_PULL_REQUEST_FRAGMENT}
`;

/** A merged hotfix PR as the search shows it: enough to follow it up without another read. */
export interface MergedCandidate {
  repo: RepoRef;
  number: number;
  title: string;
  body: string | null;
  url: string;
  createdAt: string;
  mergedAt: string;
  mergeCommitSha: string | null;
  mergedBy: string | null;
  author: string;
  authorIsBot: boolean;
  baseRef: string;
  headRef: string;
  headSha: string;
  fromFork: boolean;
  defaultBranch: string;
  commitCount: number;
  labels: string[];
  /** Bodies of the app's own comments among the PR's latest 100. */
  appComments: string[];
  /** The repository's branches under the app's temporary root (20 at most: the sweep deletes the stale ones). */
  temporaryBranches: TemporaryBranch[];
}

export interface OpenCandidate {
  repo: RepoRef;
  number: number;
  headSha: string;
  labels: string[];
  /** Does the head commit carry a `Hotfix governance` run of this app? */
  hasOwnRun: boolean;
  /** The conclusion of that run (the newest one), lowercase; null while it runs or when there is none. */
  conclusion: string | null;
}

export interface ReconcileCandidates {
  merged: MergedCandidate[];
  open: OpenCandidate[];
  /** GraphQL requests it took (1 unless a search had more than a page). */
  requests: number;
}

/** The answer, as selections of GitHub's schema types (see graphql-nodes.ts). */
type RepositoryRef = Selected<Repository, "name" | "isArchived"> & { owner: Selected<RepositoryOwner, "login"> };
/** A temporary branch: its tip when it is a commit (another target answers `{}`). */
type TemporaryRef = Selected<Ref, "prefix" | "name"> & Sub<Ref, { target: Partial<Selected<Commit, "committedDate" | "message">> }>;
type Labels = Sub<PullRequest, { labels: Nodes<Selected<Label, "name">> }>;
type MergedNode = MergedPullRequestSelection &
  Selected<PullRequest, "baseRefName" | "headRefName" | "isCrossRepository"> &
  Labels &
  Sub<PullRequest, {
    repository: RepositoryRef & Sub<Repository, { defaultBranchRef: Selected<Ref, "name"> }> & { temporaryBranches: Sub<Repository, { refs: Nodes<TemporaryRef> }>["refs"] };
    commits: Selected<PullRequest["commits"], "totalCount">;
    comments: Nodes<Selected<IssueComment, "viewerDidAuthor" | "body">>;
  }>;
type OpenNode = Selected<PullRequest, "number" | "state" | "headRefOid"> &
  Labels &
  Sub<PullRequest, {
    repository: RepositoryRef;
    commits: Nodes<{ commit: Selected<Commit, "oid"> & Sub<Commit, { checkSuites: Nodes<Sub<CheckSuite, { checkRuns: Nodes<Selected<CheckRun, "status" | "conclusion">> }>> }> }>;
  }>;
/** A search result: `__typename`, and the PR's fields when it is one. */
type Result<X> = (X & { __typename: "PullRequest" }) | { __typename: Exclude<NonNullable<SearchResultItem["__typename"]>, "PullRequest"> };
type Search<X> = Nodes<Result<X>> & { pageInfo: NextPage };
type CandidatesAnswer = { merged: Search<MergedNode>; open: Search<OpenNode> };

const PAGE = 50;
/** GitHub's search returns at most 1000 results per query. */
const SEARCH_CAP = 1000;

const repoOf = (node: { repository: RepositoryRef }): RepoRef => ({ owner: node.repository.owner.login, repo: node.repository.name });

const mergedOf = (node: MergedNode & { mergedAt: string }): MergedCandidate => ({
  repo: repoOf(node),
  number: node.number,
  title: node.title,
  body: node.body ?? null,
  url: node.url,
  createdAt: node.createdAt,
  mergedAt: node.mergedAt,
  mergeCommitSha: node.mergeCommit?.oid ?? null,
  mergedBy: node.mergedBy?.login ?? null,
  author: node.author?.__typename === "Bot" ? `${node.author.login}[bot]` : (node.author?.login ?? "ghost"),
  authorIsBot: node.author?.__typename === "Bot",
  baseRef: node.baseRefName,
  headRef: node.headRefName,
  headSha: node.headRefOid,
  fromFork: Boolean(node.isCrossRepository),
  defaultBranch: node.repository.defaultBranchRef?.name ?? node.baseRefName,
  commitCount: node.commits?.totalCount ?? 1,
  labels: labelsOf(node),
  appComments: listed(node.comments.nodes, `the comments of #${node.number}`)
    .filter((comment) => comment.viewerDidAuthor)
    .map((comment) => comment.body ?? ""),
  temporaryBranches: listed(node.repository.temporaryBranches?.nodes ?? [], "the temporary branches").map((ref) => {
    // A ref's full name is its prefix and its name, whatever part of it the prefix covers.
    const full: string = ref.name.startsWith("refs/") ? ref.name : `${ref.prefix}${ref.name}`;
    return { name: full.replace(/^refs\/heads\//, ""), committedAt: ref.target?.committedDate ?? null, message: ref.target?.message ?? "" };
  }),
});

const labelsOf = (node: Labels & { number: number }): string[] => listed(node.labels?.nodes, `the labels of #${node.number}`).map((label) => label.name);

const openOf = (node: OpenNode): OpenCandidate => {
  const head = listed(node.commits.nodes, `the head commit of #${node.number}`)[0]?.commit;
  const run =
    head?.oid === node.headRefOid
      ? listed(head.checkSuites?.nodes ?? [], "the check suites").flatMap((suite) => listed(present(suite.checkRuns, "a check suite's runs").nodes, "a check suite's runs"))[0]
      : undefined;
  return {
    repo: repoOf(node),
    number: node.number,
    headSha: node.headRefOid,
    labels: labelsOf(node),
    hasOwnRun: Boolean(run),
    conclusion: run?.conclusion ? String(run.conclusion).toLowerCase() : null,
  };
};

/** Runs both searches to the end (one request when each fits in a page of 50). */
export const fetchReconcileCandidates = async (
  graphql: GraphqlQuery,
  searches: { merged: string; open: string },
  appId: number | null,
): Promise<ReconcileCandidates> => {
  const result: ReconcileCandidates = { merged: [], open: [], requests: 0 };
  let merged = { more: true, after: null as string | null };
  let open = { more: true, after: null as string | null };
  while ((merged.more || open.more) && result.merged.length + result.open.length < 2 * SEARCH_CAP) {
    const data = await graphql<CandidatesAnswer>(RECONCILE_CANDIDATES_QUERY, {
      merged: searches.merged,
      open: searches.open,
      mergedFirst: merged.more ? PAGE : 0,
      openFirst: open.more ? PAGE : 0,
      mergedAfter: merged.after,
      openAfter: open.after,
      appId,
      checkName: CHECK_NAME,
    });
    result.requests += 1;
    const livePulls = <X extends { repository: RepositoryRef }>(nodes: Array<Result<X> | null> | null | undefined): X[] =>
      (nodes ?? []).flatMap((node) => (node?.__typename === "PullRequest" && !node.repository?.isArchived ? [node] : []));
    if (merged.more) result.merged.push(...livePulls(data.merged.nodes).flatMap((node) => (node.mergedAt ? [mergedOf({ ...node, mergedAt: node.mergedAt })] : [])));
    if (open.more) result.open.push(...livePulls(data.open.nodes).filter((node) => node.state === "OPEN").map(openOf));
    merged = merged.more ? { more: Boolean(data.merged.pageInfo.hasNextPage && data.merged.nodes?.length), after: data.merged.pageInfo.endCursor ?? null } : merged;
    open = open.more ? { more: Boolean(data.open.pageInfo.hasNextPage && data.open.nodes?.length), after: data.open.pageInfo.endCursor ?? null } : open;
  }
  return result;
};
