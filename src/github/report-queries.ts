import type {
  App,
  CheckRun,
  CheckSuite,
  Commit,
  CrossReferencedEvent,
  Issue,
  Label,
  LabeledEvent,
  PageInfo,
  PullRequest,
  PullRequestReview,
  PullRequestTimelineItems,
  ReferencedSubject,
  Repository,
  RepositoryOwner,
  SearchResultItemConnection,
  UnlabeledEvent,
  User,
} from "@octokit/graphql-schema";
import { CHECK_NAME } from "../governance/check-output.js";
import type { GraphqlQuery } from "../platform/instrument-octokit.js";
import type { GovernanceCheck, HotfixFacts, LabelEvent, MergedPullRequest, Reference } from "../report/facts.js";
import { listed, type ActorSelection, type NextPage, type Nodes, type Selected, type Sub } from "./graphql-nodes.js";

/**
 * The report's reads: GraphQL only, cost bounded. (1) GitHub's search lists the merged PRs of the
 * period with their label events, 100 per query; search returns at most 1,000 results per query,
 * so a period with more is split into shorter ones. (2) The hotfixes among them are read in
 * batches of `DETAIL_BATCH` with `nodes(ids:)`: check run, approving reviews, the app's comments
 * and the cross-references (backports, revert, postmortem) in one query per batch.
 */

/** `--repo` or `--org` (`user` once GitHub says the account is a personal one: search names it `user:`). */
export type ReportTarget = { kind: "repo"; owner: string; name: string } | { kind: "org"; owner: string; user?: boolean };

export const scopeQualifier = (target: ReportTarget): string =>
  target.kind === "repo" ? `repo:${target.owner}/${target.name}` : `${target.user ? "user" : "org"}:${target.owner}`;

/** What went wrong, in words for the person running the report. */
export class ReportError extends Error {}

