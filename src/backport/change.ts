/**
 * Which change a merged PR brought to its base, whatever the merge method. The change is always
 * "from `parent` to `tip`": cherry-picking it onto a target is a 3-way merge of `tip` into the
 * target with `parent` as the merge base (what `git cherry-pick` and `git cherry-pick -m 1` do).
 */
export type MergeMethod = "merge" | "squash" | "rebase";

export interface MergedChange {
  method: MergeMethod;
  /** The commit the change was made on (the merge base of the cherry-pick). */
  parent: string;
  /** The last commit of the change on the base branch (GitHub's merge_commit_sha). */
  tip: string;
  /** Commits the change spans on the base branch (1 for merge and squash). */
  commits: number;
}

export interface MergeCommitFacts {
  oid: string;
  message: string;
  parents: string[];
}

export interface PullCommitFacts {
  oid: string;
  message: string;
}

/** One commit of the base branch's history from the merge commit, newest first (`git log` order). */
export interface HistoryCommit {
  oid: string;
  message: string;
  parents: string[];
}

export type ChangeDetection =
  | { kind: "known"; change: MergedChange }
  /** One parent and several PR commits: squash or rebase; the first `length` commits of history decide. */
  | { kind: "needs-history"; length: number }
  | { kind: "unknown"; reason: string };

const sameMessage = (a: string, b: string): boolean => a.trim().replace(/\r\n/g, "\n") === b.trim().replace(/\r\n/g, "\n");

/**
 * What the merge commit alone tells: a merge commit (two parents: the change is against the
 * first), or a single new commit for a one-commit PR (squash and rebase are the same then).
 * A PR of several commits merged onto one parent needs the base's history (`needs-history`).
 */
export const detectFromMergeCommit = (input: { merge: MergeCommitFacts; headSha: string; prCommits: number }): ChangeDetection => {
  const { merge, headSha, prCommits } = input;
  if (merge.parents.length >= 2) return { kind: "known", change: { method: "merge", parent: merge.parents[0], tip: merge.oid, commits: 1 } };
  if (merge.parents.length === 0) return { kind: "unknown", reason: "the merge commit has no parent" };
  // GitHub fast-forwarded the base to the PR's own head (a push of the branch): the PR's commits are the change.
  if (merge.oid === headSha && prCommits > 1) return { kind: "needs-history", length: prCommits };
  if (prCommits <= 1) return { kind: "known", change: { method: "squash", parent: merge.parents[0], tip: merge.oid, commits: 1 } };
  return { kind: "needs-history", length: prCommits };
};

/**
 * Squash or rebase of N > 1 commits. A rebase replays each PR commit with its message (and
 * author) unchanged, so the newest N commits of the base's first-parent line carry the PR's
 * messages in order: then the change starts at the N-th commit's parent. Anything else is a
 * squash: one commit against its parent.
 */
export const detectFromHistory = (input: { merge: MergeCommitFacts; prCommits: PullCommitFacts[]; totalPrCommits: number; history: HistoryCommit[] }): ChangeDetection => {
  const { merge, prCommits, totalPrCommits, history } = input;
  const squash: ChangeDetection = { kind: "known", change: { method: "squash", parent: merge.parents[0], tip: merge.oid, commits: 1 } };
  if (history.length === 0 || history[0].oid !== merge.oid) return { kind: "unknown", reason: "the history does not start at the merge commit" };
  // Follow first parents only: `git log` order may interleave other lines of history.
  const byOid = new Map(history.map((commit) => [commit.oid, commit]));
  const line: HistoryCommit[] = [];
  for (let commit: HistoryCommit | undefined = history[0]; commit && line.length < totalPrCommits; commit = byOid.get(commit.parents[0] ?? "")) {
    line.push(commit);
  }
  // The PR's commits, newest first, compared with the line (as many of them as were read).
  const newestFirst = [...prCommits].reverse();
  if (newestFirst.length === 0 || !sameMessage(line[0].message, newestFirst[0].message)) return squash;
  const comparable = Math.min(newestFirst.length, line.length);
  const rebased = newestFirst.slice(0, comparable).every((commit, index) => line[index].parents.length === 1 && sameMessage(line[index].message, commit.message));
  if (!rebased) return squash;
  if (line.length < totalPrCommits) return { kind: "unknown", reason: `only ${line.length} of the ${totalPrCommits} rebased commits were found on the base branch` };
  const oldest = line[totalPrCommits - 1];
  return { kind: "known", change: { method: "rebase", parent: oldest.parents[0], tip: merge.oid, commits: totalPrCommits } };
};

export const describeMethod = (change: MergedChange): string =>
  change.method === "merge" ? "merge commit" : change.method === "squash" ? "squash merge" : `rebase merge of ${change.commits} commits`;

/**
 * Where the change starts, as far as the PR's own data tells, before any read:
 * - one commit, or a repository that allows no rebase merges: the merged commit's (first) parent
 *   (`<tip>^`), right for a squash, a merge commit and a rebase of one commit;
 * - a repository that allows only rebase merges: as many commits back as the PR had (`<tip>~<n>`);
 * - otherwise (several commits, rebase among other methods, or settings unknown): not known until
 *   the history is read.
 */
export const expectedStart = (pr: { mergeCommitSha: string; commitCount: number; mergeMethods?: MergeMethod[] }): string | null => {
  const tip = pr.mergeCommitSha;
  if (pr.commitCount <= 1) return `${tip}^`;
  const methods = pr.mergeMethods;
  if (!methods || methods.length === 0) return null;
  if (!methods.includes("rebase")) return `${tip}^`;
  return methods.length === 1 ? `${tip}~${pr.commitCount}` : null;
};
