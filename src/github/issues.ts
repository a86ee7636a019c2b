import type {
  Commit,
  CrossReferencedEvent,
  Issue,
  IssueComment,
  Label,
  LabeledEvent,
  PullRequest,
  PullRequestReview,
  PullRequestReviewComment,
  PullRequestTimelineItems,
  ReactionGroup,
  ReferencedSubject,
  Repository,
  RepositoryOwner,
  SearchResultItem,
  SearchResultItemConnection,
  UnlabeledEvent,
  User,
} from "@octokit/graphql-schema";
import { readApprovalsRecord } from "../governance/approvals/evaluate-approvals.js";
import type { ProbotOctokit } from "probot";
import { ACTOR_FRAGMENT, MERGED_PULL_REQUEST_FRAGMENT, OWN_CHECK_RUNS_FRAGMENT, ROLLUP_FRAGMENT } from "./graphql-fragments.js";
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
  type RollupSelection,
  type Selected,
  type Sub,
} from "./graphql-nodes.js";
import { CHECK_NAME } from "../governance/check-output.js";
import type { HistoryComment, LabelEvent, PullRequestHistory, ReferencingIssue, ReferencingPullRequest } from "../postmortem/history.js";
import { fitBody, fitTitle } from "./limits.js";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;
type Gql = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;

/**
 * The issues gateway: postmortem issues, the app's marked comments, assignees, the PR history the
 * postmortem is filled from (one GraphQL query) and the search for overdue postmortems.
 * Every query here is validated against GitHub's published schema by the tests.
 */

const TIMELINE_ITEM_FRAGMENTS = /* GraphQL */ `
  ${ACTOR_FRAGMENT}

  fragment HistoryComment on Comment {
    author { ...ActorFields }
    body
    createdAt
    lastEditedAt
    viewerDidAuthor
    ... on Reactable { reactionGroups { content viewerHasReacted } }
  }

  fragment HistoryItem on PullRequestTimelineItems {
    __typename
    ... on LabeledEvent { createdAt actor { login } label { name } }
    ... on UnlabeledEvent { createdAt actor { login } label { name } }
    ... on IssueComment { databaseId url ...HistoryComment }
    ... on PullRequestReview {
      databaseId
      url
      commit { oid }
      state
      submittedAt
      ...HistoryComment
      comments(first: 50) { nodes { databaseId url ...HistoryComment } }
    }
    ... on CrossReferencedEvent {
      isCrossRepository
      source {
        __typename
        ... on Issue { number url title body state viewerDidAuthor }
        ... on PullRequest { number url body headRefName createdAt mergedAt viewerDidAuthor }
      }
    }
  }
`;

/** The timeline item types the postmortem reads (GitHub filters server-side: fewer pages). */
const ITEM_TYPES = "[LABELED_EVENT, UNLABELED_EVENT, ISSUE_COMMENT, PULL_REQUEST_REVIEW, CROSS_REFERENCED_EVENT]";

export const PULL_REQUEST_HISTORY_QUERY = /* GraphQL */ `
  query PullRequestHistory($owner: String!, $repo: String!, $number: Int!, $appId: Int, $checkName: String!) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        ...MergedPullRequestFields
        labels(first: 100) { nodes { name } }
        headCommit: commits(last: 1) {
          nodes {
            commit {
              oid
              statusCheckRollup { contexts(first: 100) { nodes { ...RollupFields } } }
              ...OwnCheckRuns
            }
          }
        }
        timelineItems(first: 100, itemTypes: ${ITEM_TYPES}) {
          pageInfo { hasNextPage endCursor }
          nodes { ...HistoryItem }
        }
      }
    }
  }
  ${TIMELINE_ITEM_FRAGMENTS}
  ${MERGED_PULL_REQUEST_FRAGMENT}
  ${OWN_CHECK_RUNS_FRAGMENT}
  ${ROLLUP_FRAGMENT}
`;

