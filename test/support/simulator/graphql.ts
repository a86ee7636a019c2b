import { schema as publishedSchema } from "@octokit/graphql-schema";
import { buildClientSchema, execute, parse, validate, GraphQLError, type GraphQLSchema } from "graphql";
import { ghError, SIM_APP, type GitHubSimulator } from "./simulator.js";
import { changedFiles, fullName } from "./rest-shapes.js";
import { chargeQuery, queryCost } from "./graphql-cost.js";
import { COST_HEADER } from "./query-cost.js";
import type { SimCheckRun, SimComment, SimPull, SimRepo, SimStatus, SimUser } from "./state.js";

let cachedSchema: GraphQLSchema | undefined;

/** GitHub's public GraphQL schema: a query that would fail on GitHub fails here too. */
export const githubSchema = (): GraphQLSchema => {
  cachedSchema ??= buildClientSchema(publishedSchema.json as any);
  return cachedSchema;
};

/** Extra root fields a route module can add (search, node ...). */
export type RootExtension = (sim: GitHubSimulator) => Record<string, unknown>;
const rootExtensions: RootExtension[] = [];
export const extendGraphqlRoot = (extension: RootExtension): void => {
  rootExtensions.push(extension);
};

/** Object-node extensions for other modules (e.g. timelineItems on PullRequest). */
export type PullExtension = (sim: GitHubSimulator, repo: SimRepo, pull: SimPull) => Record<string, unknown>;
const pullExtensions: PullExtension[] = [];
export const extendPullRequestNode = (extension: PullExtension): void => {
  pullExtensions.push(extension);
};

/** Repository-node extensions (e.g. refs and git objects served from a real git repository). */
export type RepositoryExtension = (sim: GitHubSimulator, repo: SimRepo) => Record<string, unknown>;
const repositoryExtensions: RepositoryExtension[] = [];
export const extendRepositoryNode = (extension: RepositoryExtension): void => {
  if (!repositoryExtensions.includes(extension)) repositoryExtensions.push(extension);
};

