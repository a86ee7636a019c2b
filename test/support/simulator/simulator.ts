import { COST_HEADER } from "./query-cost.js";
import type {
  SimCheckRun,
  SimComment,
  SimCommit,
  SimFile,
  SimIssue,
  SimPermission,
  SimPull,
  SimReaction,
  SimRepo,
  SimStatus,
  SimTeam,
  SimUser,
} from "./state.js";

export const SIM_APP = { id: 1, slug: "hotfix-governance" };
export const BASE_URL = "https://api.github.com";

/** A GraphQL document whose operation is a mutation (`mutation Name(...) {` or `mutation {`). */
export const isMutation = (document: unknown): boolean => typeof document === "string" && /^\s*(#[^\n]*\n\s*)*mutation\b/.test(document);

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  status: number;
  /** GraphQL: the points GitHub would charge for the query (REST: 1 request). */
  points?: number;
  /** The installation whose token made the request (null: the app's JWT or no auth). */
  installation?: number | null;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  specificity: [number, number];
  handler: RouteHandler;
}

interface Fault {
  method: string;
  path: RegExp;
  times: number;
  response: SimResponse | "hang" | "reset";
  /** Only requests whose body this accepts (e.g. one GraphQL document among others). */
  when?: (body: any) => boolean;
}

/** GitHub's error body. */
export const ghError = (status: number, message: string, extra: Record<string, unknown> = {}): SimResponse => ({
  status,
  body: { message, documentation_url: "https://docs.github.com/rest", status: String(status), ...extra },
});

/**
 * A route's path as a pattern. Its specificity orders the routes that match one request, as
 * GitHub's router does (`/commits/{sha}/pulls` before `/commits/{ref*}`): fewer catch-all
 * parameters first, then more literal characters. The order of registration (the route module
 * an endpoint lives in) never decides.
 */
const compile = (path: string): { pattern: RegExp; keys: string[]; specificity: [number, number] } => {
  const keys: string[] = [];
  let catchAll = 0;
  const source = path.replace(/\{(\w+)(\*?)\}/g, (_all, key: string, rest: string) => {
    keys.push(key);
    if (rest) catchAll += 1;
    return rest ? "(.+)" : "([^/]+)";
  });
  return { pattern: new RegExp(`^${source}$`), keys, specificity: [catchAll, path.replace(/\{\w+\*?\}/g, "").length] };
};

/** The more specific of two routes that match the same path first. */
const bySpecificity = (a: { specificity: [number, number] }, b: { specificity: [number, number] }): number =>
  a.specificity[0] - b.specificity[0] || b.specificity[1] - a.specificity[1];

/**
 * A stateful GitHub, served through nock (`nock-serve.ts`, in-process tests) or over loopback HTTP
 * (`server.ts`). REST routes are registered by the route modules
 * (`routes-*.ts`); GraphQL queries execute against GitHub's public schema (`graphql.ts`).
 * Unknown routes answer 404 and are recorded, so the tests see them.
 */
/**
 * The simulators of the running test, so that test/support/after-each.ts can fail a test that
 * made a request no route handles (GitHub would have answered it; a silent 404 here would hide that).
 * Emptied after every test.
 */
export const liveSimulators = new Set<GitHubSimulator>();

export class GitHubSimulator {
  readonly repos = new Map<string, SimRepo>();
  readonly teams = new Map<string, SimTeam>();
  readonly users = new Map<string, SimUser>();
  readonly requests: RecordedRequest[] = [];
  readonly unhandled: string[] = [];
  /** Every unhandled request of this simulator's life: `reset()` does not forget them. */
  readonly unhandledEver: string[] = [];
  private readonly routes: Route[] = [];
  private faults: Fault[] = [];
  private nextId = 1000;
  private clock: number | null = null;
  /** Installation ids that lost access: every request answers 404 (or token creation fails). */
  readonly revokedInstallations = new Set<number>();
  /**
   * Repositories (lowercase owner/name) that exist but the installation cannot see (another
   * account's private repository, or one not selected for the installation). GitHub answers 404,
   * exactly as for a repository that does not exist, and GraphQL `NOT_FOUND`.
   */
  readonly invisibleRepositories = new Set<string>();
  /** Replication lag per PR (`owner/repo#n`, lowercase): see `lagPull`. */
  private readonly pullLag = new Map<string, { reads: number; staleHead?: string }>();
  /**
   * GitHub's primary rate limits, per installation and resource (`core`, `graphql`): every answer
   * carries x-ratelimit-* headers as GitHub's do. A test sets `used` to bring the budget low.
   */
  readonly rateLimits = new Map<string, { limit: number; used: number; reset: number }>();

