import { detectFromHistory, detectFromMergeCommit, expectedStart, type MergedChange } from "../backport/change.js";
import type { MergedPullRequest } from "../backport/merged-pull-request.js";
import type { TargetState } from "../backport/plan.js";
import { entryAt, pathChanges, type CommitSide, type PathChange } from "../backport/port-plan.js";
import { readThroughLag } from "../github/read-through-lag.js";
import { compareChange, fetchPortFacts, fetchSides, type ComparedChange, type GitPerson, type PortFacts } from "../github/git-data.js";
import type { NodeIdLookups } from "../github/node-ids.js";
import type { Delivery } from "./delivery.js";
import { describeGitHubError } from "../github/errors.js";

/** Everything a port needs, read once for all its targets. */
export interface PortReading {
  change: MergedChange;
  /** The change's base (the merge parent) and result (the merged commit), with their entries at `paths`. */
  base: CommitSide;
  tip: CommitSide;
  paths: string[];
  /** base → tip at every path that differs. */
  changes: PathChange[];
  /** GitHub listed the change's files only up to its limit: the change cannot be ported by the API. */
  truncated: boolean;
  states: TargetState[];
  temporaryBranches: string[];
  facts: PortFacts;
  /** Who made the change: the squash or rebase commit's author, or the newest PR commit's for a merge commit. */
  author: GitPerson | null;
}

export type PortReadResult = { kind: "read"; reading: PortReading } | { kind: "failed"; reason: string };

/**
 * The reads of a port, without a clone and whatever the repository's size, three at most:
 * 1. when the PR's data tells where the change starts (`expectedStart`), one comparison from there
 *    to the merged commit: the paths the change touches;
 * 2. one GraphQL query: the PR's commits, the merge commit (and the history when the PR had
 *    several commits), the targets' state, and the entries at those paths on the parent, the
 *    merged commit and every target head;
 * 3. when step 1 was not possible, or step 2 shows that it guessed wrong: the comparison from the
 *    change's real start, and the entries at its paths.
 * Reading the history first when the start is not known costs one read less than comparing from a
 * guess that is wrong for a rebase (which costs two more): three reads for every merge method.
 */
export const readPort = async (
  delivery: Delivery,
  pr: MergedPullRequest,
  targets: Array<{ target: string; branch: string }>,
  tempPrefix: string,
  lookups?: NodeIdLookups,
): Promise<PortReadResult> => {
  const { octokit, query, repo } = delivery;
  const tip = pr.mergeCommitSha;
  try {
    // GitHub's comparisons take `<sha>^` and `<sha>~<n>` (its docs' "comparisons across commits").
    // A start GitHub does not resolve (a root commit) is read again from the history, as is a wrong
    // guess (a push, settings changed since the merge).
    const start = expectedStart(pr);
    let compared: ComparedChange | null = start
      ? await compareChange(octokit, repo, start, tip).catch((error: unknown) => {
          if ([404, 422].includes((error as { status?: number }).status ?? 0)) return null;
          throw error;
        })
      : null;
    // The merge just announced may not be readable yet (replication lag): read again for a few seconds.
    let facts = await readThroughLag(
      () =>
        fetchPortFacts(query, repo, {
          number: pr.number,
          mergeSha: tip,
          baseSha: compared?.base ?? tip,
          paths: compared?.paths ?? [],
          targets,
          tempPrefix,
          history: pr.commitCount > 1 ? pr.commitCount : 0,
          ...(lookups ? { lookups } : {}),
        }),
      { delaysMs: delivery.readRetryDelaysMs },
    );
    const merge = facts.merge;
    if (!merge) return { kind: "failed", reason: `The merge commit ${tip} is not in the repository any more.` };
    let detection = detectFromMergeCommit({ merge, headSha: pr.headSha, prCommits: facts.totalPrCommits });
    if (detection.kind === "needs-history") detection = detectFromHistory({ merge, prCommits: facts.prCommits, totalPrCommits: facts.totalPrCommits, history: facts.history });
    if (detection.kind !== "known") {
      return { kind: "failed", reason: `The app could not tell how #${pr.number} was merged (${detection.kind === "unknown" ? detection.reason : "history missing"}): port it by hand.` };
    }
    const change = detection.change;
    let base = facts.base;
    let tipSide = facts.tip;
    if (!compared || change.parent !== compared.base) {
      // The start was not known, or a rebase of several commits starts further back.
      compared = await compareChange(octokit, repo, change.parent, tip);
      const heads = facts.states.flatMap((state) => (state.head ? [state.head.oid] : []));
      const sides = await fetchSides(query, repo, [...new Set([change.parent, tip, ...heads])], compared.paths);
      base = sides.get(change.parent) ?? null;
      tipSide = sides.get(tip) ?? null;
      facts = { ...facts, states: facts.states.map((state) => ({ ...state, side: state.head ? (sides.get(state.head.oid) ?? null) : null })) };
    }
    if (!base || !tipSide) return { kind: "failed", reason: `The commits of #${pr.number}'s merge could not be read.` };
    const { paths } = compared;
    const reading: PortReading = {
      change,
      base,
      tip: tipSide,
      paths,
      changes: pathChanges(paths, (path) => entryAt(base, path), (path) => entryAt(tipSide, path)),
      truncated: compared.truncated,
      states: facts.states,
      temporaryBranches: facts.temporaryBranches,
      facts,
      author: change.method === "merge" ? (facts.headAuthor ?? merge.author) : (merge.author ?? facts.headAuthor),
    };
    return { kind: "read", reading };
  } catch (error) {
    return { kind: "failed", reason: `The app could not read the merged change or the target branches: ${describeGitHubError(error)}.` };
  }
};
