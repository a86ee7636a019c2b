/**
 * What the app knows about one pull request, gathered once per delivery by the GitHub gateway
 * (`src/github/pull-request-facts.ts`) and read by the pure rules. All times are ISO-8601 UTC.
 */
export interface Actor {
  login: string;
  /** GitHub's own account type: bots never approve. */
  isBot: boolean;
}

export interface ChangedFile {
  path: string;
  additions: number;
  deletions: number;
  changeType: string;
  /**
   * A renamed file's old path (REST `previous_filename`; GraphQL has none). Read only when a path
   * rule or forbidden path is configured: undefined = not read, null = not renamed.
   */
  previousPath?: string | null;
}

export interface PullRequestCommit {
  sha: string;
  /** Logins of the commit's authors (co-authors included) that GitHub could map to accounts. */
  authorLogins: string[];
  committerLogin: string | null;
}

/** A comment, review body or review comment: every place a command can be written. */
export interface CommandSource {
  kind: "comment" | "review" | "review_comment";
  /** REST id (databaseId): used for reactions and replies. */
  id: number;
  author: Actor | null;
  body: string;
  createdAt: string;
  /** GitHub's own edit record; null when never edited. */
  lastEditedAt: string | null;
  /**
   * Reviews and review comments: the commit they were made on (a review comment's
   * `originalCommit`: GitHub moves `commit` along to newer pushes when the line is unchanged).
   */
  commitSha: string | null;
  /** Reviews: SUBMITTED-like states; `DISMISSED` reviews grant nothing. */
  state?: string;
  /** Review comments: the state of the review they belong to (a dismissed review withdraws its diff comments). */
  reviewState?: string | null;
  /** Review comments: the REST id of the review they belong to. */
  reviewId?: number | null;
  /** GraphQL node id: reviews have no REST reactions, so the app reacts to them through GraphQL. */
  nodeId?: string;
  /** Written by this app (GraphQL `viewerDidAuthor`): its status comment and replies are never commands. */
  viewerDidAuthor?: boolean;
  /** Reactions this app already put on it (GraphQL `viewerHasReacted`), e.g. `THUMBS_UP`. */
  viewerReactions?: string[];
}

/** A run or status on the head commit (GitHub's rollup: the newest per check suite and per context). */
export interface HeadCheck {
  name: string;
  kind: "check_run" | "status";
  /** check runs: queued|in_progress|completed...; statuses: completed when not pending. */
  status: "pending" | "completed";
  /** success|failure|neutral|skipped|cancelled|timed_out|action_required|stale|error|... lower case. */
  conclusion: string | null;
  completedAt: string | null;
  /** Check runs: when the run started; statuses: when it was posted. The newest of a name counts. */
  startedAt?: string | null;
}

/** One `Hotfix governance` run this app created on the head commit. */
export interface OwnCheckRun {
  id: number;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
}

/**
 * One record of GitHub's of a move of the PR's head branch: the repository activity API
 * (`GET /repos/{owner}/{repo}/activity`: push, force_push, branch_creation, branch_deletion) or a
 * `HeadRefForcePushedEvent` of the PR's timeline.
 */
export interface PushRecord {
  /** The commit the branch pointed at afterwards (`0000…` for a deletion). */
  after: string;
  before: string | null;
  /** Who pushed; null for a deleted account. */
  actor: string | null;
  at: string;
  type: "push" | "force_push" | "branch_creation" | "branch_deletion";
  source: "activity" | "timeline";
}

/** The pushes to the PR's head branch, as far as the app could read them. */
export interface PushHistory {
  /**
   * read: the head repository's activity was read; unavailable: GitHub refused it (a fork the
   * installation cannot see); not_read: nobody asked (only the timeline's force-pushes are known).
   */
  state: "read" | "unavailable" | "not_read";
  records: PushRecord[];
  /** False when GitHub listed more pushes than the app read (the oldest are missing). */
  complete: boolean;
  /** The repository whose activity holds the pushes (`owner/name`). */
  repository: string | null;
}

/** What the PR's timeline records besides comments: base changes, deletions, dismissals. */
export interface PullRequestTimeline {
  baseChanges: Array<{ at: string; actor: string | null; from: string; to: string }>;
  /** `CommentDeletedEvent`: GitHub keeps who deleted whose comment and when, never its text. */
  deletions: Array<{ at: string; actor: string | null; author: string | null }>;
  dismissals: Array<{ at: string; actor: string | null; reviewId: number | null; reviewer: string | null }>;
  /** False when the PR has more such events than one page: the oldest listed is `since`. */
  complete: boolean;
  /** The time of the oldest event read, when the list was cut. */
  since: string | null;
}

export interface PullRequestFacts {
  owner: string;
  repo: string;
  defaultBranch: string;
  /** The merge methods the repository's settings allow. */
  mergeMethods: Array<"merge" | "squash" | "rebase">;
  number: number;
  nodeId: string;
  title: string;
  /** Never null: GitHub's null body is read as "". */
  body: string;
  url: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  createdAt: string;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: Actor | null;
  author: Actor | null;
  baseRef: string;
  headRef: string;
  headSha: string;
  isCrossRepository: boolean;
  /** The head branch's repository (`owner/name`): a fork for cross-repository PRs; null when deleted. */
  headRepository: string | null;
  labels: string[];
  additions: number;
  deletions: number;
  /** GitHub's count of changed files (may exceed what it lists). */
  changedFiles: number;
  files: ChangedFile[];
  /** False when GitHub did not list every changed file (it caps the list at 3000). */
  filesComplete: boolean;
  commits: PullRequestCommit[];
  totalCommits: number;
  comments: CommandSource[];
  reviews: CommandSource[];
  reviewComments: CommandSource[];
  headChecks: HeadCheck[];
  ownCheckRuns: OwnCheckRun[];
  /** Pushes to the head branch (the activity API is read only when approvals need it). */
  pushes: PushHistory;
  timeline: PullRequestTimeline;
}