  rateLimit(installation: number | null, resource: "core" | "graphql") {
    const key = `${installation ?? "app"}:${resource}`;
    let entry = this.rateLimits.get(key);
    if (!entry) {
      entry = { limit: 5000, used: 0, reset: Math.floor(Date.now() / 1000) + 3600 };
      this.rateLimits.set(key, entry);
    }
    return entry;
  }

  /** Where the app reaches this GitHub (REST): the base of the URLs it answers with (Link headers). */
  baseUrl: string;

  constructor(baseUrl: string = BASE_URL) {
    this.baseUrl = baseUrl;
    liveSimulators.add(this);
  }

  id(): number {
    return ++this.nextId;
  }

  /** Simulated time: real time unless a test pins it; always moves forward a millisecond per read. */
  now(): string {
    if (this.clock == null) return new Date().toISOString();
    this.clock += 1;
    return new Date(this.clock).toISOString();
  }

  setTime(iso: string): void {
    this.clock = Date.parse(iso);
  }

  advance(ms: number): void {
    this.clock = (this.clock ?? Date.now()) + ms;
  }

  /** One route per endpoint: a second registration would never be reached, so it is an error. */
  route(method: string, path: string, handler: RouteHandler): void {
    const { pattern, keys, specificity } = compile(path);
    if (this.routes.some((route) => route.method === method && route.pattern.source === pattern.source)) {
      throw new Error(`simulator: ${method} ${path} is registered twice`);
    }
    this.routes.push({ method, pattern, keys, specificity, handler });
    this.routes.sort(bySpecificity);
  }

  /** The next `times` requests matching (and whose body `when` accepts) answer `response` (or never answer: "hang"). */
  fail(method: string, path: RegExp, response: SimResponse | "hang" | "reset", times = 1, when?: (body: any) => boolean): void {
    this.faults.push({ method, path, times, response, when });
  }

  clearFaults(): void {
    this.faults = [];
  }

  // ---- state builders ----------------------------------------------------------------------

  user(login: string, type: "User" | "Bot" = login.endsWith("[bot]") ? "Bot" : "User"): SimUser {
    let user = this.users.get(login);
    if (!user) {
      user = { login, id: this.id(), type };
      this.users.set(login, user);
    }
    return user;
  }

  addRepo(fullName: string, options: { defaultBranch?: string; config?: string; private?: boolean } = {}): SimRepo {
    const [owner, name] = fullName.split("/");
    const defaultBranch = options.defaultBranch ?? "main";
    const repo: SimRepo = {
      id: this.id(),
      nodeId: `R_${this.nextId}`,
      owner: this.user(owner),
      name,
      defaultBranch,
      private: options.private ?? false,
      hasIssues: true,
      files: new Map([[defaultBranch, new Map()]]),
      branches: new Map([[defaultBranch, sha(`${fullName}:${defaultBranch}`)]]),
      pulls: new Map(),
      issues: new Map(),
      labels: new Set(),
      checkRuns: [],
      statuses: [],
      issueComments: [],
      reviews: [],
      reviewComments: [],
      reactions: [],
      permissions: new Map(),
      nextNumber: 1,
      activity: [],
      timeline: [],
    };
    this.repos.set(fullName.toLowerCase(), repo);
    if (options.config !== undefined) this.setFile(fullName, ".github/hotfix.yml", options.config);
    return repo;
  }