const encode = (index: number): string => Buffer.from(`cursor:${index}`).toString("base64");
const decode = (cursor: string): number => Number(Buffer.from(cursor, "base64").toString().split(":")[1]);

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** A GraphQL connection over `items`, with GitHub's rules: `first` or `last` is required, at most 100. */
export const connection = <T>(items: T[], args: ConnectionArgs) => {
  if (args.first == null && args.last == null) {
    throw new GraphQLError("You must provide a `first` or `last` value to properly paginate the connection.");
  }
  if ((args.first ?? 0) > 100 || (args.last ?? 0) > 100) {
    throw new GraphQLError("Requesting more than 100 records on the connection is not allowed.");
  }
  let start = args.after ? decode(args.after) + 1 : 0;
  let end = args.before ? decode(args.before) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const slice = items.slice(start, end);
  return {
    totalCount: items.length,
    nodes: slice,
    edges: slice.map((node, index) => ({ node, cursor: encode(start + index) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? encode(start) : null,
      endCursor: slice.length ? encode(end - 1) : null,
    },
  };
};

export const userNode = (user: SimUser) => ({
  __typename: user.type === "Bot" ? "Bot" : "User",
  id: `U_${user.id}`,
  databaseId: user.id,
  login: user.type === "Bot" ? user.login.replace(/\[bot\]$/, "") : user.login,
  url: `https://github.com/${user.login}`,
});

const upper = (value: string | null) => (value ? value.toUpperCase() : null);

const checkRunNode = (run: SimCheckRun) => ({
  __typename: "CheckRun",
  id: run.nodeId,
  databaseId: run.id,
  name: run.name,
  status: upper(run.status),
  conclusion: upper(run.conclusion),
  startedAt: run.startedAt,
  completedAt: run.completedAt,
  title: run.output.title,
  summary: run.output.summary,
  text: run.output.text,
  checkSuite: { app: { databaseId: run.app.id, slug: run.app.slug, name: run.app.slug } },
});

const statusNode = (status: SimStatus) => ({
  __typename: "StatusContext",
  id: `SC_${status.id}`,
  context: status.context,
  state: upper(status.state),
  description: status.description,
  targetUrl: status.targetUrl,
  createdAt: status.createdAt,
});

const newestBy = <T>(items: T[], key: (item: T) => string): T[] => {
  const newest = new Map<string, T>();
  for (const item of items) newest.set(key(item), item);
  return [...newest.values()];
};

export const commitNode = (sim: GitHubSimulator, repo: SimRepo, commit: { sha: string; authorLogins: string[]; committerLogin: string | null; message?: string; committedAt?: string }) => {
  const runs = repo.checkRuns.filter((run) => run.headSha === commit.sha);
  const statuses = repo.statuses.filter((status) => status.sha === commit.sha);
  const rollupItems = [
    ...newestBy(runs, (run) => `${run.app.id}:${run.name}`).map(checkRunNode),
    ...newestBy(statuses, (status) => status.context).map(statusNode),
  ];
  const suites = newestBy(runs, (run) => String(run.app.id)).map((sample) => sample.app);
  return {
    __typename: "Commit",
    id: `C_${commit.sha}`,
    oid: commit.sha,
    message: commit.message ?? "Fix",
    committedDate: commit.committedAt ?? sim.now(),
    url: `https://github.com/${fullName(repo)}/commit/${commit.sha}`,
    authors: (args: ConnectionArgs) =>
      connection(
        commit.authorLogins.map((login) => ({ name: login, email: `${login}@example.com`, user: userNode(sim.user(login)) })),
        args,
      ),
    author: { name: commit.authorLogins[0] ?? null, user: commit.authorLogins[0] ? userNode(sim.user(commit.authorLogins[0])) : null },
    committer: { name: commit.committerLogin, user: commit.committerLogin ? userNode(sim.user(commit.committerLogin)) : null },
    statusCheckRollup: rollupItems.length ? { state: "PENDING", contexts: (args: ConnectionArgs) => connection(rollupItems, args) } : null,
    checkSuites: (args: ConnectionArgs & { filterBy?: { appId?: number | null; checkName?: string | null } }) => {
      const filtered = suites
        .filter((app) => args.filterBy?.appId == null || app.id === args.filterBy.appId)
        .filter((app) => !args.filterBy?.checkName || runs.some((run) => run.app.id === app.id && run.name === args.filterBy!.checkName));
      return connection(
        filtered.map((app) => ({
          app: { databaseId: app.id, slug: app.slug, name: app.slug },
          checkRuns: (runArgs: ConnectionArgs & { filterBy?: { checkName?: string | null; checkType?: string | null; appId?: number | null } }) => {
            let appRuns = runs.filter((run) => run.app.id === app.id && (!runArgs.filterBy?.checkName || run.name === runArgs.filterBy.checkName));
            if (runArgs.filterBy?.checkType !== "ALL") appRuns = newestBy(appRuns, (run) => run.name);
            return connection(appRuns.map(checkRunNode), runArgs);
          },
        })),
        args,
      );
    },
  };
};

/** Fields of comment-like nodes (IssueComment, PullRequestReview, PullRequestReviewComment) other modules add. */
export type CommentKind = "comment" | "review" | "review_comment";
export type CommentExtension = (sim: GitHubSimulator, comment: SimComment, kind: CommentKind) => Record<string, unknown>;
const commentExtensions: CommentExtension[] = [];
export const extendCommentNode = (extension: CommentExtension): void => {
  if (!commentExtensions.includes(extension)) commentExtensions.push(extension);
};

const commentNode = (sim: GitHubSimulator, comment: SimComment, kind: CommentKind = "comment") => ({
  ...Object.assign({}, ...commentExtensions.map((extension) => extension(sim, comment, kind))),
  id: comment.nodeId,
  databaseId: comment.id,
  author: userNode(comment.user),
  body: comment.body,
  createdAt: comment.createdAt,
  updatedAt: comment.updatedAt,
  lastEditedAt: comment.lastEditedAt,
  isMinimized: false,
  url: `https://github.com/#comment-${comment.id}`,
});

export const pullRequestNode = (sim: GitHubSimulator, repo: SimRepo, pull: SimPull) => {
  const listedFiles = pull.files.slice(0, 3000);
  const comments = repo.issueComments.filter((comment) => comment.issueNumber === pull.number);
  const reviews = repo.reviews.filter((review) => review.issueNumber === pull.number && review.state !== "PENDING");
  const reviewComments = repo.reviewComments.filter((comment) => comment.issueNumber === pull.number);
  const threads = reviewComments.filter((comment) => !comment.inReplyToId);
  const node: Record<string, unknown> = {
    __typename: "PullRequest",
    id: pull.nodeId,
    databaseId: pull.id,
    number: pull.number,
    title: pull.title,
    body: pull.body ?? "",
    url: `https://github.com/${fullName(repo)}/pull/${pull.number}`,
    state: pull.merged ? "MERGED" : pull.state === "open" ? "OPEN" : "CLOSED",
    merged: pull.merged,
    isDraft: pull.draft,
    createdAt: pull.createdAt,
    updatedAt: pull.updatedAt,
    closedAt: pull.closedAt,
    mergedAt: pull.mergedAt,
    mergeCommit: pull.mergeCommitSha ? commitNode(sim, repo, { sha: pull.mergeCommitSha, authorLogins: [], committerLogin: null }) : null,
    mergedBy: pull.mergedBy ? userNode(pull.mergedBy) : null,
    author: userNode(pull.user),
    // The app reads GitHub's answer for its own token: did the app open it.
    viewerDidAuthor: pull.user.login === `${SIM_APP.slug}[bot]`,
    baseRefName: pull.base.ref,
    headRefName: pull.head.ref,
    headRefOid: pull.head.sha,
    baseRefOid: pull.base.sha,
    isCrossRepository: pull.head.repoFullName.toLowerCase() !== fullName(repo).toLowerCase(),
    additions: pull.files.reduce((sum, file) => sum + file.additions, 0),
    deletions: pull.files.reduce((sum, file) => sum + file.deletions, 0),
    changedFiles: changedFiles(pull),
    labels: (args: ConnectionArgs) => connection(pull.labels.map((name) => ({ name, color: "ededed", id: `LA_${name}` })), args),
    files: (args: ConnectionArgs) =>
      connection(
        listedFiles.map((file) => ({ path: file.path, additions: file.additions, deletions: file.deletions, changeType: file.changeType ?? "MODIFIED" })),
        args,
      ),
    commits: (args: ConnectionArgs) =>
      connection(pull.commits.map((commit) => ({ id: `PRC_${commit.sha}`, commit: commitNode(sim, repo, commit) })), args),
    comments: (args: ConnectionArgs) => connection(comments.map((comment) => commentNode(sim, comment)), args),
    reviews: (args: ConnectionArgs) =>
      connection(
        reviews.map((review) => ({
          ...commentNode(sim, review, "review"),
          state: review.state,
          submittedAt: review.createdAt,
          commit: review.commitId ? { oid: review.commitId } : null,
        })),
        args,
      ),
    reviewThreads: (args: ConnectionArgs) =>
      connection(
        threads.map((root) => ({
          id: `PRRT_${root.id}`,
          isResolved: false,
          comments: (commentArgs: ConnectionArgs) =>
            connection(
              [root, ...reviewComments.filter((comment) => comment.inReplyToId === root.id)].map((comment) => ({
                ...commentNode(sim, comment, "review_comment"),
                path: comment.path,
                commit: comment.commitId ? { oid: comment.commitId } : null,
              })),
              commentArgs,
            ),
        })),
        args,
      ),
  };
  for (const extension of pullExtensions) Object.assign(node, extension(sim, repo, pull));
  return node;
};

class NotFound extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { type: "NOT_FOUND" } });
  }
}

