import type { GraphqlQuery } from "../platform/instrument-octokit.js";
import type {
  BaseRefChangedEvent,
  Commit,
  CommentDeletedEvent,
  HeadRefForcePushedEvent,
  IssueComment,
  Label,
  PullRequest,
  PullRequestChangedFile,
  PullRequestReview,
  PullRequestReviewComment,
  PullRequestTimelineItems,
  ReactionGroup,
  Ref,
  Repository,
  ReviewDismissedEvent,
  User,
} from "@octokit/graphql-schema";
import type { ProbotOctokit } from "probot";
import type { ChangedFile, CommandSource, OwnCheckRun, PullRequestFacts, PullRequestTimeline, PushHistory, PushRecord } from "../governance/facts.js";
import {
  actorOf,
  headCheckOf,
  listed,
  mergedPullRequestOf,
  ownCheckRunsOf,
  present,
  type ActorSelection,
  type MergedPullRequestSelection,
  type NextPage,
  type Nodes,
  type OwnRunsSelection,
  type PreviousPage,
  type RollupSelection,
  type Selected,
  type Sub,
} from "./graphql-nodes.js";
import { CHECK_NAME } from "../governance/check-output.js";
import { settleAll } from "../platform/settle-all.js";
import type { RepoRef } from "./repo-ref.js";
import { ACTOR_FRAGMENT, MERGED_PULL_REQUEST_FRAGMENT, OWN_CHECK_RUNS_FRAGMENT, ROLLUP_FRAGMENT } from "./graphql-fragments.js";

/** Where commands are written: enough to decide them and to know what the app already answered. */
const COMMENT_FIELDS = "id databaseId author { ...ActorFields } body createdAt lastEditedAt viewerDidAuthor reactionGroups { content viewerHasReacted }";
const REVIEW_FIELDS = `${COMMENT_FIELDS} state submittedAt commit { oid }`;
// A review comment binds to `originalCommit`, the commit shown when it was written: GitHub moves
// `commit` along to newer pushes that leave the line unchanged.
const THREAD_FIELDS = `comments(first: 100) { nodes { ${COMMENT_FIELDS} commit { oid } originalCommit { oid } pullRequestReview { databaseId state } } }`;
/** Co-authors are makers too: every one of them (a commit lists at most a few dozen in practice). */
const COMMIT_FIELDS = "commit { oid authors(first: 100) { nodes { user { login } } } committer { user { login } } }";
/**
 * The PR's own records of what changed under the approvals: base changes, deleted comments,
 * dismissals and force-pushes (newest 100 of them).
 */
const TIMELINE_FIELDS = `timelineItems(last: 100, itemTypes: [BASE_REF_CHANGED_EVENT, COMMENT_DELETED_EVENT, REVIEW_DISMISSED_EVENT, HEAD_REF_FORCE_PUSHED_EVENT]) {
          pageInfo { hasPreviousPage }
          nodes {
            __typename
            ... on BaseRefChangedEvent { createdAt actor { login } previousRefName currentRefName }
            ... on CommentDeletedEvent { createdAt actor { login } deletedCommentAuthor { login } }
            ... on ReviewDismissedEvent { createdAt actor { login } review { databaseId author { login } } }
            ... on HeadRefForcePushedEvent { createdAt actor { login } beforeCommit { oid } afterCommit { oid } }
          }
        }`;

/** A check run or status of a commit's rollup, as the required-checks rule reads it. */

/**
 * Everything the rules read about a PR, in one GraphQL query (GitHub's REST API would need a
 * dozen). Lists beyond one page are fetched by the follow-up queries below, only for very large
 * PRs. Validated against GitHub's public schema in the tests.
 */
