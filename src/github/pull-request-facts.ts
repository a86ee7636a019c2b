import type { CommandSource, OwnCheckRun, PullRequestFacts } from "../governance/facts.js";
import { actorOf, headCheckOf, ownCheckRunsOf } from "./graphql-nodes.js";
import { CHECK_NAME } from "../governance/check-output.js";
import { settleAll } from "../platform/settle-all.js";
import type { RepoRef } from "./repo-ref.js";

/** Where commands are written: enough to decide them and to know what the app already answered. */
const COMMENT_FIELDS = "id databaseId author { ...ActorFields } body createdAt lastEditedAt viewerDidAuthor reactionGroups { content viewerHasReacted }";
const REVIEW_FIELDS = `${COMMENT_FIELDS} state submittedAt commit { oid }`;
const THREAD_FIELDS = `comments(first: 100) { nodes { ${COMMENT_FIELDS} commit { oid } } }`;

/** A check run or status of a commit's rollup, as the required-checks rule reads it. */
const ROLLUP_FRAGMENT = `fragment RollupFields on StatusCheckRollupContext {
    __typename
    ... on CheckRun { name status conclusion startedAt completedAt checkSuite { app { databaseId } } }
    ... on StatusContext { context state createdAt }
  }`;

/**
 * Everything the rules read about a PR, in one GraphQL query (GitHub's REST API would need a
 * dozen). Lists beyond one page are fetched by the follow-up queries below, only for very large
 * PRs. Validated against GitHub's public schema in the tests.
 */
export const PULL_REQUEST_FACTS_QUERY = /* GraphQL */ `
  query PullRequestFacts($owner: String!, $repo: String!, $number: Int!, $appId: Int, $checkName: String!, $withFiles: Boolean = true) {
    repository(owner: $owner, name: $repo) {
      defaultBranchRef { name }
      pullRequest(number: $number) {
        id
        number
        title
        body
        url
        state
        isDraft
        createdAt
        mergedAt
        mergeCommit { oid }
        mergedBy { ...ActorFields }
        author { ...ActorFields }
        baseRefName
        headRefName
        headRefOid
        isCrossRepository
        additions
        deletions
        changedFiles
        labels(first: 100) { nodes { name } }
        files(first: 100) @include(if: $withFiles) {
          pageInfo { hasNextPage endCursor }
          nodes { path additions deletions changeType }
        }
        commits(first: 100) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { ...CommitFields }
        }
        comments(last: 100) {
          pageInfo { hasPreviousPage startCursor }
          nodes { ${COMMENT_FIELDS} }
        }
        reviews(last: 100) {
          pageInfo { hasPreviousPage startCursor }
          nodes { ${REVIEW_FIELDS} }
        }
        reviewThreads(last: 100) {
          pageInfo { hasPreviousPage startCursor }
          nodes {
            ${THREAD_FIELDS}
          }
        }
        headCommit: commits(last: 1) {
          nodes {
            commit {
              oid
              statusCheckRollup {
                contexts(first: 100) {
                  pageInfo { hasNextPage endCursor }
                  nodes { ...RollupFields }
                }
              }
              checkSuites(first: 10, filterBy: { appId: $appId, checkName: $checkName }) {
                nodes {
                  app { databaseId }
                  checkRuns(first: 100, filterBy: { checkName: $checkName, checkType: ALL }) {
                    nodes { databaseId status conclusion startedAt title summary text }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  fragment ActorFields on Actor { __typename login }

  ${ROLLUP_FRAGMENT}

  fragment CommitFields on PullRequestCommit {
    commit {
      oid
      authors(first: 10) { nodes { user { login } } }
      committer { user { login } }
    }
  }
`;

export const PULL_REQUEST_FILES_QUERY = /* GraphQL */ `
  query PullRequestFiles($owner: String!, $repo: String!, $number: Int!, $after: String) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        files(first: 100, after: $after) {
          pageInfo { hasNextPage endCursor }
          nodes { path additions deletions changeType }
        }
      }
    }
  }
`;

const pageQuery = (name: string, connection: string, fragments: string) => /* GraphQL */ `
  query ${name}($owner: String!, $repo: String!, $number: Int!, $cursor: String) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        ${connection}
      }
    }
  }
  ${fragments}
`;
const ACTOR_FRAGMENT = "fragment ActorFields on Actor { __typename login }";