export const PULL_REQUEST_HISTORY_PAGE_QUERY = /* GraphQL */ `
  query PullRequestHistoryPage($owner: String!, $repo: String!, $number: Int!, $after: String!) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        timelineItems(first: 100, after: $after, itemTypes: ${ITEM_TYPES}) {
          pageInfo { hasNextPage endCursor }
          nodes { ...HistoryItem }
        }
      }
    }
  }
  ${TIMELINE_ITEM_FRAGMENTS}
`;

/** A hotfix PR's timeline is short; this bounds the pages read for a pathological one. */
const MAX_TIMELINE_PAGES = 20;



/** The answers, as selections of GitHub's schema types (see graphql-nodes.ts). */
type HistoryCommentFields = "body" | "createdAt" | "lastEditedAt" | "viewerDidAuthor" | "databaseId" | "url";
type HistoryCommentParts = { author: ActorSelection; reactionGroups: Array<Selected<ReactionGroup, "content" | "viewerHasReacted">> };
type IssueCommentNode = Selected<IssueComment, HistoryCommentFields> & Sub<IssueComment, HistoryCommentParts>;
type ReviewCommentNode = Selected<PullRequestReviewComment, HistoryCommentFields> & Sub<PullRequestReviewComment, HistoryCommentParts>;
type ReviewNode = Selected<PullRequestReview, HistoryCommentFields | "state" | "submittedAt"> &
  Sub<PullRequestReview, HistoryCommentParts & { commit: Selected<Commit, "oid">; comments: Nodes<ReviewCommentNode> }>;
type WithActor = { actor?: Selected<User, "login"> | null };
type LabelParts = { label: Selected<Label, "name"> };
/** `CrossReferencedEvent.source`: an issue, a PR (another subject would answer its `__typename` alone). */
type SourceNode =
  | (Selected<Issue, "number" | "url" | "title" | "body" | "state" | "viewerDidAuthor"> & { __typename: "Issue" })
  | (Selected<PullRequest, "number" | "url" | "body" | "headRefName" | "createdAt" | "mergedAt" | "viewerDidAuthor"> & { __typename: "PullRequest" })
  | { __typename: Exclude<NonNullable<ReferencedSubject["__typename"]>, "Issue" | "PullRequest"> };
/** `HistoryItem`: the item types asked for (`ITEM_TYPES`; another member would answer its `__typename` alone). */
type HistoryItem =
  | (Selected<LabeledEvent, "createdAt"> & WithActor & Sub<LabeledEvent, LabelParts> & { __typename: "LabeledEvent" })
  | (Selected<UnlabeledEvent, "createdAt"> & WithActor & Sub<UnlabeledEvent, LabelParts> & { __typename: "UnlabeledEvent" })
  | (IssueCommentNode & { __typename: "IssueComment" })
  | (ReviewNode & { __typename: "PullRequestReview" })
  | (Selected<CrossReferencedEvent, "isCrossRepository"> & Sub<CrossReferencedEvent, { source: SourceNode }> & { __typename: "CrossReferencedEvent" })
  | {
      __typename: Exclude<NonNullable<PullRequestTimelineItems["__typename"]>, "LabeledEvent" | "UnlabeledEvent" | "IssueComment" | "PullRequestReview" | "CrossReferencedEvent">;
    };
type HistoryTimeline = Nodes<HistoryItem> & { pageInfo: NextPage };
type HistoryHead = Selected<Commit, "oid"> & Sub<Commit, { statusCheckRollup: { contexts: Nodes<RollupSelection> } }> & NonNullable<OwnRunsSelection>;
type HistoryAnswer = {
  repository?: {
    pullRequest?:
      | (MergedPullRequestSelection &
          Sub<PullRequest, { labels: Nodes<Selected<Label, "name">>; timelineItems: HistoryTimeline }> & {
            headCommit: Sub<PullRequest, { commits: Nodes<{ commit: HistoryHead }> }>["commits"];
          })
      | null;
  } | null;
};
type HistoryPageAnswer = { repository?: { pullRequest?: Sub<PullRequest, { timelineItems: HistoryTimeline }> | null } | null };

