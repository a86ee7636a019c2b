/** Names the backport flow gives to branches, and how it recognises its own. */

/** The backport branch of PR #`number` to `target`: its existence is the idempotency key. */
export const backportBranch = (number: number, target: string): string => `backport/${number}-to-${target}`;

/** Where every temporary branch of the app lives (backports' and reverts'). */
export const TEMP_BRANCH_ROOT = "hotfix-governance/tmp/";

/** Temporary branches live apart from `backport/…`, so a half-made commit is never mistaken for a backport. */
export const tempBranchPrefix = (number: number): string => `${TEMP_BRANCH_ROOT}backport-${number}/`;

/** One attempt's temporary branch: the time makes a crashed attempt's leftover recognisable as stale. */
export const tempBranch = (number: number, now: Date, nonce: string): string => `${tempBranchPrefix(number)}${now.getTime()}-${nonce}`;

/** An attempt older than this is over (a delivery times out long before): its temporary branch may go. */
export const STALE_TEMP_MS = 15 * 60 * 1000;

/** Temporary branches (full names under the prefix) left by attempts that can no longer be running. */
export const staleTempBranches = (names: string[], number: number, now: Date, prefix = tempBranchPrefix(number)): string[] =>
  names.filter((name) => {
    if (!name.startsWith(prefix)) return false;
    const started = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    return !Number.isFinite(started) || now.getTime() - started > STALE_TEMP_MS;
  });

/** The revert's temporary branches, apart from the backports'. */
export const revertTempPrefix = (number: number): string => `${TEMP_BRANCH_ROOT}revert-${number}/`;

/** A branch under `TEMP_BRANCH_ROOT` as GitHub lists it: its head commit's date and message. */
export interface TemporaryBranch {
  /** Without `refs/heads/`. */
  name: string;
  committedAt: string | null;
  message: string;
}

/** The app's temporary commits (and the merges into them) say so, and never run CI. */
const isTemporaryMessage = (message: string): boolean => /: temporary commit \[skip ci\]/.test(message) && /^skip-checks: true$/m.test(message);

/**
 * Temporary branches any attempt of the app left behind (a crash mid content-merge), for the
 * reconciliation sweep: under `TEMP_BRANCH_ROOT`, its head one of the app's temporary commits, and
 * both its name's start time and its commit's date older than `STALE_TEMP_MS` — an attempt in
 * progress made its commit moments ago, so it never loses its branch. A branch whose age cannot be
 * told from both is left alone.
 */
export const leftoverTemporaryBranches = (branches: TemporaryBranch[], now: Date): string[] =>
  branches
    .filter((branch) => {
      if (!branch.name.startsWith(TEMP_BRANCH_ROOT) || !isTemporaryMessage(branch.message)) return false;
      const started = Number(/^[^/]+\/(\d+)-/.exec(branch.name.slice(TEMP_BRANCH_ROOT.length))?.[1]);
      const committed = branch.committedAt ? Date.parse(branch.committedAt) : Number.NaN;
      if (!Number.isFinite(started) || !Number.isFinite(committed)) return false;
      return now.getTime() - Math.max(started, committed) > STALE_TEMP_MS;
    })
    .map((branch) => branch.name);

export const revertTempBranch = (number: number, now: Date, nonce: string): string => `${revertTempPrefix(number)}${now.getTime()}-${nonce}`;

/** The line every backport commit ends with, as `git cherry-pick -x` writes it. */
export const cherryPickedLine = (sha: string): string => `(cherry picked from commit ${sha})`;

/** Is this commit message the app's backport of `tip`? (A branch of that name made by someone else is left alone.) */
export const isBackportCommitOf = (message: string, tip: string): boolean => message.split("\n").some((line) => line.trim() === cherryPickedLine(tip));

/** The revert branch of PR #`number`: one per hotfix, its existence is the idempotency key. */
export const revertBranch = (number: number): string => `revert/${number}`;

/** The line every revert commit carries, as `git revert` writes it. */
export const revertedLine = (sha: string): string => `This reverts commit ${sha}.`;

export const isRevertCommitOf = (message: string, tip: string): boolean => message.split("\n").some((line) => line.trim() === revertedLine(tip));

/** Hidden markers: comments and PRs are found again by them, so a redelivery never posts twice. */
export const markers = {
  backportPullRequest: (number: number, target: string) => `<!-- hotfix-governance:backport:${number}:${target} -->`,
  failure: (number: number, target: string) => `<!-- hotfix-governance:backport-failure:${number}:${target} -->`,
  commandReply: (commentId: number) => `<!-- hotfix-governance:backport-reply:${commentId} -->`,
  dryRun: (number: number) => `<!-- hotfix-governance:backport-dry-run:${number} -->`,
  revertPullRequest: (number: number) => `<!-- hotfix-governance:revert:${number} -->`,
  revertReply: (commentId: number) => `<!-- hotfix-governance:revert-reply:${commentId} -->`,
  revertPostmortem: (number: number) => `<!-- hotfix-governance:postmortem-revert:${number} -->`,
};
