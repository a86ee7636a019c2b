/**
 * The simulated GitHub's state: what the app reads and writes. Shapes follow GitHub's objects;
 * REST and GraphQL views are rendered from this one state, so both APIs always agree.
 */
export interface SimUser {
  login: string;
  id: number;
  type: "User" | "Bot";
}

export interface SimFile {
  path: string;
  additions: number;
  deletions: number;
  /** GraphQL PatchStatus: ADDED, DELETED, MODIFIED, RENAMED, COPIED, CHANGED. */
  changeType?: string;
  /** RENAMED files: the old path (REST `previous_filename`; GraphQL has none). */
  previousPath?: string;
}

export interface SimCommit {
  sha: string;
  authorLogins: string[];
  committerLogin: string | null;
  message?: string;
  committedAt?: string;
}

export interface SimPull {
  number: number;
  id: number;
  nodeId: string;
  title: string;
  body: string | null;
  state: "open" | "closed";
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: SimUser | null;
  closedAt: string | null;
  user: SimUser;
  createdAt: string;
  updatedAt: string;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string; repoFullName: string };
  labels: string[];
  files: SimFile[];
  /** GitHub's count may exceed the files it lists (it lists at most 3000). */
  changedFilesOverride?: number;
  commits: SimCommit[];
  assignees: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
  maintainerCanModify: boolean;
}

export interface SimCheckRun {
  id: number;
  nodeId: string;
  headSha: string;
  name: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  externalId: string | null;
  detailsUrl: string | null;
  app: { id: number; slug: string };
}

export interface SimStatus {
  id: number;
  sha: string;
  context: string;
  state: "error" | "failure" | "pending" | "success";
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
}

/** An issue comment, a review or a review comment. */
export interface SimComment {
  id: number;
  nodeId: string;
  issueNumber: number;
  user: SimUser;
  body: string;
  createdAt: string;
  updatedAt: string;
  /** GitHub's edit record (GraphQL lastEditedAt); null until a human edits the body. */
  lastEditedAt: string | null;
  /** Reviews and review comments. */
  commitId?: string;
  /** Review comments: the commit shown when it was written (GitHub moves `commitId` along to newer pushes). */
  originalCommitId?: string;
  /** Review comments: the review they belong to (GitHub makes a one-comment review otherwise). */
  reviewId?: number;
  state?: string;
  path?: string;
  inReplyToId?: number;
}

export interface SimReaction {
  id: number;
  subject: "comment" | "review_comment" | "review" | "issue";
  subjectId: number;
  user: SimUser;
  content: string;
  createdAt: string;
}

export interface SimIssue {
  number: number;
  id: number;
  nodeId: string;
  title: string;
  body: string | null;
  state: "open" | "closed";
  labels: string[];
  assignees: string[];
  user: SimUser;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** A record of the repository activity API (`GET /repos/{owner}/{repo}/activity`). */
export interface SimActivity {
  id: number;
  nodeId: string;
  before: string;
  after: string;
  /** `refs/heads/<branch>` */
  ref: string;
  timestamp: string;
  activityType: "push" | "force_push" | "branch_creation" | "branch_deletion" | "pr_merge" | "merge_queue_merge";
  actor: SimUser | null;
}

/** A PR timeline event the approvals read (GraphQL `timelineItems`). */
export type SimTimelineEvent = { id: number; pullNumber: number; at: string; actor: SimUser | null } & (
  | { type: "HeadRefForcePushedEvent"; beforeSha: string; afterSha: string; ref: string }
  | { type: "BaseRefChangedEvent"; previousRefName: string; currentRefName: string }
  | { type: "CommentDeletedEvent"; deletedCommentAuthor: SimUser | null }
  | { type: "ReviewDismissedEvent"; reviewId: number; message: string }
);

export type SimPermission = "admin" | "maintain" | "write" | "triage" | "read";

export interface SimRepo {
  id: number;
  nodeId: string;
  owner: SimUser;
  name: string;
  defaultBranch: string;
  private: boolean;
  hasIssues: boolean;
  /** Content of files per branch (config files, templates). */
  files: Map<string, Map<string, string>>;
  branches: Map<string, string>;
  pulls: Map<number, SimPull>;
  issues: Map<number, SimIssue>;
  labels: Set<string>;
  checkRuns: SimCheckRun[];
  statuses: SimStatus[];
  issueComments: SimComment[];
  reviews: SimComment[];
  reviewComments: SimComment[];
  reactions: SimReaction[];
  permissions: Map<string, SimPermission>;
  nextNumber: number;
  /** Pushes and other branch moves, oldest first (the activity API lists them newest first). */
  activity: SimActivity[];
  /** Timeline events of its PRs, oldest first. */
  timeline: SimTimelineEvent[];
}

export interface SimTeam {
  org: string;
  slug: string;
  id: number;
  /** login → membership state */
  members: Map<string, "active" | "pending">;
}

/** Who may be assigned: the owner and collaborators with triage or more; never a bot. */
export const assignable = (repo: SimRepo, login: string): boolean => {
  if (login.endsWith("[bot]")) return false;
  if (login.toLowerCase() === repo.owner.login.toLowerCase()) return true;
  const permission = [...repo.permissions.entries()].find(([name]) => name.toLowerCase() === login.toLowerCase())?.[1];
  return permission !== undefined && permission !== "read";
};
