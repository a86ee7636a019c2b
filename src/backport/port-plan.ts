/**
 * The port engine's pure core: what one commit on a target must contain so that it applies a
 * change — the difference between a change's base tree and its tree — to the target's tree, as
 * `git cherry-pick` would. A backport picks (merge parent → merged tree); a revert picks the same
 * change backwards (merged tree → merge parent). No HTTP here: the entries come from GitHub.
 */

/** A tree entry as GitHub's git data lists it: mode in git's octal notation ("100644"). */
export interface Entry {
  mode: string;
  sha: string;
  type: "blob" | "tree" | "commit";
}

/** One path the change touches: its entry before and after (null: absent). */
export interface PathChange {
  path: string;
  before: Entry | null;
  after: Entry | null;
}

/** One entry of `POST /git/trees`: `sha: null` removes the path. */
export interface TreeWrite {
  path: string;
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string | null;
}

export const WORKFLOWS_DIR = ".github/workflows";

/** GitHub protects `.github/workflows/` (and the directory itself) from apps without the `workflows` permission. */
export const isWorkflowPath = (path: string): boolean => path === WORKFLOWS_DIR || path.startsWith(`${WORKFLOWS_DIR}/`);

export const sameEntry = (a: Entry | null, b: Entry | null): boolean => (a === null || b === null ? a === b : a.sha === b.sha && a.mode === b.mode && a.type === b.type);

/** GraphQL's TreeEntry.mode is a number; git writes it in octal. */
export const octalMode = (mode: number): string => mode.toString(8).padStart(6, "0");

export type PortPlan =
  /** Every path is unchanged on the target (or already as the change leaves it): the target's tree plus these entries. */
  | { kind: "clean"; writes: TreeWrite[] }
  /** The target already looks as the change leaves it. */
  | { kind: "already_applied" }
  /** These paths changed on the target too: they need a content merge (git's, through GitHub's merges endpoint). */
  | { kind: "merge"; paths: string[] }
  /** The change itself writes workflow files: the app may not (no `workflows` permission). */
  | { kind: "touches_workflows"; paths: string[] };

/**
 * The paths a comparison lists (new and previous names) with their entries on both sides; paths
 * whose entry did not change are dropped.
 */
export const pathChanges = (paths: string[], before: (path: string) => Entry | null, after: (path: string) => Entry | null): PathChange[] =>
  [...new Set(paths)]
    .map((path) => ({ path, before: before(path), after: after(path) }))
    .filter((change) => !sameEntry(change.before, change.after));

/** The same change backwards: what `git revert` applies. */
export const invertChanges = (changes: PathChange[]): PathChange[] => changes.map((change) => ({ path: change.path, before: change.after, after: change.before }));

/**
 * Plans one pick onto a target whose entry at each path is `target(path)`:
 * 1. a change that writes under `.github/workflows/` is not the app's to port;
 * 2. a path the target still has as the base had it takes the change's entry; a path the target
 *    already has as the change leaves it needs nothing;
 * 3. any other path changed on both sides: a content merge decides (or reports the conflict).
 * A plain-file entry is compared by mode and blob, so mode changes and binaries count like edits.
 */
export const planPort = (changes: PathChange[], target: (path: string) => Entry | null): PortPlan => {
  const workflows = changes.filter((change) => isWorkflowPath(change.path)).map((change) => change.path);
  if (workflows.length > 0) return { kind: "touches_workflows", paths: workflows };
  const writes: TreeWrite[] = [];
  const both: string[] = [];
  for (const change of changes) {
    const current = target(change.path);
    if (sameEntry(current, change.after)) continue;
    if (!sameEntry(current, change.before) || (change.after?.type === "tree")) {
      both.push(change.path);
      continue;
    }
    writes.push(change.after ? { path: change.path, mode: change.after.mode, type: change.after.type, sha: change.after.sha } : { path: change.path, mode: change.before!.mode, type: change.before!.type, sha: null });
  }
  if (both.length > 0) return { kind: "merge", paths: both };
  if (writes.length === 0) return { kind: "already_applied" };
  return { kind: "clean", writes };
};

/** A commit as the engine sees it: its tree, its `.github/workflows` entry, and its entries at the paths read. */
export interface CommitSide {
  commit: string;
  tree: string;
  workflows: Entry | null;
  /** Entry (null: absent) at each path read; a path not read is not a key. */
  entries: Map<string, Entry | null>;
}

/** The entry of `side` at `path`; throws when the path was not read (a bug, never a guess). */
export const entryAt = (side: CommitSide, path: string): Entry | null => {
  if (!side.entries.has(path)) throw new Error(`the entry of ${path} on ${side.commit} was not read`);
  return side.entries.get(path) ?? null;
};