export const PULL_REQUEST_FACTS_QUERY = /* GraphQL */ `
  query PullRequestFacts($owner: String!, $repo: String!, $number: Int!, $appId: Int, $checkName: String!, $withFiles: Boolean = true) {
    repository(owner: $owner, name: $repo) {
      defaultBranchRef { name }
      mergeCommitAllowed squashMergeAllowed rebaseMergeAllowed
      pullRequest(number: $number) {
        id
        ...MergedPullRequestFields
        state
        isDraft
        baseRefName
        headRefName
        isCrossRepository
        headRepository { nameWithOwner }
        ${TIMELINE_FIELDS}
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
              ...OwnCheckRuns
            }
          }
        }
      }
    }
  }

  ${ACTOR_FRAGMENT}
  ${MERGED_PULL_REQUEST_FRAGMENT}
  ${OWN_CHECK_RUNS_FRAGMENT}
  ${ROLLUP_FRAGMENT}

  fragment CommitFields on PullRequestCommit { ${COMMIT_FIELDS} }
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
  `fragment CommitFields on PullRequestCommit { ${COMMIT_FIELDS} }`,
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

/** The answers, as selections of GitHub's schema types (see graphql-nodes.ts). */
type CommentFields = "id" | "databaseId" | "body" | "createdAt" | "lastEditedAt" | "viewerDidAuthor";
type CommentParts = { author: ActorSelection; reactionGroups: Array<Selected<ReactionGroup, "content" | "viewerHasReacted">> };
type CommentNode = Selected<IssueComment, CommentFields> & Sub<IssueComment, CommentParts>;
type ReviewNode = Selected<PullRequestReview, CommentFields | "state" | "submittedAt"> & Sub<PullRequestReview, CommentParts & { commit: Selected<Commit, "oid"> }>;
type ReviewCommentNode = Selected<PullRequestReviewComment, CommentFields> &
  Sub<PullRequestReviewComment, CommentParts & { commit: Selected<Commit, "oid">; originalCommit: Selected<Commit, "oid">; pullRequestReview: Selected<PullRequestReview, "databaseId" | "state"> }>;
type ThreadNode = { comments: Nodes<ReviewCommentNode> };
type Login = Selected<User, "login">;
/** `CommitFields` */
type CommitNode = { commit: Selected<Commit, "oid"> & Sub<Commit, { authors: Nodes<{ user?: Login | null }>; committer: { user?: Login | null } }> };
type FileNode = Selected<PullRequestChangedFile, "path" | "additions" | "deletions" | "changeType">;
type WithActor = { actor?: Selected<User, "login"> | null };
/** `TIMELINE_FIELDS`: the four event types asked for (any other member would answer only its `__typename`). */
type TimelineNode =
  | (Selected<BaseRefChangedEvent, "createdAt" | "previousRefName" | "currentRefName"> & WithActor & { __typename: "BaseRefChangedEvent" })
  | (Selected<CommentDeletedEvent, "createdAt"> & WithActor & Sub<CommentDeletedEvent, { deletedCommentAuthor: Login }> & { __typename: "CommentDeletedEvent" })
  | (Selected<ReviewDismissedEvent, "createdAt"> & WithActor & Sub<ReviewDismissedEvent, { review: Selected<PullRequestReview, "databaseId"> & Sub<PullRequestReview, { author: Login }> }> & { __typename: "ReviewDismissedEvent" })
  | (Selected<HeadRefForcePushedEvent, "createdAt"> & WithActor & Sub<HeadRefForcePushedEvent, { beforeCommit: Selected<Commit, "oid">; afterCommit: Selected<Commit, "oid"> }> & { __typename: "HeadRefForcePushedEvent" })
  | { __typename: Exclude<NonNullable<PullRequestTimelineItems["__typename"]>, "BaseRefChangedEvent" | "CommentDeletedEvent" | "ReviewDismissedEvent" | "HeadRefForcePushedEvent"> };
type Timeline = Nodes<TimelineNode> & { pageInfo: Selected<PreviousPage, "hasPreviousPage"> };
/** A `RollupFields` context, as the facts query's fragment selects it (with the run's app). */
type RollupNode = RollupSelection;
type RollupContexts = Nodes<RollupNode> & { pageInfo: NextPage };
type HeadCommit = Selected<Commit, "oid"> & Sub<Commit, { statusCheckRollup: { contexts: RollupContexts } }> & NonNullable<OwnRunsSelection>;
type Backward<X> = Nodes<X> & { pageInfo: PreviousPage };
type Forward<X> = Nodes<X> & { pageInfo: NextPage };

type FactsAnswer = {
  repository?:
    | (Selected<Repository, "mergeCommitAllowed" | "squashMergeAllowed" | "rebaseMergeAllowed"> &
        Sub<Repository, { defaultBranchRef: Selected<Ref, "name"> }> & {
          pullRequest?:
            | (MergedPullRequestSelection &
                Selected<PullRequest, "id" | "state" | "isDraft" | "baseRefName" | "headRefName" | "isCrossRepository" | "additions" | "deletions" | "changedFiles"> &
                Sub<PullRequest, {
                  headRepository: Selected<Repository, "nameWithOwner">;
                  timelineItems: Timeline;
                  labels: Nodes<Selected<Label, "name">>;
                  commits: Forward<CommitNode> & Selected<PullRequest["commits"], "totalCount">;
                  comments: Backward<CommentNode>;
                  reviews: Backward<ReviewNode>;
                  reviewThreads: Backward<ThreadNode>;
                }> & {
                  /** `@include(if: $withFiles)`: absent when not asked. */
                  files?: Sub<PullRequest, { files: Forward<FileNode> }>["files"];
                  headCommit: Sub<PullRequest, { commits: Nodes<{ commit: HeadCommit }> }>["commits"];
                })
            | null;
        })
    | null;
};
/** An answer of `pageQuery`: one connection of the PR. */
type PageAnswer<F extends string, X> = { repository?: { pullRequest?: { [K in F]: Listing<X> } | null } | null };
type FilesAnswer = { repository?: { pullRequest?: { files?: Forward<FileNode> | null } | null } | null };
type RollupAnswer = { repository?: { pullRequest?: { headCommit: Nodes<{ commit: Selected<Commit, "oid"> & Sub<Commit, { statusCheckRollup: { contexts: RollupContexts } }> }> } | null } | null };

/** At most this many extra pages per list: enough for any PR a person can read. */
const MAX_PAGES = 30;

type Listing<X> = Nodes<X> & { pageInfo: Partial<Selected<NextPage & PreviousPage, "hasNextPage" | "endCursor" | "hasPreviousPage" | "startCursor">> };

/**
 * The whole list behind `first`, oldest first. Newest-first lists (comments, reviews, threads)
 * are completed backwards: what a cap would drop is the oldest part, so a `/revoke-emergency`
 * is never lost while the approval before it is kept.
 */
const completeList = async <F extends string, X>(
  graphql: GraphqlQuery,
  query: string,
  variables: Record<string, unknown>,
  field: F,
  first: Listing<X>,
  direction: "backward" | "forward",
): Promise<X[]> => {
  const nodes = [...listed(first.nodes, `the PR's ${field}`)];
  let info = first.pageInfo;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const more = direction === "backward" ? info.hasPreviousPage : info.hasNextPage;
    if (!more) break;
    const cursor = direction === "backward" ? info.startCursor : info.endCursor;
    const next = await graphql<PageAnswer<F, X>>(query, { ...variables, cursor });
    const connection = present(next.repository?.pullRequest, "the pull request")[field];
    if (direction === "backward") nodes.unshift(...listed(connection.nodes, `the PR's ${field}`));
    else nodes.push(...listed(connection.nodes, `the PR's ${field}`));
    info = connection.pageInfo;
  }
  return nodes;
};