/** Earlier pages of the lists the facts query reads newest-first (`last: 100`): only for very large PRs. */
export const PULL_REQUEST_COMMENTS_QUERY = pageQuery(
  "PullRequestComments",
  `comments(last: 100, before: $cursor) { pageInfo { hasPreviousPage startCursor } nodes { ${COMMENT_FIELDS} } }`,
  ACTOR_FRAGMENT,
);
export const PULL_REQUEST_REVIEWS_QUERY = pageQuery(
  "PullRequestReviews",
  `reviews(last: 100, before: $cursor) { pageInfo { hasPreviousPage startCursor } nodes { ${REVIEW_FIELDS} } }`,
  ACTOR_FRAGMENT,
);
export const PULL_REQUEST_THREADS_QUERY = pageQuery(
  "PullRequestReviewThreads",
  `reviewThreads(last: 100, before: $cursor) { pageInfo { hasPreviousPage startCursor } nodes { ${THREAD_FIELDS} } }`,
  ACTOR_FRAGMENT,
);
/** Later pages of the commits (every committer matters: committers cannot approve). */
export const PULL_REQUEST_COMMITS_QUERY = pageQuery(
  "PullRequestCommits",
  "commits(first: 100, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { ...CommitFields } }",
  `fragment CommitFields on PullRequestCommit {
    commit {
      oid
      authors(first: 10) { nodes { user { login } } }
      committer { user { login } }
    }
  }`,
);

/**
 * Later pages of the head commit's checks and statuses: a commit can carry hundreds (one per CI
 * job), and a required check on page 3 counts like one on page 1.
 */
export const PULL_REQUEST_ROLLUP_QUERY = pageQuery(
  "PullRequestHeadRollup",
  "headCommit: commits(last: 1) { nodes { commit { oid statusCheckRollup { contexts(first: 100, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { ...RollupFields } } } } } }",
  ROLLUP_FRAGMENT,
);

/** At most this many extra pages per list: enough for any PR a person can read. */
const MAX_PAGES = 30;

type Connection = { nodes: any[]; pageInfo: { hasPreviousPage?: boolean; startCursor?: string | null; hasNextPage?: boolean; endCursor?: string | null } };

/**
 * The whole list behind `first`, oldest first. Newest-first lists (comments, reviews, threads)
 * are completed backwards: what a cap would drop is the oldest part, so a `/revoke-emergency`
 * is never lost while the approval before it is kept.
 */
const completeList = async (
  graphql: Gql,
  query: string,
  variables: Record<string, unknown>,
  field: string,
  first: Connection,
  direction: "backward" | "forward",
): Promise<any[]> => {
  const nodes = [...first.nodes];
  let info = first.pageInfo;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const more = direction === "backward" ? info.hasPreviousPage : info.hasNextPage;
    if (!more) break;
    const cursor = direction === "backward" ? info.startCursor : info.endCursor;
    const next = await graphql<any>(query, { ...variables, cursor });
    const connection: Connection = next.repository.pullRequest[field];
    if (direction === "backward") nodes.unshift(...connection.nodes);
    else nodes.push(...connection.nodes);
    info = connection.pageInfo;
  }
  return nodes;
};

/** GitHub lists at most this many files of a pull request, in REST and GraphQL alike. */
export const GITHUB_FILE_LIST_CAP = 3000;

type Gql = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;



const source = (kind: CommandSource["kind"], node: any): CommandSource => ({
  kind,
  id: node.databaseId,
  author: actorOf(node.author),
  body: node.body ?? "",
  createdAt: kind === "review" ? (node.submittedAt ?? node.createdAt) : node.createdAt,
  lastEditedAt: node.lastEditedAt ?? null,
  commitSha: node.commit?.oid ?? null,
  ...(kind === "review" ? { state: node.state } : {}),
  nodeId: node.id,
  viewerDidAuthor: Boolean(node.viewerDidAuthor),
  viewerReactions: (node.reactionGroups ?? []).filter((group: any) => group.viewerHasReacted).map((group: any) => group.content),
});

/** Every check and status of the head commit, page after page (the head must not move meanwhile). */
const completeRollup = async (graphql: Gql, variables: Record<string, unknown>, head: any): Promise<any[]> => {
  const contexts = head.statusCheckRollup?.contexts;
  if (!contexts) return [];
  const nodes = [...contexts.nodes];
  let info = contexts.pageInfo;
  while (info?.hasNextPage) {
    const next = await graphql<any>(PULL_REQUEST_ROLLUP_QUERY, { ...variables, cursor: info.endCursor });
    const commit = next.repository.pullRequest.headCommit.nodes[0]?.commit;
    // A push in between: the rest belongs to another commit, and that push brings its own evaluation.
    if (commit?.oid !== head.oid) throw new Error(`the head commit moved from ${head.oid} while its checks were being read`);
    nodes.push(...commit.statusCheckRollup.contexts.nodes);
    info = commit.statusCheckRollup.contexts.pageInfo;
  }
  return nodes.filter(Boolean);
};

