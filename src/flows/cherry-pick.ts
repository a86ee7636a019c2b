import { entryAt, planPort, sameEntry, WORKFLOWS_DIR, type CommitSide, type Entry, type PathChange, type PortPlan, type TreeWrite } from "../backport/port-plan.js";
import { coAuthoredBy } from "../backport/messages.js";
import type { GitHub } from "../github/gateway.js";
import type { GitPerson } from "../github/git-data.js";
import type { Delivery } from "./delivery.js";
import { describeGitHubError } from "../github/errors.js";

/** The executor's calls: trees and commits, and the temporary branch of a content merge. */
export type CherryPickGitHub = Pick<GitHub, "createTree" | "createCommit" | "createBranch" | "mergeIntoBranch" | "deleteBranch">;

/**
 * The port engine's one input: a change — from the tree of `base` to the tree of `change`, at
 * the `changes` paths — and the target head to apply it to. Backports and forward-ports pick
 * (merge parent → merged commit); a revert picks the other way (merged commit → merge parent).
 */
export interface PickInput {
  base: CommitSide;
  change: CommitSide;
  /** A commit with `change`'s tree that descends from `base` (the merged commit); null for a revert: made when a merge needs it. */
  changeCommit: string | null;
  changes: PathChange[];
  /** `changes` lists every path the change touches (false: GitHub's comparison was cut at its limit). */
  complete: boolean;
  target: CommitSide;
  message: string;
  /** Who made the change: the commit's author, or a `Co-authored-by` trailer where the commit must be GitHub-signed. */
  author: GitPerson | null;
  /** The target requires signed commits: the commit carries no custom author, so GitHub signs it. */
  signed: boolean;
  /** A branch name this attempt alone uses, and the message of its temporary commits. */
  temporary: { branch: string; message: string };
}

/** The engine's one output: one commit on the target head (or why there is none). */
export type PickResult =
  | { kind: "picked"; commit: string }
  | { kind: "already_applied" }
  | { kind: "conflict"; paths: string[] }
  | { kind: "touches_workflows"; paths: string[] };

const isAlreadyExists = (error: unknown): boolean => {
  const e = error as { status?: number; message?: string };
  return e.status === 422 && /already exists/i.test(e.message ?? "");
};

/** The tree write that gives `.github/workflows` the entry `workflows` (removing it when absent). */
const workflowsWrite = (workflows: Entry | null): TreeWrite => ({ path: WORKFLOWS_DIR, mode: "040000", type: "tree", sha: workflows?.type === "tree" ? workflows.sha : null });

/**
 * Applies the change to the target as one commit on the target's head, as `git cherry-pick`
 * does, without a clone:
 * 1. when every path the change touches is as the base had it on the target (or already as the
 *    change leaves it), the result is the target's tree with the change's entries: one tree, one
 *    commit — no temporary branch, no merge;
 * 2. otherwise git's own three-way merge, through GitHub's merges endpoint: a temporary commit
 *    with the target's tree on the change's base, and the change merged into it (409: a
 *    conflict, never markers). Its `.github/workflows` is the base's, so neither it nor the merge
 *    differs from any parent there; the result gets the target's back;
 * 3. a change that writes workflow files itself is not made at all: GitHub would refuse it.
 * A change larger than GitHub's comparison lists goes straight to step 2.
 * Every commit made here differs from each of its parents only where the change or the target's
 * own content does, never in `.github/workflows/` unless the change itself is there.
 */
export const pickOnto = async (delivery: Delivery<CherryPickGitHub>, input: PickInput): Promise<PickResult> => {
  const { github, repo } = delivery;
  const { base, change, target } = input;
  // Without the complete list of paths, git's merge on whole trees decides; the workflows directory is compared as a whole.
  const plan: PortPlan = input.complete
    ? planPort(input.changes, (path) => entryAt(target, path))
    : sameEntry(base.workflows, change.workflows)
      ? { kind: "merge", paths: [] }
      : { kind: "touches_workflows", paths: [WORKFLOWS_DIR] };
  if (plan.kind === "touches_workflows") return plan;
  if (plan.kind === "already_applied") return plan;
  // A GitHub-signed commit names no author: the author is credited in a trailer (GitHub shows co-authors).
  const message = input.signed && input.author ? coAuthoredBy(input.message, input.author) : input.message;
  const author = input.signed ? null : input.author;
  const commitOnTarget = async (tree: string): Promise<PickResult> => {
    if (tree === target.tree) return { kind: "already_applied" };
    return { kind: "picked", commit: await github.createCommit(repo, { message, tree, parents: [target.commit], author }) };
  };
  if (plan.kind === "clean") return commitOnTarget(await github.createTree(repo, target.tree, plan.writes));

  // 2. A content merge, by git on GitHub's side.
  const pinned = sameEntry(base.workflows, target.workflows);
  const siblingTree = pinned ? target.tree : await github.createTree(repo, target.tree, [workflowsWrite(base.workflows)]);
  const sibling = await github.createCommit(repo, { message: input.temporary.message, tree: siblingTree, parents: [base.commit] });
  const head = input.changeCommit ?? (await github.createCommit(repo, { message: input.temporary.message, tree: change.tree, parents: [base.commit] }));
  let created = false;
  try {
    try {
      await github.createBranch(repo, input.temporary.branch, sibling);
    } catch (error) {
      // The name is this attempt's own: "already exists" means a retried request had made it.
      if (!isAlreadyExists(error)) throw error;
    }
    created = true;
    const merged = await github.mergeIntoBranch(repo, input.temporary.branch, head, input.temporary.message, sibling);
    if (merged.kind === "conflict") return { kind: "conflict", paths: plan.paths };
    if (merged.kind === "nothing-to-merge") return { kind: "already_applied" };
    return commitOnTarget(pinned ? merged.tree : await github.createTree(repo, merged.tree, [workflowsWrite(target.workflows)]));
  } finally {
    if (created) {
      await github.deleteBranch(repo, input.temporary.branch).catch((error) =>
        delivery.log.warn({ outcome: "temporary-branch-left", branch: input.temporary.branch, err: describeGitHubError(error) }, "temporary branch not deleted; the next attempt removes it"),
      );
    }
  }
};