const comment = (kind: HistoryComment["kind"], node: IssueCommentNode | ReviewCommentNode, createdAt = node.createdAt): HistoryComment => ({
  kind,
  id: node.databaseId ?? null,
  url: node.url ?? null,
  author: actorOf(node.author),
  body: node.body ?? "",
  createdAt,
  lastEditedAt: node.lastEditedAt ?? null,
  byApp: Boolean(node.viewerDidAuthor),
  appReactions: (node.reactionGroups ?? []).filter((group) => group.viewerHasReacted).map((group) => group.content),
});

const review = (node: ReviewNode): HistoryComment => ({ ...comment("review", node, node.submittedAt ?? node.createdAt), state: node.state, commitSha: node.commit?.oid ?? null });

const readItems = (nodes: ReadonlyArray<HistoryItem | null>, into: { labelEvents: LabelEvent[]; comments: HistoryComment[]; referencingIssues: ReferencingIssue[]; referencingPullRequests: ReferencingPullRequest[] }) => {
  for (const node of nodes) {
    if (!node) continue;
    switch (node.__typename) {
      case "LabeledEvent":
      case "UnlabeledEvent":
        into.labelEvents.push({
          action: node.__typename === "LabeledEvent" ? "labeled" : "unlabeled",
          label: node.label.name,
          actor: node.actor?.login ?? null,
          at: node.createdAt,
        });
        break;
      case "IssueComment":
        into.comments.push(comment("comment", node));
        break;
      case "PullRequestReview":
        // A pending review is invisible to others; its body is not a command yet.
        if (node.state === "PENDING") break;
        into.comments.push(review(node));
        for (const inner of listed(node.comments?.nodes ?? [], "a review's comments")) into.comments.push(comment("review_comment", inner));
        break;
      case "CrossReferencedEvent":
        if (!node.isCrossRepository && node.source.__typename === "Issue") {
          const source = node.source;
          into.referencingIssues.push({ number: source.number, url: source.url, title: source.title, body: source.body ?? "", state: source.state, byApp: Boolean(source.viewerDidAuthor) });
        }
        // A revert or backport the app opened says `Reverts #n` / `Backport of #n`: the postmortem's timeline shows it.
        if (!node.isCrossRepository && node.source.__typename === "PullRequest") {
          const source = node.source;
          into.referencingPullRequests.push({ number: source.number, url: source.url, body: source.body ?? "", headRefName: source.headRefName, createdAt: source.createdAt, mergedAt: source.mergedAt ?? null, byApp: Boolean(source.viewerDidAuthor) });
        }
        break;
    }
  }
};

const isNotFound = (error: unknown): boolean =>
  Boolean((error as { errors?: Array<{ type?: string }> })?.errors?.some((item) => item.type === "NOT_FOUND"));

/**
 * The history of PR `number`: its facts, the head commit's checks and its timeline (labels,
 * comments, reviews, issues that reference it). One query; more pages only for very long timelines.
 */
