import type { PullRequestFacts } from "../../src/governance/facts.js";

export const FIXTURE_HEAD = "a".repeat(40);

/** The facts of an open hotfix PR #7 by `dev` with one commit, pushed by `dev` at 10:00 UTC: pure-rule tests override what they test. */
export const pullRequestFacts = (overrides: Partial<PullRequestFacts> = {}): PullRequestFacts => ({
  owner: "acme",
  repo: "shop",
  defaultBranch: "main",
  number: 7,
  nodeId: "PR_7",
  title: "Fix",
  body: "",
  url: "https://github.com/acme/shop/pull/7",
  state: "OPEN",
  isDraft: false,
  createdAt: "2024-05-01T09:00:00Z",
  mergedAt: null,
  mergeCommitSha: null,
  mergedBy: null,
  author: { login: "dev", isBot: false },
  baseRef: "main",
  headRef: "fix",
  headSha: FIXTURE_HEAD,
  isCrossRepository: false,
  headRepository: "acme/shop",
  labels: ["hotfix"],
  additions: 1,
  deletions: 1,
  changedFiles: 1,
  files: [{ path: "src/app.ts", additions: 1, deletions: 1, changeType: "MODIFIED" }],
  filesComplete: true,
  commits: [{ sha: FIXTURE_HEAD, authorLogins: ["dev"], committerLogin: "dev" }],
  totalCommits: 1,
  comments: [],
  reviews: [],
  reviewComments: [],
  headChecks: [],
  ownCheckRuns: [{ id: 1, status: "in_progress", conclusion: null, startedAt: "2024-05-01T10:00:00Z", title: null, summary: null, text: null }],
  // GitHub's activity: `dev` pushed the head at 10:00 UTC.
  pushes: {
    state: "read",
    complete: true,
    repository: "acme/shop",
    records: [{ after: FIXTURE_HEAD, before: null, actor: "dev", at: "2024-05-01T10:00:00Z", type: "push", source: "activity" }],
  },
  timeline: { baseChanges: [], deletions: [], dismissals: [], complete: true, since: null },
  ...overrides,
});