/** Fetches the facts of PR `number`: one query, plus file pages only beyond 100 changed files. */
export const fetchPullRequestFacts = async (
  graphql: Gql,
  repo: RepoRef,
  number: number,
  appId: number | null,
  /** `files: false` when no rule reads paths (no forbidden paths, no path rules): the list is not read. */
  options: { files?: boolean } = {},
): Promise<PullRequestFacts | null> => {
  const withFiles = options.files ?? true;
  const data = await graphql<any>(PULL_REQUEST_FACTS_QUERY, {
    owner: repo.owner,
    repo: repo.repo,
    number,
    appId,
    checkName: CHECK_NAME,
    withFiles,
  });
  const pr = data?.repository?.pullRequest;
  if (!pr) return null;

  const files = withFiles ? [...pr.files.nodes] : [];
  let page = withFiles ? pr.files.pageInfo : { hasNextPage: false, endCursor: null };
  while (page.hasNextPage && files.length < GITHUB_FILE_LIST_CAP) {
    const next = await graphql<any>(PULL_REQUEST_FILES_QUERY, { owner: repo.owner, repo: repo.repo, number, after: page.endCursor });
    const connection = next.repository.pullRequest.files;
    files.push(...connection.nodes);
    page = connection.pageInfo;
  }

  const variables = { owner: repo.owner, repo: repo.repo, number };
  const [commitNodes, commentNodes, reviewNodes, threadNodes] = await settleAll([
    completeList(graphql, PULL_REQUEST_COMMITS_QUERY, variables, "commits", pr.commits, "forward"),
    completeList(graphql, PULL_REQUEST_COMMENTS_QUERY, variables, "comments", pr.comments, "backward"),
    completeList(graphql, PULL_REQUEST_REVIEWS_QUERY, variables, "reviews", pr.reviews, "backward"),
    completeList(graphql, PULL_REQUEST_THREADS_QUERY, variables, "reviewThreads", pr.reviewThreads, "backward"),
  ]);

  const head = pr.headCommit.nodes[0]?.commit;
  const ownCheckRuns: OwnCheckRun[] = ownCheckRunsOf(head, appId);
  const rollupNodes = head ? await completeRollup(graphql, variables, head) : [];
  const headChecks = rollupNodes
    .filter((node: any) => !(node.__typename === "CheckRun" && node.name === CHECK_NAME && (appId == null || node.checkSuite?.app?.databaseId === appId)))
    .map(headCheckOf);

  return {
    owner: repo.owner,
    repo: repo.repo,
    defaultBranch: data.repository.defaultBranchRef?.name ?? "main",
    number: pr.number,
    nodeId: pr.id,
    title: pr.title,
    body: pr.body ?? "",
    url: pr.url,
    state: pr.state,
    isDraft: pr.isDraft,
    createdAt: pr.createdAt,
    mergedAt: pr.mergedAt ?? null,
    mergeCommitSha: pr.mergeCommit?.oid ?? null,
    mergedBy: actorOf(pr.mergedBy),
    author: actorOf(pr.author),
    baseRef: pr.baseRefName,
    headRef: pr.headRefName,
    headSha: pr.headRefOid,
    isCrossRepository: pr.isCrossRepository,
    labels: pr.labels.nodes.map((label: any) => label.name),
    additions: pr.additions,
    deletions: pr.deletions,
    changedFiles: pr.changedFiles,
    files,
    // Not read is not incomplete: no rule looks at the paths then.
    filesComplete: !withFiles || files.length >= pr.changedFiles,
    commits: commitNodes.map((node: any) => ({
      sha: node.commit.oid,
      authorLogins: node.commit.authors.nodes.map((author: any) => author.user?.login).filter(Boolean),
      committerLogin: node.commit.committer?.user?.login ?? null,
    })),
    totalCommits: pr.commits.totalCount,
    comments: commentNodes.map((node: any) => source("comment", node)),
    reviews: reviewNodes.map((node: any) => source("review", node)),
    reviewComments: threadNodes.flatMap((thread: any) => thread.comments.nodes.map((node: any) => source("review_comment", node))),
    headChecks,
    ownCheckRuns,
  };
};