  repo(fullName: string): SimRepo {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`simulator: no repository ${fullName}`);
    return repo;
  }

  setFile(fullName: string, path: string, content: string, branch?: string): void {
    const repo = this.repo(fullName);
    const ref = branch ?? repo.defaultBranch;
    if (!repo.files.has(ref)) repo.files.set(ref, new Map());
    repo.files.get(ref)!.set(path, content);
  }

  addPull(
    fullName: string,
    pull: Partial<Omit<SimPull, "user" | "base" | "head">> & {
      author?: string;
      base?: string;
      head?: string;
      headSha?: string;
      fromFork?: string;
    } = {},
  ): SimPull {
    const repo = this.repo(fullName);
    const number = pull.number ?? repo.nextNumber;
    repo.nextNumber = Math.max(repo.nextNumber, number + 1);
    const author = this.user(pull.author ?? "dev");
    const headSha = pull.headSha ?? sha(`${fullName}#${number}:head`);
    const created = pull.createdAt ?? this.now();
    const sim: SimPull = {
      number,
      id: this.id(),
      nodeId: `PR_${this.nextId}`,
      title: pull.title ?? "Fix the outage",
      body: pull.body === undefined ? "## Incident\nINC-1 checkout is down\n\n## Rollback plan\nRevert this PR." : pull.body,
      state: pull.state ?? "open",
      draft: pull.draft ?? false,
      merged: pull.merged ?? false,
      mergedAt: pull.mergedAt ?? null,
      mergeCommitSha: pull.mergeCommitSha ?? null,
      mergedBy: pull.mergedBy ?? null,
      closedAt: pull.closedAt ?? null,
      user: author,
      createdAt: created,
      updatedAt: created,
      base: { ref: pull.base ?? repo.defaultBranch, sha: repo.branches.get(pull.base ?? repo.defaultBranch) ?? sha("base") },
      head: { ref: pull.head ?? `fix-${number}`, sha: headSha, repoFullName: pull.fromFork ?? `${repo.owner.login}/${repo.name}` },
      labels: pull.labels ?? [],
      files: pull.files ?? [{ path: "src/app.ts", additions: 3, deletions: 1 }],
      changedFilesOverride: pull.changedFilesOverride,
      commits: pull.commits ?? [{ sha: headSha, authorLogins: [author.login], committerLogin: author.login }],
      assignees: pull.assignees ?? [],
      requestedReviewers: [],
      requestedTeams: [],
      maintainerCanModify: false,
    };
    for (const label of sim.labels) repo.labels.add(label);
    repo.pulls.set(number, sim);
    // The head branch was pushed (created) by the author just as the PR was opened, in the head repository.
    this.recordActivity(sim.head.repoFullName, sim.head.ref, { before: "0".repeat(40), after: headSha, type: "branch_creation", actor: author.login, at: created });
    return sim;
  }

  pull(fullName: string, number: number): SimPull {
    const pull = this.repo(fullName).pulls.get(number);
    if (!pull) throw new Error(`simulator: no pull request ${fullName}#${number}`);
    return pull;
  }

  /**
   * A push to the PR's branch: a new head commit, pushed by `pusher` (the PR's author unless
   * said), recorded in the head repository's activity as GitHub does. Review comments whose line
   * the push leaves alone move along to the new head (GitHub updates their `commit_id`; the
   * `original_commit_id` stays).
   */
  push(fullName: string, number: number, commit: Partial<SimCommit> & { pusher?: string } = {}): SimCommit {
    const pull = this.pull(fullName, number);
    const { pusher, ...rest } = commit;
    const next: SimCommit = {
      sha: rest.sha ?? sha(`${fullName}#${number}:${pull.commits.length}:${this.id()}`),
      authorLogins: rest.authorLogins ?? [pull.user.login],
      committerLogin: rest.committerLogin === undefined ? pull.user.login : rest.committerLogin,
      committedAt: this.now(),
    };
    const before = pull.head.sha;
    pull.commits.push(next);
    this.moveHead(fullName, pull, before, next.sha, "push", pusher ?? pull.user.login);
    return next;
  }

  /**
   * A force-push of the PR's branch to `sha` (a new commit, or one it had before: the PR's commits
   * are cut back to it). GitHub records it in the activity (`force_push`) and in the PR's
   * timeline (`HeadRefForcePushedEvent`).
   */
  forcePush(fullName: string, number: number, options: { sha?: string; pusher?: string; commits?: SimCommit[] } = {}): string {
    const pull = this.pull(fullName, number);
    const target = options.sha ?? sha(`${fullName}#${number}:force:${this.id()}`);
    const known = pull.commits.findIndex((commit) => commit.sha === target);
    pull.commits =
      options.commits ??
      (known >= 0 ? pull.commits.slice(0, known + 1) : [{ sha: target, authorLogins: [pull.user.login], committerLogin: pull.user.login, committedAt: this.now() }]);
    const before = pull.head.sha;
    const actor = this.user(options.pusher ?? pull.user.login);
    this.moveHead(fullName, pull, before, target, "force_push", actor.login);
    this.repo(fullName).timeline.push({ id: this.id(), pullNumber: number, at: this.now(), actor, type: "HeadRefForcePushedEvent", beforeSha: before, afterSha: target, ref: pull.head.ref });
    return target;
  }

  private moveHead(fullName: string, pull: SimPull, before: string, after: string, type: "push" | "force_push", pusher: string): void {
    pull.head.sha = after;
    this.recordActivity(pull.head.repoFullName, pull.head.ref, { before, after, type, actor: pusher });
    for (const comment of this.repo(fullName).reviewComments) {
      if (comment.issueNumber !== pull.number) continue;
      comment.originalCommitId ??= comment.commitId;
      comment.commitId = after;
    }
  }

  /** A record of the activity API, when the head repository is one the simulator holds (a fork usually is not). */
  recordActivity(
    fullName: string,
    branch: string,
    entry: { before: string; after: string; type: "push" | "force_push" | "branch_creation" | "branch_deletion"; actor: string | null; at?: string },
  ): void {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) return;
    repo.activity.push({
      id: this.id(),
      nodeId: `RA_${this.nextId}`,
      before: entry.before,
      after: entry.after,
      ref: `refs/heads/${branch}`,
      timestamp: entry.at ?? this.now(),
      activityType: entry.type,
      actor: entry.actor ? this.user(entry.actor) : null,
    });
  }

  /** Someone changes the PR's base branch (Edit → base): GitHub records a `BaseRefChangedEvent`. */
  changeBase(fullName: string, number: number, base: string, actor: string): void {
    const repo = this.repo(fullName);
    const pull = this.pull(fullName, number);
    const previous = pull.base.ref;
    pull.base = { ref: base, sha: repo.branches.get(base) ?? sha(`${fullName}:${base}`) };
    repo.timeline.push({ id: this.id(), pullNumber: number, at: this.now(), actor: this.user(actor), type: "BaseRefChangedEvent", previousRefName: previous, currentRefName: base });
  }

  /** A review is dismissed: its state becomes DISMISSED and the timeline records a `ReviewDismissedEvent`. */
  dismissReview(fullName: string, reviewId: number, actor: string, message = "Dismissed"): SimComment {
    const repo = this.repo(fullName);
    const review = repo.reviews.find((candidate) => candidate.id === reviewId);
    if (!review) throw new Error(`simulator: no review ${reviewId}`);
    review.state = "DISMISSED";
    repo.timeline.push({ id: this.id(), pullNumber: review.issueNumber, at: this.now(), actor: this.user(actor), type: "ReviewDismissedEvent", reviewId, message });
    return review;
  }

  /**
   * A comment or review comment is deleted, with its reactions. GitHub keeps no text of it; the
   * timeline says "<actor> deleted a comment from <author>" (`CommentDeletedEvent`) for issue
   * comments deleted by someone else only: an author deleting their own comment, or any review
   * comment, leaves no record here (never kinder than GitHub).
   */
  deleteComment(fullName: string, commentId: number, actor: string): void {
    const repo = this.repo(fullName);
    const comment = repo.issueComments.find((candidate) => candidate.id === commentId);
    const reviewComment = repo.reviewComments.find((candidate) => candidate.id === commentId);
    if (!comment && !reviewComment) throw new Error(`simulator: no comment ${commentId}`);
    if (comment) repo.issueComments.splice(repo.issueComments.indexOf(comment), 1);
    if (reviewComment) repo.reviewComments.splice(repo.reviewComments.indexOf(reviewComment), 1);
    repo.reactions = repo.reactions.filter((reaction) => reaction.subjectId !== commentId);
    const by = this.user(actor);
    if (comment && by.id !== comment.user.id) {
      repo.timeline.push({ id: this.id(), pullNumber: comment.issueNumber, at: this.now(), actor: by, type: "CommentDeletedEvent", deletedCommentAuthor: comment.user });
    }
  }

  addCheckRun(fullName: string, run: Partial<SimCheckRun> & { headSha: string; name: string }): SimCheckRun {
    const check: SimCheckRun = {
      id: this.id(),
      nodeId: `CR_${this.nextId}`,
      status: "completed",
      conclusion: run.status && run.status !== "completed" ? null : "success",
      startedAt: this.now(),
      completedAt: run.status && run.status !== "completed" ? null : this.now(),
      output: { title: null, summary: null, text: null },
      externalId: null,
      detailsUrl: null,
      app: { id: 15368, slug: "github-actions" },
      ...run,
    };
    this.repo(fullName).checkRuns.push(check);
    return check;
  }

  addStatus(fullName: string, status: Partial<SimStatus> & { sha: string; context: string; state: SimStatus["state"] }): SimStatus {
    const created: SimStatus = { id: this.id(), description: null, targetUrl: null, createdAt: this.now(), ...status };
    this.repo(fullName).statuses.push(created);
    return created;
  }

  addComment(fullName: string, issueNumber: number, author: string, body: string, extra: Partial<SimComment> = {}): SimComment {
    const at = this.now();
    const comment: SimComment = {
      id: this.id(),
      nodeId: `IC_${this.nextId}`,
      issueNumber,
      user: this.user(author),
      body,
      createdAt: at,
      updatedAt: at,
      lastEditedAt: null,
      ...extra,
    };
    this.repo(fullName).issueComments.push(comment);
    return comment;
  }

  addReview(fullName: string, pullNumber: number, author: string, body: string, extra: Partial<SimComment> = {}): SimComment {
    const at = this.now();
    const review: SimComment = {
      id: this.id(),
      nodeId: `PRR_${this.nextId}`,
      issueNumber: pullNumber,
      user: this.user(author),
      body,
      createdAt: at,
      updatedAt: at,
      lastEditedAt: null,
      commitId: this.pull(fullName, pullNumber).head.sha,
      state: "COMMENTED",
      ...extra,
    };
    this.repo(fullName).reviews.push(review);
    return review;
  }

  addReviewComment(fullName: string, pullNumber: number, author: string, body: string, extra: Partial<SimComment> = {}): SimComment {
    const at = this.now();
    const comment: SimComment = {
      id: this.id(),
      nodeId: `PRRC_${this.nextId}`,
      issueNumber: pullNumber,
      user: this.user(author),
      body,
      createdAt: at,
      updatedAt: at,
      lastEditedAt: null,
      commitId: this.pull(fullName, pullNumber).head.sha,
      path: "src/app.ts",
      ...extra,
    };
    comment.originalCommitId ??= comment.commitId;
    this.repo(fullName).reviewComments.push(comment);
    return comment;
  }

  setPermission(fullName: string, login: string, permission: SimPermission): void {
    this.user(login);
    this.repo(fullName).permissions.set(login, permission);
  }

  addTeam(org: string, slug: string, members: Record<string, "active" | "pending"> = {}): SimTeam {
    const team: SimTeam = { org, slug, id: this.id(), members: new Map(Object.entries(members)) };
    for (const login of Object.keys(members)) this.user(login);
    this.teams.set(`${org}/${slug}`.toLowerCase(), team);
    return team;
  }

  /**
   * Replication lag (GitHub's reads are served by replicas): the next `reads` reads of the PR
   * (REST `GET /pulls/{n}`, GraphQL `pullRequest`) answer as a replica that has not caught up —
   * not found (a PR just opened), or with `staleHead` as its head (a push just made).
   */
  lagPull(fullName: string, number: number, lag: { reads: number; staleHead?: string }): void {
    this.pullLag.set(`${fullName}#${number}`.toLowerCase(), { ...lag });
  }

  /** What a read of the PR sees now: the PR, an older view of it, or nothing; counts the read. */
  readPull(repo: SimRepo, number: number): SimPull | undefined {
    const pull = repo.pulls.get(number);
    const key = `${repo.owner.login}/${repo.name}#${number}`.toLowerCase();
    const lag = this.pullLag.get(key);
    if (!pull || !lag || lag.reads <= 0) return pull;
    lag.reads -= 1;
    if (!lag.staleHead) return undefined;
    const index = pull.commits.findIndex((commit) => commit.sha === lag.staleHead);
    return { ...pull, head: { ...pull.head, sha: lag.staleHead }, commits: index >= 0 ? pull.commits.slice(0, index + 1) : pull.commits };
  }

  // ---- queries for assertions ----------------------------------------------------------------

  /** The app's check runs on `sha`, oldest first. */
  checkRuns(fullName: string, sha: string, name = "Hotfix governance"): SimCheckRun[] {
    return this.repo(fullName).checkRuns.filter((run) => run.headSha === sha && run.name === name && run.app.id === SIM_APP.id);
  }

  /** What GitHub shows: the newest run of the name. */
  latestCheck(fullName: string, sha: string, name = "Hotfix governance"): SimCheckRun | undefined {
    return this.checkRuns(fullName, sha, name).at(-1);
  }

  /** Every request that changes something: REST writes and GraphQL mutations (a GraphQL query is a read, though sent with POST). */
  writes(): RecordedRequest[] {
    return this.requests.filter((request) =>
      request.path === "/graphql" ? isMutation(request.body?.query) : request.method !== "GET" && !/\/access_tokens$/.test(request.path),
    );
  }

  reset(): void {
    this.requests.length = 0;
    this.unhandled.length = 0;
  }

  // ---- HTTP --------------------------------------------------------------------------------

  async handle(
    method: string,
    url: string,
    body: any,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<SimResponse | "hang" | "reset"> {
    const parsed = new URL(url, this.baseUrl);
    const path = decodeURIComponent(parsed.pathname.replace(/^\/api\/v3/, "").replace(/^\/api(?=\/graphql)/, ""));
    const fault = this.faults.find((candidate) => candidate.method === method && candidate.path.test(path) && candidate.times > 0 && (!candidate.when || candidate.when(body)));
    if (fault) {
      fault.times -= 1;
      this.requests.push({ method, path, query: parsed.searchParams, body, status: typeof fault.response === "string" ? 0 : fault.response.status });
      return fault.response;
    }
    let response: SimResponse = ghError(404, "Not Found");
    const target = /^\/repos\/([^/]+)\/([^/]+)/.exec(path);
    if (target && this.invisibleRepositories.has(`${target[1]}/${target[2]}`.toLowerCase())) {
      this.requests.push({ method, path, query: parsed.searchParams, body, status: 404 });
      return response;
    }
    const route = this.routes.find((candidate) => candidate.method === method && candidate.pattern.test(path));
    if (route) {
      const match = route.pattern.exec(path)!;
      const params = Object.fromEntries(route.keys.map((key, index) => [key, match[index + 1]]));
      response = await route.handler({ method, params, query: parsed.searchParams, body, headers });
    } else {
      this.unhandled.push(`${method} ${path}`);
      this.unhandledEver.push(`${method} ${path}`);
    }
    const installation = installationOf(headers);
    const resource = path === "/graphql" ? "graphql" : "core";
    const points = resource === "graphql" ? Number(response.headers?.[COST_HEADER] ?? 1) : 1;
    const limit = this.rateLimit(installation, resource);
    if (!/\/access_tokens$/.test(path)) limit.used += points;
    const { [COST_HEADER]: _cost, ...headersOut } = response.headers ?? {};
    response = {
      ...response,
      headers: {
        "x-ratelimit-limit": String(limit.limit),
        "x-ratelimit-remaining": String(Math.max(0, limit.limit - limit.used)),
        "x-ratelimit-used": String(limit.used),
        "x-ratelimit-reset": String(limit.reset),
        "x-ratelimit-resource": resource,
        ...headersOut,
      },
    };
    this.requests.push({ method, path, query: parsed.searchParams, body, status: response.status, points, installation });
    return response;
  }
}

/** `token ghs_simulated<id>` → the installation id. */
const installationOf = (headers: Record<string, string | string[] | undefined>): number | null => {
  const match = /ghs_simulated(\d+)/.exec(String(headers.authorization ?? ""));
  return match ? Number(match[1]) : null;
};

/** A deterministic 40-hex "sha" for a name. */
export const sha = (name: string): string => {
  let h1 = 0x811c9dc5;
  let out = "";
  for (let round = 0; out.length < 40; round++) {
    for (const char of `${round}:${name}`) h1 = Math.imul(h1 ^ char.charCodeAt(0), 16777619) >>> 0;
    out += h1.toString(16).padStart(8, "0");
  }
  return out.slice(0, 40);
};

export type { SimCheckRun, SimComment, SimFile, SimIssue, SimPull, SimReaction, SimRepo, SimStatus, SimTeam, SimUser };