/** GitHub lists at most this many files of a pull request, in REST and GraphQL alike. */
export const GITHUB_FILE_LIST_CAP = 3000;

/** What a comment, a review and a review comment have in common, as the command sources read them. */
const common = (kind: CommandSource["kind"], node: CommentNode | ReviewNode | ReviewCommentNode, createdAt: string, commitSha: string | null): CommandSource => ({
  kind,
  id: present(node.databaseId, `the databaseId of ${kind} ${node.id}`),
  author: actorOf(node.author),
  body: node.body ?? "",
  createdAt,
  lastEditedAt: node.lastEditedAt ?? null,
  commitSha,
  nodeId: node.id,
  viewerDidAuthor: Boolean(node.viewerDidAuthor),
  viewerReactions: (node.reactionGroups ?? []).filter((group) => group.viewerHasReacted).map((group) => group.content),
});

const commentSource = (node: CommentNode): CommandSource => common("comment", node, node.createdAt, null);
const reviewSource = (node: ReviewNode): CommandSource => ({ ...common("review", node, node.submittedAt ?? node.createdAt, node.commit?.oid ?? null), state: node.state });
const reviewCommentSource = (node: ReviewCommentNode): CommandSource => ({
  ...common("review_comment", node, node.createdAt, node.originalCommit?.oid ?? node.commit?.oid ?? null),
  reviewState: node.pullRequestReview?.state ?? null,
  reviewId: node.pullRequestReview?.databaseId ?? null,
});

