import { CHECK_NAME } from "../governance/check-output.js";
import type { GraphqlQuery } from "../platform/instrument-octokit.js";
import type { GovernanceCheck, HotfixFacts, LabelEvent, MergedPullRequest, Reference } from "../report/facts.js";

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

const errorTypes = (error: any): string[] => (error?.errors ?? []).map((item: any) => String(item?.type ?? ""));

/** A GraphQL client that turns GitHub's limits into `RateLimitError`. */
export const limitedQuery = (query: GraphqlQuery): GraphqlQuery => async (document, variables) => {
  try {
    return await query(document, variables);
  } catch (error: any) {
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

const notFound = (error: any): boolean => errorTypes(error).includes("NOT_FOUND");

/** Is the repository or organisation there, and visible to these credentials? GitHub answers both "no" alike. */
export const verifyTarget = async (query: GraphqlQuery, target: ReportTarget): Promise<ReportTarget> => {
  const name = target.kind === "repo" ? `${target.owner}/${target.name}` : target.owner;
  const hidden = new ReportError(
    `${target.kind === "repo" ? "repository" : "organisation"} ${name} was not found, or these credentials cannot see it (GitHub answers both the same way): check the name and that the app is installed there or the token has access`,
  );
  try {
    const data: any =
      target.kind === "repo"
        ? await query(REPORT_TARGET_REPO_QUERY, { owner: target.owner, name: target.name })
        : await query(REPORT_TARGET_OWNER_QUERY, { login: target.owner });
    if (!(target.kind === "repo" ? data?.repository : data?.repositoryOwner)) throw hidden;
    return target.kind === "org" && data.repositoryOwner.__typename === "User" ? { ...target, user: true } : target;
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

const labelEventsOf = (nodes: any[]): LabelEvent[] =>
  nodes
    .filter((node) => (node?.__typename === "LabeledEvent" || node?.__typename === "UnlabeledEvent") && node.label?.name)
    .map((node) => ({ action: node.__typename === "LabeledEvent" ? "labeled" : "unlabeled", label: node.label.name, at: node.createdAt }));

/** Reads the rest of a connection of one PR (`node(id:)` → `field`), page after page. */
const restOf = async (query: GraphqlQuery, document: string, id: string, field: string, pageInfo: any): Promise<any[]> => {
  const nodes: any[] = [];
  let page = pageInfo;
  while (page?.hasNextPage) {
    const data: any = await query(document, { id, after: page.endCursor });
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
  const window = async (start: number, end: number, first?: any): Promise<void> => {
    const search = `is:pr is:merged merged:${iso(start)}..${iso(end)} ${scope}`;
    let data: any = first ?? (await query(REPORT_MERGED_QUERY, { search, after: null }));
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
        if (!node?.id || found.has(node.id)) continue;
        const events = labelEventsOf(node.timelineItems.nodes ?? []);
        events.push(...labelEventsOf(await restOf(query, REPORT_LABEL_EVENTS_QUERY, node.id, "timelineItems", node.timelineItems.pageInfo)));
        found.set(node.id, { id: node.id, repository: node.repository.nameWithOwner, number: node.number, mergedAt: node.mergedAt, labelEvents: events });
      }
      report();
      if (!data.search.pageInfo.hasNextPage) return;
      data = await query(REPORT_MERGED_QUERY, { search, after: data.search.pageInfo.endCursor });
    }
  };
  const first = await query<any>(REPORT_MERGED_QUERY, { search: `is:pr is:merged merged:${iso(from)}..${iso(to)} ${scope}`, after: null });
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

/** The app's bot as GraphQL names it: a `Bot` whose login is the app's slug. */
const byApp = (author: any, appSlug: string): boolean =>
  author?.__typename === "Bot" && String(author.login).replace(/\[bot\]$/i, "").toLowerCase() === appSlug.toLowerCase();

const referenceOf = (node: any, appSlug: string): Reference | null => {
  const source = node?.source;
  if (node?.__typename !== "CrossReferencedEvent" || node.isCrossRepository || !source) return null;
  if (source.__typename !== "PullRequest" && source.__typename !== "Issue") return null;
  return {
    kind: source.__typename,
    number: source.number,
    title: source.title,
    url: source.url,
    state: source.pullRequestState ?? source.issueState,
    createdAt: source.createdAt,
    closedAt: source.closedAt ?? null,
    mergedAt: source.mergedAt ?? null,
    headRef: source.headRefName ?? null,
    body: source.body ?? null,
    byApp: byApp(source.author, appSlug),
  };
};

const governanceCheckOf = (commit: any, appSlug: string): GovernanceCheck | null => {
  const suite = (commit?.checkSuites?.nodes ?? []).find((candidate: any) => candidate?.app?.slug?.toLowerCase() === appSlug.toLowerCase());
  const run = suite?.checkRuns?.nodes?.[0];
  return run ? { status: run.status, conclusion: run.conclusion, title: run.title, summary: run.summary, text: run.text } : null;
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
    const data: any = await query(REPORT_HOTFIXES_QUERY, { ids: batch.map((pr) => pr.id) });
    for (const [index, node] of (data.nodes ?? []).entries()) {
      const listed = batch[index];
      if (!node) throw new ReportError(`GitHub returned nothing for ${listed.repository}#${listed.number}`);
      const comments = [...node.comments.nodes, ...(await restOf(query, REPORT_COMMENTS_QUERY, node.id, "comments", node.comments.pageInfo))];
      const timeline = [...node.timelineItems.nodes, ...(await restOf(query, REPORT_REFERENCES_QUERY, node.id, "timelineItems", node.timelineItems.pageInfo))];
      const head = node.head.nodes.at(-1)?.commit ?? null;
      details.push({
        repository: node.repository.nameWithOwner,
        number: node.number,
        title: node.title,
        body: node.body ?? "",
        url: node.url,
        createdAt: node.createdAt,
        mergedAt: node.mergedAt,
        base: node.baseRefName,
        author: node.author?.login ?? null,
        mergedBy: node.mergedBy ? { login: node.mergedBy.login, isBot: node.mergedBy.__typename === "Bot" } : null,
        mergeCommitMessage: node.mergeCommit?.message ?? null,
        headSha: head?.oid ?? "",
        commitShas: node.commits.nodes.map((item: any) => item.commit.oid),
        makers: [...new Set(node.commits.nodes.flatMap((item: any) => [item.commit.author?.user?.login, item.commit.committer?.user?.login]).filter(Boolean) as string[])],
        governanceCheck: governanceCheckOf(head, appSlug),
        approvingReviews: node.reviews.nodes
          .filter((review: any) => review.state === "APPROVED" && review.submittedAt)
          .map((review: any) => ({ author: review.author?.__typename === "Bot" ? `${review.author.login}[bot]` : (review.author?.login ?? null), submittedAt: review.submittedAt })),
        appComments: comments.filter((comment: any) => byApp(comment.author, appSlug)).map((comment: any) => comment.body ?? ""),
        references: timeline.map((item) => referenceOf(item, appSlug)).filter((item): item is Reference => item !== null),
        labelEvents: listed.labelEvents,
      });
    }
    const done = Math.min(start + DETAIL_BATCH, hotfixes.length);
    progress(`reading hotfix details: ${done} of ${hotfixes.length}`, { stage: "details", done, total: hotfixes.length });
  }
  return details;
};
