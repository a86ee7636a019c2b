import { detectFromHistory, detectFromMergeCommit, expectedStart, type HistoryCommit, type MergeMethod } from "../../src/backport/change.js";

const sha = (name: string) => name.padEnd(40, "0");
const commit = (oid: string, message: string, parents: string[]): HistoryCommit => ({ oid: sha(oid), message, parents: parents.map(sha) });

describe("detectFromMergeCommit", () => {
  test.each([
    {
      name: "a merge commit: the change is against the first parent (cherry-pick -m 1)",
      merge: { oid: sha("m"), message: "Merge pull request #4", parents: [sha("base"), sha("head")] },
      prCommits: 3,
      expected: { kind: "known", change: { method: "merge", parent: sha("base"), tip: sha("m"), commits: 1 } },
    },
    {
      name: "one new commit for a one-commit PR: squash and rebase are the same change",
      merge: { oid: sha("s"), message: "Fix (#4)", parents: [sha("base")] },
      prCommits: 1,
      expected: { kind: "known", change: { method: "squash", parent: sha("base"), tip: sha("s"), commits: 1 } },
    },
    {
      name: "one parent and several PR commits: the base's history decides",
      merge: { oid: sha("s"), message: "Fix (#4)", parents: [sha("base")] },
      prCommits: 3,
      expected: { kind: "needs-history", length: 3 },
    },
    {
      name: "a fast-forward to the PR's own head: its commits are the change",
      merge: { oid: sha("head"), message: "c3", parents: [sha("c2")] },
      prCommits: 3,
      expected: { kind: "needs-history", length: 3 },
    },
    {
      name: "a root commit cannot be a merge",
      merge: { oid: sha("r"), message: "root", parents: [] },
      prCommits: 1,
      expected: { kind: "unknown", reason: "the merge commit has no parent" },
    },
  ])("$name", ({ merge, prCommits, expected }) => {
    expect(detectFromMergeCommit({ merge, headSha: sha("head"), prCommits })).toEqual(expected);
  });
});

describe("detectFromHistory", () => {
  const merge = { oid: sha("r3"), message: "third", parents: [sha("r2")] };
  const prCommits = [
    { oid: sha("p1"), message: "first" },
    { oid: sha("p2"), message: "second\n\nwith a body" },
    { oid: sha("p3"), message: "third" },
  ];
  const rebased = [commit("r3", "third", ["r2"]), commit("r2", "second\n\nwith a body", ["r1"]), commit("r1", "first", ["base"])];

  test.each([
    {
      name: "rebase: the newest commits carry the PR's messages in order; the change starts before the oldest",
      history: rebased,
      expected: { kind: "known", change: { method: "rebase", parent: sha("base"), tip: sha("r3"), commits: 3 } },
    },
    {
      name: "squash: one commit with its own message, on an unrelated history",
      merge: { oid: sha("s"), message: "Fix (#4)\n\n* first\n\n* second\n\n* third", parents: [sha("b1")] },
      history: [commit("s", "Fix (#4)\n\n* first", ["b1"]), commit("b1", "other work", ["b2"]), commit("b2", "more", ["b3"])],
      expected: { kind: "known", change: { method: "squash", parent: sha("b1"), tip: sha("s"), commits: 1 } },
    },
    {
      name: "squash whose message equals the PR's last commit: the older commits still differ",
      merge: { oid: sha("s"), message: "third", parents: [sha("b1")] },
      history: [commit("s", "third", ["b1"]), commit("b1", "other work", ["b2"]), commit("b2", "more", ["b3"])],
      expected: { kind: "known", change: { method: "squash", parent: sha("b1"), tip: sha("s"), commits: 1 } },
    },
    {
      name: "git log order interleaving another line: only first parents are followed",
      history: [commit("r3", "third", ["r2"]), commit("x", "side work", ["y"]), commit("r2", "second\n\nwith a body", ["r1"]), commit("r1", "first", ["base"])],
      expected: { kind: "known", change: { method: "rebase", parent: sha("base"), tip: sha("r3"), commits: 3 } },
    },
    {
      name: "a rebase whose commits were not all read is not guessed",
      history: rebased.slice(0, 2),
      expected: { kind: "unknown", reason: "only 2 of the 3 rebased commits were found on the base branch" },
    },
    {
      name: "a history that does not start at the merge commit is refused",
      history: rebased.slice(1),
      expected: { kind: "unknown", reason: "the history does not start at the merge commit" },
    },
  ])("$name", ({ history, expected, ...rest }) => {
    const input = { merge: (rest as { merge?: typeof merge }).merge ?? merge, prCommits, totalPrCommits: 3, history };
    expect(detectFromHistory(input)).toEqual(expected);
  });
});

describe("expectedStart: where the change starts, before any read", () => {
  const tip = sha("tip");
  test.each<{ name: string; commitCount: number; mergeMethods?: MergeMethod[]; expected: string | null }>([
    { name: "one commit, whatever the settings: the parent", commitCount: 1, mergeMethods: ["merge", "squash", "rebase"], expected: `${tip}^` },
    { name: "one commit, settings unknown", commitCount: 1, expected: `${tip}^` },
    { name: "several commits, squash only", commitCount: 3, mergeMethods: ["squash"], expected: `${tip}^` },
    { name: "several commits, merge commits only", commitCount: 3, mergeMethods: ["merge"], expected: `${tip}^` },
    { name: "several commits, squash or merge commit: the parent either way", commitCount: 3, mergeMethods: ["merge", "squash"], expected: `${tip}^` },
    { name: "several commits, rebase only: as many commits back", commitCount: 3, mergeMethods: ["rebase"], expected: `${tip}~3` },
    { name: "several commits, rebase or squash: the history tells", commitCount: 3, mergeMethods: ["squash", "rebase"], expected: null },
    { name: "several commits, every method: the history tells", commitCount: 2, mergeMethods: ["merge", "squash", "rebase"], expected: null },
    { name: "several commits, settings unknown: the history tells", commitCount: 2, expected: null },
    { name: "several commits, no method listed (not sent): the history tells", commitCount: 2, mergeMethods: [], expected: null },
  ])("$name", ({ commitCount, mergeMethods, expected }) => {
    expect(expectedStart({ mergeCommitSha: tip, commitCount, ...(mergeMethods ? { mergeMethods } : {}) })).toBe(expected);
  });
});