export const repositoryNode = (sim: GitHubSimulator, repo: SimRepo) => ({
  __typename: "Repository",
  id: repo.nodeId,
  databaseId: repo.id,
  name: repo.name,
  nameWithOwner: fullName(repo),
  url: `https://github.com/${fullName(repo)}`,
  owner: userNode(repo.owner),
  isArchived: false,
  defaultBranchRef: { name: repo.defaultBranch },
  pullRequest: ({ number }: { number: number }) => {
    const pull = sim.readPull(repo, number);
    if (!pull) throw new NotFound(`Could not resolve to a PullRequest with the number of ${number}.`);
    return pullRequestNode(sim, repo, pull);
  },
  ...Object.assign({}, ...repositoryExtensions.map((extension) => extension(sim, repo))),
});

/** POST /graphql: validates against GitHub's schema, then executes on the simulator's state. */
export const registerGraphqlRoute = (sim: GitHubSimulator): void => {
  // Built now, not inside the first request: building it blocks the event loop for most of a second.
  githubSchema();
  sim.route("POST", "/graphql", async ({ body }) => {
    const schema = githubSchema();
    let document;
    try {
      document = parse(body.query);
    } catch (error) {
      return { status: 200, body: { errors: [{ message: (error as Error).message }] } };
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) {
      return { status: 200, body: { errors: invalid.map((error) => ({ message: error.message, locations: error.locations })) } };
    }
    // GitHub's node limit and points, charged before the query runs.
    const cost = queryCost(document, body.variables ?? {});
    const charge = chargeQuery(sim, cost);
    if (charge.refusal) return charge.refusal;
    const root: Record<string, unknown> = {
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const repo = sim.invisibleRepositories.has(`${owner}/${name}`.toLowerCase()) ? undefined : sim.repos.get(`${owner}/${name}`.toLowerCase());
        if (!repo) throw new NotFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
        return repositoryNode(sim, repo);
      },
      rateLimit: charge.rateLimit,
    };
    for (const extension of rootExtensions) Object.assign(root, extension(sim));
    const result = await execute({ schema, document, rootValue: root, variableValues: body.variables ?? {} });
    const errors = result.errors?.map((error) => ({
      type: (error.extensions?.type as string | undefined) ?? undefined,
      message: error.message,
      path: error.path,
      locations: error.locations,
    }));
    if (errors?.some((error) => !error.type)) {
      // A resolver crash is a simulator bug: surface it loudly.
      // eslint-disable-next-line no-console
      console.error("simulator GraphQL error", result.errors);
    }
    return { status: 200, body: errors ? { data: result.data ?? null, errors } : { data: result.data }, headers: { [COST_HEADER]: String(cost.points) } };
  });
};

export { ghError, SIM_APP };