/** Every check and status of the head commit, page after page (the head must not move meanwhile). */
const completeRollup = async (graphql: GraphqlQuery, variables: Record<string, unknown>, head: HeadCommit): Promise<RollupNode[]> => {
  const contexts = head.statusCheckRollup?.contexts;
  if (!contexts) return [];
  const nodes = [...present(contexts.nodes, "the head commit's checks")];
  let info = contexts.pageInfo;
  while (info?.hasNextPage) {
    const next = await graphql<RollupAnswer>(PULL_REQUEST_ROLLUP_QUERY, { ...variables, cursor: info.endCursor });
    const commit = present(present(next.repository?.pullRequest, "the pull request").headCommit.nodes, "the PR's head commit")[0]?.commit;
    // A push in between: the rest belongs to another commit, and that push brings its own evaluation.
    if (commit?.oid !== head.oid) throw new Error(`the head commit moved from ${head.oid} while its checks were being read`);
    const more = present(commit.statusCheckRollup, "the head commit's checks").contexts;
    nodes.push(...present(more.nodes, "the head commit's checks"));
    info = more.pageInfo;
  }
  return nodes.filter((node): node is RollupNode => Boolean(node));
};

/** Fetches the facts of PR `number`: one query, plus file pages only beyond 100 changed files. */
export const fetchPullRequestFacts = async (
  graphql: GraphqlQuery,
  repo: RepoRef,
  number: number,
  appId: number | null,
  /** `files: false` when no rule reads paths (no forbidden paths, no path rules): the list is not read. */
  options: { files?: boolean } = {},
): Promise<PullRequestFacts | null> => {
  const withFiles = options.files ?? true;
  const data = await graphql<FactsAnswer>(PULL_REQUEST_FACTS_QUERY, {
    owner: repo.owner,
    repo: repo.repo,
    number,
    appId,
    checkName: CHECK_NAME,
    withFiles,
  });
  const repository = data?.repository;
  const pr = repository?.pullRequest;
  if (!repository || !pr) return null;

  const firstFiles = withFiles ? present(pr.files, "the PR's files") : null;
  const files = firstFiles ? [...listed(firstFiles.nodes, "the PR's files")] : [];
  let page: NextPage = firstFiles ? firstFiles.pageInfo : { hasNextPage: false, endCursor: null };
  while (page.hasNextPage && files.length < GITHUB_FILE_LIST_CAP) {
    const next = await graphql<FilesAnswer>(PULL_REQUEST_FILES_QUERY, { owner: repo.owner, repo: repo.repo, number, after: page.endCursor });
    const connection = present(present(next.repository?.pullRequest, "the pull request").files, "the PR's files");
    files.push(...listed(connection.nodes, "the PR's files"));
    page = connection.pageInfo;
  }

  const variables = { owner: repo.owner, repo: repo.repo, number };
  const [commitNodes, commentNodes, reviewNodes, threadNodes] = await settleAll([
    completeList(graphql, PULL_REQUEST_COMMITS_QUERY, variables, "commits", pr.commits, "forward"),
    completeList(graphql, PULL_REQUEST_COMMENTS_QUERY, variables, "comments", pr.comments, "backward"),
    completeList(graphql, PULL_REQUEST_REVIEWS_QUERY, variables, "reviews", present(pr.reviews, "the PR's reviews"), "backward"),
    completeList(graphql, PULL_REQUEST_THREADS_QUERY, variables, "reviewThreads", pr.reviewThreads, "backward"),
  ]);

  const head = present(pr.headCommit.nodes, "the PR's head commit")[0]?.commit;
  const ownCheckRuns: OwnCheckRun[] = ownCheckRunsOf(head, appId);
  const rollupNodes = head ? await completeRollup(graphql, variables, head) : [];
  const headChecks = rollupNodes
    .filter((node) => !(node.__typename === "CheckRun" && node.name === CHECK_NAME && (appId == null || node.checkSuite?.app?.databaseId === appId)))
    .map(headCheckOf);

  return {
    owner: repo.owner,
    repo: repo.repo,
    defaultBranch: repository.defaultBranchRef?.name ?? "main",
    mergeMethods: [
      ...(repository.mergeCommitAllowed ? ["merge" as const] : []),
      ...(repository.squashMergeAllowed ? ["squash" as const] : []),
      ...(repository.rebaseMergeAllowed ? ["rebase" as const] : []),
    ],
    ...mergedPullRequestOf(pr),
    nodeId: pr.id,
    state: pr.state,
    isDraft: pr.isDraft,
    baseRef: pr.baseRefName,
    headRef: pr.headRefName,
    headSha: pr.headRefOid,
    isCrossRepository: pr.isCrossRepository,
    headRepository: pr.headRepository?.nameWithOwner ?? null,
    labels: listed(pr.labels?.nodes, "the PR's labels").map((label) => label.name),
    additions: pr.additions,
    deletions: pr.deletions,
    changedFiles: pr.changedFiles,
    files,
    // Not read is not incomplete: no rule looks at the paths then.
    filesComplete: !withFiles || files.length >= pr.changedFiles,
    commits: commitNodes.map((node) => ({
      sha: node.commit.oid,
      authorLogins: listed(node.commit.authors.nodes, `the authors of ${node.commit.oid}`)
        .map((author) => author.user?.login)
        .filter((login): login is string => Boolean(login)),
      committerLogin: node.commit.committer?.user?.login ?? null,
    })),
    totalCommits: pr.commits.totalCount,
    comments: commentNodes.map(commentSource),
    reviews: reviewNodes.map(reviewSource),
    reviewComments: threadNodes.flatMap((thread) => listed(thread.comments.nodes, "a review thread's comments").map(reviewCommentSource)),
    headChecks,
    ownCheckRuns,
    pushes: timelinePushes(pr.timelineItems, pr.headRepository?.nameWithOwner ?? null),
    timeline: timelineOf(pr.timelineItems),
  };
};

