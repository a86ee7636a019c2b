/**
 * What the report reads from GitHub, as plain data: the gateway (`src/github/report-queries.ts`)
 * fills these, the pure core (`build-report.ts`) turns them into rows and totals.
 */

/** A label added or removed, from the PR's timeline (LabeledEvent / UnlabeledEvent). */
export interface LabelEvent {
  action: "labeled" | "unlabeled";
  label: string;
  at: string;
}

/** A merged PR of the period, as the search lists it. */
export interface MergedPullRequest {
  /** GraphQL node id: the key of the batched detail query. */
  id: string;
  repository: string;
  number: number;
  mergedAt: string;
  labelEvents: LabelEvent[];
}

/** The newest `Hotfix governance` run of the app on the merged head commit. */
export interface GovernanceCheck {
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
}

/** Another PR or issue whose body mentions the hotfix (GitHub's CrossReferencedEvent). */
export interface Reference {
  kind: "PullRequest" | "Issue";
  number: number;
  title: string;
  url: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  createdAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  /** Pull requests: the branch it was opened from. */
  headRef: string | null;
  /** Issues: the body (the postmortem's markers). */
  body: string | null;
  /** Written by the app's bot account. */
  byApp: boolean;
}

export interface ApprovingReview {
  author: string | null;
  submittedAt: string;
}

/** Everything the report needs about one merged hotfix. */
export interface HotfixFacts {
  repository: string;
  number: number;
  title: string;
  body: string;
  url: string;
  createdAt: string;
  mergedAt: string;
  base: string;
  author: string | null;
  mergedBy: { login: string; isBot: boolean } | null;
  mergeCommitMessage: string | null;
  /** The PR's head commit when it was merged. */
  headSha: string;
  /** Full SHAs of the PR's commits (short SHAs in the check output are expanded against these). */
  commitShas: string[];
  /** Logins of the commits' authors and committers: like the author, they cannot be the review after merge. */
  makers: string[];
  governanceCheck: GovernanceCheck | null;
  approvingReviews: ApprovingReview[];
  /** Bodies of the app's comments on the PR (backport failure reports carry markers). */
  appComments: string[];
  references: Reference[];
  labelEvents: LabelEvent[];
}
