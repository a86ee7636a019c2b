/**
 * What happened to one backport target. Produced by the backport flow, read by the postmortem
 * (timeline entries, action items for every failure) and by the PR comments.
 */
export type BackportStatus =
  | "created" // a backport PR was opened (or found: a redelivery)
  | "conflict" // the change does not apply cleanly: manual instructions were posted
  | "missing_branch" // the target branch does not exist
  | "already_applied" // the change is already on the target
  | "refused" // GitHub refused the write (protected branch, workflow files ...)
  | "failed" // a GitHub error that retries did not overcome
  | "planned"; // dry run: what would have been created

export interface BackportOutcome {
  target: string;
  status: BackportStatus;
  /** The backport PR, when one exists. */
  pullRequest?: { number: number; url: string };
  /** Plain words for people: why it failed, what to do. */
  reason?: string;
  /** When it happened (ISO-8601, UTC). */
  at: string;
  /** The branch the backport lives (or would live) on: `backport/<pr-number>-to-<target>`. */
  branch?: string;
  /** The git commands that do it by hand, when the app could not (conflict, refusal, failure). */
  manualCommands?: string;
}

