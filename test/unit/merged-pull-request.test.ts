import { mergedPullRequestFrom, mergedPullRequestFromFacts, type PullRequestObject } from "../../src/backport/merged-pull-request.js";
import { pullRequestFacts } from "../support/facts.js";

const pull: PullRequestObject = {
  number: 7,
  title: "Fix",
  body: "INC-1",
  html_url: "https://github.com/acme/shop/pull/7",
  labels: [{ name: "hotfix" }, { name: "backport release/1.2" }],
  user: { login: "dev", type: "User" },
  base: { ref: "release/1.3", repo: { full_name: "acme/shop", default_branch: "main" } },
  head: { ref: "fix", sha: "h".repeat(40), repo: { full_name: "outsider/shop" } },
  merge_commit_sha: "m".repeat(40),
  merged_at: "2024-05-01T10:00:00Z",
  merged_by: { login: "lead" },
  created_at: "2024-05-01T09:00:00Z",
  commits: 3,
};

test("GitHub's pull request object (payload or REST) as the merged PR the follow-ups read", () => {
  expect(mergedPullRequestFrom(pull)).toEqual({
    number: 7,
    title: "Fix",
    body: "INC-1",
    url: "https://github.com/acme/shop/pull/7",
    labels: ["hotfix", "backport release/1.2"],
    author: "dev",
    authorIsBot: false,
    baseRef: "release/1.3",
    headRef: "fix",
    headSha: "h".repeat(40),
    mergeCommitSha: "m".repeat(40),
    mergedAt: "2024-05-01T10:00:00Z",
    mergedBy: "lead",
    createdAt: "2024-05-01T09:00:00Z",
    fromFork: true,
    defaultBranch: "main",
    commitCount: 3,
  });
});

test("not merged: null; a deleted head repository counts as a fork; a bot author is known as one", () => {
  expect(mergedPullRequestFrom({ ...pull, merged_at: null })).toBeNull();
  expect(mergedPullRequestFrom({ ...pull, merge_commit_sha: null })).toBeNull();
  expect(mergedPullRequestFrom({ ...pull, head: { ...pull.head, repo: null } })!.fromFork).toBe(true);
  expect(mergedPullRequestFrom({ ...pull, user: { login: "renovate[bot]", type: "Bot" } })!.authorIsBot).toBe(true);
});

test("the merge methods the repository allows, when its object says all three", () => {
  const repo = (allow: Record<string, boolean>) => ({ ...pull, base: { ...pull.base, repo: { ...pull.base.repo, ...allow } } });
  expect(mergedPullRequestFrom(repo({ allow_merge_commit: false, allow_squash_merge: false, allow_rebase_merge: true }))!.mergeMethods).toEqual(["rebase"]);
  expect(mergedPullRequestFrom(repo({ allow_merge_commit: true, allow_squash_merge: true, allow_rebase_merge: true }))!.mergeMethods).toEqual(["merge", "squash", "rebase"]);
  // A partial object tells nothing: no guess.
  expect(mergedPullRequestFrom(repo({ allow_rebase_merge: true }))!.mergeMethods).toBeUndefined();
});

describe("the same PR read from the facts an order was authorized on (GraphQL)", () => {
  const facts = pullRequestFacts({
    title: "Fix",
    body: "INC-1",
    labels: ["hotfix", "backport release/1.2"],
    author: { login: "dev", isBot: false },
    baseRef: "release/1.3",
    headRef: "fix",
    headSha: "h".repeat(40),
    state: "MERGED",
    mergeCommitSha: "m".repeat(40),
    mergedAt: "2024-05-01T10:00:00Z",
    mergedBy: { login: "lead", isBot: false },
    createdAt: "2024-05-01T09:00:00Z",
    isCrossRepository: true,
    totalCommits: 3,
    mergeMethods: ["rebase"],
  });

  test("maps as the payload's pull request object does", () => {
    const { mergeMethods: _fromRest, ...fromRest } = mergedPullRequestFrom(pull)!;
    expect(mergedPullRequestFromFacts(facts)).toEqual({ ...fromRest, mergeMethods: ["rebase"] });
  });

  test("an app's account gets REST's [bot] suffix back; an unmerged PR is no merged PR", () => {
    expect(mergedPullRequestFromFacts({ ...facts, author: { login: "renovate", isBot: true } })).toMatchObject({ author: "renovate[bot]", authorIsBot: true });
    expect(mergedPullRequestFromFacts({ ...facts, mergedAt: null, mergeCommitSha: null })).toBeNull();
  });
});
