import type { ApprovalsRecord } from "../governance/approvals/evaluate-approvals.js";
import type { Actor, HeadCheck } from "../governance/facts.js";

/**
 * What GitHub records about a merged PR, as the postmortem reads it: the PR's own timeline
 * (labels, comments, reviews, merge, issues that reference it) and the checks of its head commit.
 * Gathered by one GraphQL query (`src/github/issues.ts`); every time is ISO-8601 UTC.
 */
export interface LabelEvent {
  action: "labeled" | "unlabeled";
  label: string;
  actor: string | null;
  at: string;
}

/** A conversation comment, a review body or a review comment: where commands are written. */
export interface HistoryComment {
  kind: "comment" | "review" | "review_comment";
  id: number | null;
  url: string | null;
  author: Actor | null;
  body: string;
  createdAt: string;
  /** GitHub's edit record; null when never edited. */
  lastEditedAt: string | null;
  /** Reviews: GitHub's review state (`DISMISSED` reviews grant nothing). */
  state?: string;
  /** Reviews: the commit they were made on. */
  commitSha?: string | null;
  /** Written by this app (GraphQL `viewerDidAuthor`). */
  byApp: boolean;
  /** Reactions this app put on it (GraphQL `viewerHasReacted`), e.g. `THUMBS_UP` for an accepted command. */
  appReactions: string[];
}

/** An issue whose body mentions the PR (a `CrossReferencedEvent` on the PR). */
export interface ReferencingIssue {
  number: number;
  url: string;
  title: string;
  body: string;
  state: string;
  byApp: boolean;
}

/** A pull request whose body mentions the PR (a `CrossReferencedEvent` on the PR): backports and reverts. */
export interface ReferencingPullRequest {
  number: number;
  url: string;
  body: string;
  headRefName: string;
  createdAt: string;
  mergedAt: string | null;
  /** Opened by this app (GraphQL `viewerDidAuthor`). */
  byApp: boolean;
}

export interface PullRequestHistory {
  number: number;
  title: string;
  body: string;
  url: string;
  createdAt: string;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: Actor | null;
  author: Actor | null;
  labels: string[];
  headSha: string;
  /** The newest run/status of each name on the head commit. */
  headChecks: HeadCheck[];
  /** The approvals as the app's newest `Hotfix governance` run on the head commit recorded them; null without one. */
  approvalsRecord: ApprovalsRecord | null;
  labelEvents: LabelEvent[];
  comments: HistoryComment[];
  referencingIssues: ReferencingIssue[];
  /** Pull requests that mention it (absent: not read). */
  referencingPullRequests?: ReferencingPullRequest[];
}
