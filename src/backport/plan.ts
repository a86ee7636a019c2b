import type { CommitSide } from "./port-plan.js";

/** What GitHub says about one target, read in one query for all targets. */
export interface TargetState {
  target: string;
  /** The target branch's head commit and tree; null when the branch does not exist. */
  head: { oid: string; tree: string } | null;
  /** PRs whose head branch is `backport/<n>-to-<target>` (any state). */
  pullRequests: Array<{
    number: number;
    url: string;
    state: "OPEN" | "CLOSED" | "MERGED";
    baseRefName: string;
    isCrossRepository: boolean;
    authorIsBot: boolean;
    labels: string[];
  }>;
  /** The backport branch's head, when the branch exists. */
  branch: { oid: string; message: string } | null;
  /** A ruleset requires signed commits on the target: only GitHub-signed commits can be merged there. */
  requiresSignatures: boolean;
  /** The target head's entries at the change's paths (null when the branch does not exist). */
  side: CommitSide | null;
}

export type TargetAction =
  /** A backport PR exists (open, merged or deliberately closed): nothing to redo. Labels it lacks are added if it is the app's and open. */
  | { kind: "exists"; pullRequest: { number: number; url: string }; missingLabels: string[] }
  | { kind: "missing_branch" }
  /** An earlier attempt pushed the backport branch but stopped before the PR: finish it. */
  | { kind: "open_pull_request"; branchHead: string }
  /** A branch of that name exists and is not the app's backport of this change: left alone. */
  | { kind: "foreign_branch"; branchHead: string }
  | { kind: "port"; head: { oid: string; tree: string }; side: CommitSide };

/**
 * The next step for one target, from what GitHub says now: an existing backport PR wins (a
 * redelivery creates nothing), then a missing target, then a backport branch left by an earlier
 * attempt, then the cherry-pick itself.
 */
export const decideTarget = (state: TargetState, isOurCommit: (message: string) => boolean, labels: string[]): TargetAction => {
  const existing = state.pullRequests.find((pull) => !pull.isCrossRepository && pull.baseRefName === state.target);
  if (existing) {
    const ours = existing.authorIsBot && existing.state === "OPEN";
    const missingLabels = ours ? labels.filter((label) => !existing.labels.some((name) => name.toLowerCase() === label.toLowerCase())) : [];
    return { kind: "exists", pullRequest: { number: existing.number, url: existing.url }, missingLabels };
  }
  if (!state.head) return { kind: "missing_branch" };
  if (state.branch) {
    return isOurCommit(state.branch.message) ? { kind: "open_pull_request", branchHead: state.branch.oid } : { kind: "foreign_branch", branchHead: state.branch.oid };
  }
  if (!state.side) return { kind: "missing_branch" };
  return { kind: "port", head: state.head, side: state.side };
};