const login = (actor: Login | null | undefined): string | null => actor?.login ?? null;

type EventOf<N extends string> = Extract<TimelineNode, { __typename: N }>;
const eventsOf = <N extends TimelineNode["__typename"]>(items: Timeline, type: N): Array<EventOf<N>> =>
  listed(items.nodes, "the PR's timeline").filter((node): node is EventOf<N> => node.__typename === type);

/** Until the activity API is read (`github/activity.ts`), the timeline's force-pushes are the pushes known. */
const timelinePushes = (items: Timeline, repository: string | null): PushHistory => ({
  state: "not_read",
  repository,
  complete: !items.pageInfo.hasPreviousPage,
  records: eventsOf(items, "HeadRefForcePushedEvent")
    .map(
      (node): PushRecord => ({
        after: node.afterCommit?.oid ?? "",
        before: node.beforeCommit?.oid ?? null,
        actor: login(node.actor),
        at: node.createdAt,
        type: "force_push",
        source: "timeline",
      }),
    ),
});

const timelineOf = (items: Timeline): PullRequestTimeline => {
  const nodes = listed(items.nodes, "the PR's timeline");
  const since = nodes[0] && "createdAt" in nodes[0] ? nodes[0].createdAt : null;
  return {
    baseChanges: eventsOf(items, "BaseRefChangedEvent").map((node) => ({ at: node.createdAt, actor: login(node.actor), from: node.previousRefName, to: node.currentRefName })),
    deletions: eventsOf(items, "CommentDeletedEvent").map((node) => ({ at: node.createdAt, actor: login(node.actor), author: login(node.deletedCommentAuthor) })),
    dismissals: eventsOf(items, "ReviewDismissedEvent").map((node) => ({
      at: node.createdAt,
      actor: login(node.actor),
      reviewId: node.review?.databaseId ?? null,
      reviewer: login(node.review?.author),
    })),
    complete: !items.pageInfo.hasPreviousPage,
    since: items.pageInfo.hasPreviousPage && nodes.length > 0 ? since : null,
  };
};

/** GitHub lists a PR's files 100 a page, in the same order in REST and GraphQL. */
const FILES_PER_PAGE = 100;

/**
 * The old paths of renamed files: GraphQL's `PullRequestChangedFile` has none, REST's
 * `GET /pulls/{n}/files` has `previous_filename`. Only the pages holding a RENAMED file are read
 * (usually none or one). A renamed file whose old path GitHub did not give keeps
 * `previousPath: undefined` ("unknown"), which the path rules treat as a match (fail closed).
 */
export const readPreviousPaths = async (octokit: InstanceType<typeof ProbotOctokit>, facts: Pick<PullRequestFacts, "owner" | "repo" | "number" | "files">): Promise<ChangedFile[]> => {
  const pages = [...new Set(facts.files.flatMap((file, index) => (file.changeType === "RENAMED" ? [Math.floor(index / FILES_PER_PAGE) + 1] : [])))];
  if (pages.length === 0) return facts.files.map((file) => ({ ...file, previousPath: file.previousPath ?? null }));
  const previous = new Map<string, string | null>();
  for (const page of pages) {
    const response = await octokit.rest.pulls.listFiles({ owner: facts.owner, repo: facts.repo, pull_number: facts.number, per_page: FILES_PER_PAGE, page });
    for (const file of response.data) previous.set(file.filename, file.previous_filename ?? null);
  }
  return facts.files.map((file) => ({
    ...file,
    previousPath: file.changeType === "RENAMED" ? (previous.get(file.path) ?? undefined) : null,
  }));
};