export const fetchPullRequestHistory = async (graphql: Gql, repo: RepoRef, number: number, appId: number | null): Promise<PullRequestHistory | null> => {
  let data: HistoryAnswer;
  try {
    data = await graphql<HistoryAnswer>(PULL_REQUEST_HISTORY_QUERY, { owner: repo.owner, repo: repo.repo, number, appId, checkName: CHECK_NAME });
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  const pr = data?.repository?.pullRequest;
  if (!pr) return null;
  const items = { labelEvents: [] as LabelEvent[], comments: [] as HistoryComment[], referencingIssues: [] as ReferencingIssue[], referencingPullRequests: [] as ReferencingPullRequest[] };
  readItems(listed(pr.timelineItems.nodes, `the timeline of #${number}`), items);
  let page = pr.timelineItems.pageInfo;
  for (let pages = 1; page.hasNextPage && pages < MAX_TIMELINE_PAGES; pages++) {
    const next = await graphql<HistoryPageAnswer>(PULL_REQUEST_HISTORY_PAGE_QUERY, { owner: repo.owner, repo: repo.repo, number, after: page.endCursor });
    const connection = present(next.repository?.pullRequest, `the pull request #${number}`).timelineItems;
    readItems(listed(connection.nodes, `the timeline of #${number}`), items);
    page = connection.pageInfo;
  }
  const head = listed(pr.headCommit.nodes, `the head commit of #${number}`)[0]?.commit;
  // The newest own run that carries a record (a neutral or cannot-evaluate run carries none).
  const approvalsRecord =
    ownCheckRunsOf(head, appId)
      .sort((a, b) => b.id - a.id)
      .map((run) => readApprovalsRecord(run.text))
      .find((record) => record !== null) ?? null;
  return {
    ...mergedPullRequestOf(pr),
    labels: listed(pr.labels?.nodes, `the labels of #${number}`).map((label) => label.name),
    headSha: head?.oid ?? pr.headRefOid,
    headChecks: (head?.statusCheckRollup?.contexts?.nodes ?? []).filter((node): node is RollupSelection => Boolean(node)).map(headCheckOf),
    approvalsRecord,
    ...items,
  };
};

/** GET /repos/{owner}/{repo}/assignees/{assignee}: 204 when the login can be assigned, 404 when not. */
export const canBeAssigned = async (octokit: Octokit, repo: RepoRef, login: string): Promise<boolean> => {
  try {
    await octokit.rest.issues.checkUserCanBeAssigned({ ...repo, assignee: login });
    return true;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
};

export interface IssueRef {
  number: number;
  url: string;
}

/** POST /repos/{owner}/{repo}/issues (410 when the repository has issues disabled). */
export const createIssue = async (
  octokit: Octokit,
  repo: RepoRef,
  issue: { title: string; body: string; labels: string[]; assignees: string[] },
): Promise<IssueRef> => {
  const { data } = await octokit.rest.issues.create({ ...repo, ...issue, title: fitTitle(issue.title), body: fitBody(issue.body) });
  return { number: data.number, url: data.html_url };
};

/**
 * An issue this app opened in this repository since `since` whose body `matches`: the fallback that finds
 * a postmortem when its link comment on the PR is missing (an earlier attempt stopped between the
 * two writes, or someone deleted the comment). GET /repos/{owner}/{repo}/issues, newest first and
 * updated since `since`, whatever its labels now (people relabel issues); paging stops at the first
 * issue created before `since`, so it is one request unless many issues were opened since.
 */
export const findRecentIssue = async (
  octokit: Octokit,
  repo: RepoRef,
  options: { since: string; appId: number | null; matches: (body: string) => boolean },
): Promise<IssueRef | null> => {
  const since = Date.parse(options.since);
  const iterator = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    ...repo,
    state: "all",
    sort: "created",
    direction: "desc",
    since: options.since,
    per_page: 100,
  });
  for await (const { data } of iterator) {
    for (const issue of data) {
      if (issue.pull_request) continue;
      if (Date.parse(issue.created_at) < since) return null;
      // Only the app's own issue counts: anyone can paste a marker into an issue.
      const byApp = options.appId != null ? issue.performed_via_github_app?.id === options.appId : issue.user?.type === "Bot";
      if (byApp && options.matches(issue.body ?? "")) return { number: issue.number, url: issue.html_url };
    }
  }
  return null;
};

const isAssigneeRefusal = (error: unknown): boolean => {
  const e = error as { status?: number; response?: { data?: { errors?: Array<{ field?: string }> } } };
  return e.status === 422 && Boolean(e.response?.data?.errors?.some((item) => item.field === "assignees" || item.field === "assignee"));
};

/**
 * PATCH /repos/{owner}/{repo}/issues/{issue_number}: labels and assignees of a new PR in one
 * write. GitHub refuses the whole update (422) when someone cannot be assigned (an author from
 * a fork who is not a collaborator): the labels are then set alone.
 */