/** GitHub's rate limit ran out: when it resets. */
export class RateLimitError extends ReportError {
  constructor(readonly resetAt: Date | null) {
    super(`GitHub's API rate limit is exhausted${resetAt ? `; it resets at ${resetAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : ""}`);
  }
}

/** GitHub's search returns at most this many results for one query. */
export const SEARCH_CAP = 1000;
export const DETAIL_BATCH = 25;

/** What Octokit's errors carry: GraphQL's `errors`, REST's status and headers. */
type GitHubFailure = { errors?: Array<{ type?: unknown } | null>; status?: number; headers?: Record<string, unknown>; response?: { headers?: Record<string, unknown> } } | null | undefined;

const errorTypes = (error: unknown): string[] => ((error as GitHubFailure)?.errors ?? []).map((item) => String(item?.type ?? ""));

/** A GraphQL client that turns GitHub's limits into `RateLimitError`. */
export const limitedQuery = (query: GraphqlQuery): GraphqlQuery => async (document, variables) => {
  try {
    return await query(document, variables);
  } catch (caught) {
    const error = caught as GitHubFailure;
    const types = errorTypes(error);
    const headers = error?.headers ?? error?.response?.headers ?? {};
    const limited = types.includes("RATE_LIMITED") || types.includes("RATE_LIMIT") || ((error?.status === 403 || error?.status === 429) && headers["x-ratelimit-remaining"] === "0");
    if (limited) {
      const reset = Number(headers["x-ratelimit-reset"]);
      throw new RateLimitError(Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : null);
    }
    throw error;
  }
};

export const REPORT_TARGET_REPO_QUERY = `query ReportTargetRepository($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { nameWithOwner }
}`;

export const REPORT_TARGET_OWNER_QUERY = `query ReportTargetOwner($login: String!) {
  repositoryOwner(login: $login) { __typename login }
}`;

type TargetRepoAnswer = { repository?: Selected<Repository, "nameWithOwner"> | null };
type TargetOwnerAnswer = { repositoryOwner?: (Selected<RepositoryOwner, "login"> & { __typename: "Organization" | "User" }) | null };

const notFound = (error: unknown): boolean => errorTypes(error).includes("NOT_FOUND");

/** Is the repository or organisation there, and visible to these credentials? GitHub answers both "no" alike. */
export const verifyTarget = async (query: GraphqlQuery, target: ReportTarget): Promise<ReportTarget> => {
  const name = target.kind === "repo" ? `${target.owner}/${target.name}` : target.owner;
  const hidden = new ReportError(
    `${target.kind === "repo" ? "repository" : "organisation"} ${name} was not found, or these credentials cannot see it (GitHub answers both the same way): check the name and that the app is installed there or the token has access`,
  );
  try {
    if (target.kind === "repo") {
      const data = await query<TargetRepoAnswer>(REPORT_TARGET_REPO_QUERY, { owner: target.owner, name: target.name });
      if (!data?.repository) throw hidden;
      return target;
    }
    const data = await query<TargetOwnerAnswer>(REPORT_TARGET_OWNER_QUERY, { login: target.owner });
    if (!data?.repositoryOwner) throw hidden;
    return data.repositoryOwner.__typename === "User" ? { ...target, user: true } : target;
  } catch (error) {
    if (error instanceof ReportError) throw error;
    if (notFound(error)) throw hidden;
    throw error;
  }
};

const LABEL_EVENT_FIELDS = `__typename ... on LabeledEvent { createdAt label { name } } ... on UnlabeledEvent { createdAt label { name } }`;

export const REPORT_MERGED_QUERY = `query ReportMergedPullRequests($search: String!, $after: String) {
  search(type: ISSUE, query: $search, first: 100, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on PullRequest {
        id number mergedAt
        repository { nameWithOwner }
        timelineItems(first: 20, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {
          pageInfo { hasNextPage endCursor }
          nodes { ${LABEL_EVENT_FIELDS} }
        }
      }
    }
  }
}`;

export const REPORT_LABEL_EVENTS_QUERY = `query ReportLabelEvents($id: ID!, $after: String) {
  node(id: $id) {
    ... on PullRequest {
      timelineItems(first: 100, after: $after, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) {
        pageInfo { hasNextPage endCursor }
        nodes { ${LABEL_EVENT_FIELDS} }
      }
    }
  }
}`;

/** `LABEL_EVENT_FIELDS`: the two event types asked for (another member would answer only its `__typename`). */
type LabelEventNode =
  | (Selected<LabeledEvent, "createdAt"> & Sub<LabeledEvent, { label: Selected<Label, "name"> }> & { __typename: "LabeledEvent" })
  | (Selected<UnlabeledEvent, "createdAt"> & Sub<UnlabeledEvent, { label: Selected<Label, "name"> }> & { __typename: "UnlabeledEvent" })
  | { __typename: Exclude<NonNullable<PullRequestTimelineItems["__typename"]>, "LabeledEvent" | "UnlabeledEvent"> };
type LabelEvents = Nodes<LabelEventNode> & { pageInfo: NextPage };
/** A search result: `... on PullRequest` (any other type of result answers `{}`). */
type MergedSearchNode = Selected<PullRequest, "id" | "number" | "mergedAt"> & Sub<PullRequest, { repository: Selected<Repository, "nameWithOwner">; timelineItems: LabelEvents }>;
type MergedAnswer = { search: Selected<SearchResultItemConnection, "issueCount"> & { pageInfo: NextPage } & Nodes<MergedSearchNode | { id?: undefined }> };

/** The answer of `node(id:)` with one connection `F` of a PR (`{}` when the node is no PR). */
type NodeAnswer<F extends string, X> = { node?: { [K in F]?: (Nodes<X> & { pageInfo: NextPage }) | null } | null };

const labelEventsOf = (nodes: ReadonlyArray<LabelEventNode | null>): LabelEvent[] =>
  nodes.flatMap((node): LabelEvent[] =>
    (node?.__typename === "LabeledEvent" || node?.__typename === "UnlabeledEvent") && node.label?.name
      ? [{ action: node.__typename === "LabeledEvent" ? "labeled" : "unlabeled", label: node.label.name, at: node.createdAt }]
      : [],
  );

/** Reads the rest of a connection of one PR (`node(id:)` → `field`), page after page. */
const restOf = async <F extends string, X>(query: GraphqlQuery, document: string, id: string, field: F, pageInfo: Partial<NextPage> | null | undefined): Promise<Array<X | null>> => {
  const nodes: Array<X | null> = [];
  let page = pageInfo;
  while (page?.hasNextPage) {
    const data = await query<NodeAnswer<F, X>>(document, { id, after: page.endCursor });
    const connection = data.node?.[field];
    if (!connection) break;
    nodes.push(...(connection.nodes ?? []));
    page = connection.pageInfo;
  }
  return nodes;
};

/** A progress line for people, with the counts it states (the report says them again if it has to stop). */
export type Progress = (line: string, count?: { stage: "merged" | "details"; done: number; total: number }) => void;

/** GitHub's search date-time form (`THH:MM:SS+00:00`), whole seconds. */
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");

/**
 * Every PR merged in [from, to] (milliseconds, inclusive) in the scope, with its label events.
 * A window with more than GitHub's 1,000 search results is cut into shorter windows first.
 */
export const searchMergedPullRequests = async (
  query: GraphqlQuery,
  target: ReportTarget,
  from: number,
  to: number,
  progress: Progress,
): Promise<MergedPullRequest[]> => {
  const found = new Map<string, MergedPullRequest>();
  const scope = scopeQualifier(target);
  let total: number | null = null;
  const report = () =>
    progress(`reading merged pull requests of ${scope.replace(/^(repo|org|user):/, "")}: ${found.size} of ${total ?? "?"}`, { stage: "merged", done: found.size, total: total ?? found.size });
  const window = async (start: number, end: number, first?: MergedAnswer): Promise<void> => {
    const search = `is:pr is:merged merged:${iso(start)}..${iso(end)} ${scope}`;
    let data = first ?? (await query<MergedAnswer>(REPORT_MERGED_QUERY, { search, after: null }));
    const count: number = data.search.issueCount;
    if (count > SEARCH_CAP && end - start >= 2000) {
      // Cut into enough parts for ~900 results each; a part still too full is cut again.
      const parts = Math.min(Math.ceil(count / 900), Math.floor((end - start) / 1000));
      const size = Math.floor((end - start + 1) / parts);
      for (let index = 0; index < parts; index++) {
        const partStart = start + index * size;
        await window(partStart, index === parts - 1 ? end : partStart + size - 1);
      }
      return;
    }
    if (count > SEARCH_CAP) throw new ReportError(`more than ${SEARCH_CAP} pull requests were merged within one second (${iso(start)}): GitHub's search cannot list them all`);
    for (;;) {
      for (const node of data.search.nodes ?? []) {
        // `is:merged` lists merged PRs only: a result without `mergedAt` is no merged PR.
        if (!node?.id || found.has(node.id) || !node.mergedAt) continue;
        const events = labelEventsOf(node.timelineItems.nodes ?? []);
        events.push(...labelEventsOf(await restOf<"timelineItems", LabelEventNode>(query, REPORT_LABEL_EVENTS_QUERY, node.id, "timelineItems", node.timelineItems.pageInfo)));
        found.set(node.id, { id: node.id, repository: node.repository.nameWithOwner, number: node.number, mergedAt: node.mergedAt, labelEvents: events });
      }
      report();
      if (!data.search.pageInfo.hasNextPage) return;
      data = await query<MergedAnswer>(REPORT_MERGED_QUERY, { search, after: data.search.pageInfo.endCursor });
    }
  };
  const first = await query<MergedAnswer>(REPORT_MERGED_QUERY, { search: `is:pr is:merged merged:${iso(from)}..${iso(to)} ${scope}`, after: null });
  total = first.search.issueCount;
  await window(from, to, first);
  return [...found.values()];
};

const CROSS_REFERENCE_FIELDS = `... on CrossReferencedEvent {
          isCrossRepository
          source {
            __typename
            ... on PullRequest { number title url pullRequestState: state createdAt closedAt mergedAt headRefName author { __typename login } }
            ... on Issue { number title url issueState: state createdAt closedAt body author { __typename login } }
          }
        }`;

export const REPORT_HOTFIXES_QUERY = `query ReportHotfixes($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on PullRequest {
      id number title body url createdAt mergedAt baseRefName
      repository { nameWithOwner }
      author { __typename login }
      mergedBy { __typename login }
      mergeCommit { oid message }
      commits(last: 100) { nodes { commit { oid author { user { login } } committer { user { login } } } } }
      head: commits(last: 1) {
        nodes {
          commit {
            oid
            checkSuites(first: 5, filterBy: { checkName: "${CHECK_NAME}" }) {
              nodes {
                app { slug }
                checkRuns(first: 1, filterBy: { checkName: "${CHECK_NAME}", checkType: LATEST }) {
                  nodes { status conclusion title summary text }
                }
              }
            }
          }
        }
      }
      reviews(first: 100, states: [APPROVED]) { nodes { state submittedAt author { __typename login } } }
      comments(first: 100) { pageInfo { hasNextPage endCursor } nodes { body author { __typename login } } }
      timelineItems(first: 100, itemTypes: [CROSS_REFERENCED_EVENT]) {
        pageInfo { hasNextPage endCursor }
        nodes { __typename ${CROSS_REFERENCE_FIELDS} }
      }
    }
  }
}`;

export const REPORT_COMMENTS_QUERY = `query ReportComments($id: ID!, $after: String) {
  node(id: $id) {
    ... on PullRequest {
      comments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { body author { __typename login } } }
    }
  }
}`;

export const REPORT_REFERENCES_QUERY = `query ReportReferences($id: ID!, $after: String) {
  node(id: $id) {
    ... on PullRequest {
      timelineItems(first: 100, after: $after, itemTypes: [CROSS_REFERENCED_EVENT]) {
        pageInfo { hasNextPage endCursor }
        nodes { __typename ${CROSS_REFERENCE_FIELDS} }
      }
    }
  }
}`;

/** `CROSS_REFERENCE_FIELDS`: its source, a PR or an issue (state aliased: the two enums differ). */
type ReferenceSource =
  | (Selected<PullRequest, "number" | "title" | "url" | "createdAt" | "closedAt" | "mergedAt" | "headRefName"> &
      Sub<PullRequest, { author: ActorSelection }> & { pullRequestState: PullRequest["state"]; __typename: "PullRequest" })
  | (Selected<Issue, "number" | "title" | "url" | "createdAt" | "closedAt" | "body"> & Sub<Issue, { author: ActorSelection }> & { issueState: Issue["state"]; __typename: "Issue" });
type ReferenceNode =
  | (Selected<CrossReferencedEvent, "isCrossRepository"> & Sub<CrossReferencedEvent, { source: ReferenceSource | { __typename: Exclude<NonNullable<ReferencedSubject["__typename"]>, "PullRequest" | "Issue"> } }> & { __typename: "CrossReferencedEvent" })
  | { __typename: Exclude<NonNullable<PullRequestTimelineItems["__typename"]>, "CrossReferencedEvent"> };
type CommentNode = { body: string; author?: ActorSelection | null };
type HeadCommit = Selected<Commit, "oid"> &
  Sub<Commit, { checkSuites: Nodes<Sub<CheckSuite, { app: Selected<App, "slug">; checkRuns: Nodes<Selected<CheckRun, "status" | "conclusion" | "title" | "summary" | "text">> }>> }>;
type MakerCommit = { commit: Selected<Commit, "oid"> & Sub<Commit, { author: { user?: Selected<User, "login"> | null }; committer: { user?: Selected<User, "login"> | null } }> };
/** `... on PullRequest` of `nodes(ids:)` (`{}` for a node of another type). */
type HotfixNode = Selected<PullRequest, "id" | "number" | "title" | "body" | "url" | "createdAt" | "mergedAt" | "baseRefName"> &
  Sub<PullRequest, {
    repository: Selected<Repository, "nameWithOwner">;
    author: ActorSelection;
    mergedBy: ActorSelection;
    mergeCommit: Selected<Commit, "oid" | "message">;
    commits: Nodes<MakerCommit>;
    reviews: Nodes<Selected<PullRequestReview, "state" | "submittedAt"> & Sub<PullRequestReview, { author: ActorSelection }>>;
    comments: Nodes<CommentNode> & { pageInfo: Selected<PageInfo, "hasNextPage" | "endCursor"> };
    timelineItems: Nodes<ReferenceNode> & { pageInfo: NextPage };
  }> & { head: Sub<PullRequest, { commits: Nodes<{ commit: HeadCommit }> }>["commits"] };
type HotfixesAnswer = { nodes: Array<HotfixNode | { id?: undefined } | null> };

/** The app's bot as GraphQL names it: a `Bot` whose login is the app's slug. */
const byApp = (author: ActorSelection | null | undefined, appSlug: string): boolean =>
  author?.__typename === "Bot" && String(author.login).replace(/\[bot\]$/i, "").toLowerCase() === appSlug.toLowerCase();

const referenceOf = (node: ReferenceNode | null, appSlug: string): Reference | null => {
  if (node?.__typename !== "CrossReferencedEvent" || node.isCrossRepository || !node.source) return null;
  const source = node.source;
  if (source.__typename !== "PullRequest" && source.__typename !== "Issue") return null;
  const pull = source.__typename === "PullRequest" ? source : null;
  const issue = source.__typename === "Issue" ? source : null;
  return {
    kind: source.__typename,
    number: source.number,
    title: source.title,
    url: source.url,
    state: source.__typename === "PullRequest" ? source.pullRequestState : source.issueState,
    createdAt: source.createdAt,
    closedAt: source.closedAt ?? null,
    mergedAt: pull?.mergedAt ?? null,
    headRef: pull?.headRefName ?? null,
    body: issue?.body ?? null,
    byApp: byApp(source.author, appSlug),
  };
};

const governanceCheckOf = (commit: HeadCommit | null, appSlug: string): GovernanceCheck | null => {
  const suite = (commit?.checkSuites?.nodes ?? []).find((candidate) => candidate?.app?.slug?.toLowerCase() === appSlug.toLowerCase());
  const run = suite?.checkRuns?.nodes?.[0];
  return run ? { status: run.status, conclusion: run.conclusion ?? null, title: run.title ?? null, summary: run.summary ?? null, text: run.text ?? null } : null;
};

/**
 * The facts of each hotfix (SPEC 9), `DETAIL_BATCH` PRs per query. Only the app's own check run
 * (by its slug) is believed: a look-alike run of another app named the same proves nothing.
 */
export const readHotfixDetails = async (
  query: GraphqlQuery,
  hotfixes: MergedPullRequest[],
  appSlug: string,
  progress: Progress,
): Promise<HotfixFacts[]> => {
  const details: HotfixFacts[] = [];
  for (let start = 0; start < hotfixes.length; start += DETAIL_BATCH) {
    const batch = hotfixes.slice(start, start + DETAIL_BATCH);
    const data = await query<HotfixesAnswer>(REPORT_HOTFIXES_QUERY, { ids: batch.map((pr) => pr.id) });
    for (const [index, node] of (data.nodes ?? []).entries()) {
      const searched = batch[index];
      if (!node?.id) throw new ReportError(`GitHub returned nothing for ${searched.repository}#${searched.number}`);
      const name = `${searched.repository}#${searched.number}`;
      const comments = listed(
        [...listed(node.comments.nodes, `the comments of ${name}`), ...(await restOf<"comments", CommentNode>(query, REPORT_COMMENTS_QUERY, node.id, "comments", node.comments.pageInfo))],
        `the comments of ${name}`,
      );
      const timeline = [
        ...listed(node.timelineItems.nodes, `the timeline of ${name}`),
        ...(await restOf<"timelineItems", ReferenceNode>(query, REPORT_REFERENCES_QUERY, node.id, "timelineItems", node.timelineItems.pageInfo)),
      ];
      const head = listed(node.head.nodes, `the head commit of ${name}`).at(-1)?.commit ?? null;
      const commits = listed(node.commits.nodes, `the commits of ${name}`);
      details.push({
        repository: node.repository.nameWithOwner,
        number: node.number,
        title: node.title,
        body: node.body ?? "",
        url: node.url,
        createdAt: node.createdAt,
        mergedAt: node.mergedAt ?? searched.mergedAt,
        base: node.baseRefName,
        author: node.author?.login ?? null,
        mergedBy: node.mergedBy ? { login: node.mergedBy.login, isBot: node.mergedBy.__typename === "Bot" } : null,
        mergeCommitMessage: node.mergeCommit?.message ?? null,
        headSha: head?.oid ?? "",
        commitShas: commits.map((item) => item.commit.oid),
        makers: [...new Set(commits.flatMap((item) => [item.commit.author?.user?.login, item.commit.committer?.user?.login]).filter((login): login is string => Boolean(login)))],
        governanceCheck: governanceCheckOf(head, appSlug),
        approvingReviews: listed(node.reviews?.nodes, `the reviews of ${name}`).flatMap((review) =>
          review.state === "APPROVED" && review.submittedAt
            ? [{ author: review.author?.__typename === "Bot" ? `${review.author.login}[bot]` : (review.author?.login ?? null), submittedAt: review.submittedAt }]
            : [],
        ),
        appComments: comments.filter((comment) => byApp(comment.author, appSlug)).map((comment) => comment.body ?? ""),
        references: timeline.map((item) => referenceOf(item, appSlug)).filter((item): item is Reference => item !== null),
        labelEvents: searched.labelEvents,
      });
    }
    const done = Math.min(start + DETAIL_BATCH, hotfixes.length);
    progress(`reading hotfix details: ${done} of ${hotfixes.length}`, { stage: "details", done, total: hotfixes.length });
  }
  return details;
};