export const labelAndAssign = async (octokit: Octokit, repo: RepoRef, number: number, labels: string[], assignees: string[]): Promise<{ assigned: boolean }> => {
  if (labels.length === 0 && assignees.length === 0) return { assigned: true };
  try {
    await octokit.rest.issues.update({ ...repo, issue_number: number, labels, ...(assignees.length > 0 ? { assignees } : {}) });
    return { assigned: true };
  } catch (error) {
    if (!isAssigneeRefusal(error) || labels.length === 0) {
      if (isAssigneeRefusal(error)) return { assigned: false };
      throw error;
    }
    await octokit.rest.issues.update({ ...repo, issue_number: number, labels });
    return { assigned: false };
  }
};

/** POST /repos/{owner}/{repo}/issues/{issue_number}/labels: adds labels, keeps those already there (GitHub creates missing ones). */
export const addLabels = async (octokit: Octokit, repo: RepoRef, number: number, labels: string[]): Promise<void> => {
  if (labels.length === 0) return;
  await octokit.rest.issues.addLabels({ ...repo, issue_number: number, labels });
};

// ---- reminders -------------------------------------------------------------------------------

export const OPEN_POSTMORTEMS_QUERY = /* GraphQL */ `
  query OpenPostmortems($search: String!, $after: String) {
    search(query: $search, type: ISSUE, first: 50, after: $after) {
      issueCount
      pageInfo { hasNextPage endCursor }
      nodes {
        __typename
        ... on Issue {
          number
          url
          body
          state
          viewerDidAuthor
          repository { name owner { login } isArchived }
          assignees(first: 20) { nodes { login } }
          comments(last: 50) { nodes { viewerDidAuthor body } }
        }
      }
    }
  }
`;

export interface OpenPostmortem {
  repo: RepoRef;
  number: number;
  url: string;
  body: string;
  byApp: boolean;
  archived: boolean;
  assignees: string[];
  /** Bodies of this app's comments among the latest ones, oldest first. */
  appComments: string[];
}

/** GitHub's search returns at most 1000 results per query. */
const SEARCH_CAP = 1000;

type PostmortemNode = Selected<Issue, "number" | "url" | "body" | "state" | "viewerDidAuthor"> &
  Sub<Issue, {
    repository: Selected<Repository, "name" | "isArchived"> & { owner: Selected<RepositoryOwner, "login"> };
    assignees: Nodes<Selected<User, "login">>;
    comments: Nodes<Selected<IssueComment, "viewerDidAuthor" | "body">>;
  }>;
type PostmortemsAnswer = {
  search: Selected<SearchResultItemConnection, "issueCount"> & { pageInfo: NextPage } & Nodes<
    (PostmortemNode & { __typename: "Issue" }) | { __typename: Exclude<NonNullable<SearchResultItem["__typename"]>, "Issue"> }
  >;
};

/** Open issues matching a GitHub search query (`is:issue is:open ...`), page by page. */
export const searchOpenPostmortems = async function* (graphql: Gql, query: string): AsyncGenerator<OpenPostmortem> {
  let after: string | null = null;
  for (let seen = 0; seen < SEARCH_CAP; ) {
    // `query` is reserved by @octokit/graphql for the document itself.
    const data: PostmortemsAnswer = await graphql<PostmortemsAnswer>(OPEN_POSTMORTEMS_QUERY, { search: query, after });
    const nodes = data.search.nodes ?? [];
    for (const node of nodes) {
      if (node?.__typename !== "Issue" || node.state !== "OPEN") continue;
      yield {
        repo: { owner: node.repository.owner.login, repo: node.repository.name },
        number: node.number,
        url: node.url,
        body: node.body ?? "",
        byApp: Boolean(node.viewerDidAuthor),
        archived: Boolean(node.repository.isArchived),
        assignees: listed(node.assignees.nodes, `the assignees of #${node.number}`).map((user) => user.login),
        appComments: listed(node.comments.nodes, `the comments of #${node.number}`)
          .filter((item) => item.viewerDidAuthor)
          .map((item) => item.body ?? ""),
      };
    }
    seen += nodes.length;
    if (!data.search.pageInfo.hasNextPage || nodes.length === 0) return;
    after = data.search.pageInfo.endCursor ?? null;
  }
};
