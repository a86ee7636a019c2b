import type { PullRequestFacts } from "../governance/facts.js";
import type { MergeMethod } from "./change.js";

/**
 * The merged PR as the follow-ups (ports, reverts, postmortem) read it. One model and one
 * mapping, from GitHub's pull request object: the `pull_request` of a webhook payload and the
 * answer of `GET /repos/{owner}/{repo}/pulls/{n}` have the same shape.
 */
export interface MergedPullRequest {
  number: number;
  title: string;
  body: string | null;
  url: string;
  /** Labels as they were at merge (payload) or now (REST). */
  labels: string[];
  author: string;
  authorIsBot: boolean;
  baseRef: string;
  headRef: string;
  headSha: string;
  mergeCommitSha: string;
  mergedAt: string;
  mergedBy: string | null;
  createdAt: string;
  fromFork: boolean;
  /** The repository's default branch (the forward-port target). */
  defaultBranch: string;
  /** How many commits the PR had: a rebase merge replays that many. */
  commitCount: number;
  /** The merge methods the repository's settings allowed (its `allow_*_merge` fields); absent when not said. */
  mergeMethods?: MergeMethod[];
}

/** The fields of GitHub's pull request object the mapping reads. */
export interface PullRequestObject {
  number: number;
  title: string;
  body: string | null;
  html_url: string;
  labels: Array<{ name?: string }>;
  user: { login: string; type?: string } | null;
  base: { ref: string; repo: { full_name: string; default_branch?: string; allow_merge_commit?: boolean; allow_squash_merge?: boolean; allow_rebase_merge?: boolean } };
  head: { ref: string; sha: string; repo: { full_name: string } | null };
  merge_commit_sha: string | null;
  merged_at: string | null;
  merged_by?: { login: string } | null;
  created_at: string;
  commits?: number;
}

/** The merged PR, or null when it is not merged (no merge commit). */
export const mergedPullRequestFrom = (pull: PullRequestObject): MergedPullRequest | null => {
  if (!pull.merged_at || !pull.merge_commit_sha) return null;
  return {
    number: pull.number,
    title: pull.title,
    body: pull.body,
    url: pull.html_url,
    labels: pull.labels.map((label) => label.name ?? "").filter(Boolean),
    author: pull.user?.login ?? "ghost",
    authorIsBot: pull.user?.type === "Bot",
    baseRef: pull.base.ref,
    headRef: pull.head.ref,
    headSha: pull.head.sha,
    mergeCommitSha: pull.merge_commit_sha,
    mergedAt: pull.merged_at,
    mergedBy: pull.merged_by?.login ?? null,
    createdAt: pull.created_at,
    fromFork: (pull.head.repo?.full_name ?? "") !== pull.base.repo.full_name,
    defaultBranch: pull.base.repo.default_branch ?? pull.base.ref,
    commitCount: pull.commits ?? 1,
    ...(mergeMethodsOf(pull.base.repo) ? { mergeMethods: mergeMethodsOf(pull.base.repo)! } : {}),
  };
};

/**
 * The merged PR from the facts an order already read to authorize it (GraphQL), so a command
 * needs no second read of its PR; null when it is not merged. GraphQL names an app's account
 * without REST's `[bot]` suffix: it is added back.
 */
export const mergedPullRequestFromFacts = (facts: PullRequestFacts): MergedPullRequest | null => {
  if (!facts.mergedAt || !facts.mergeCommitSha) return null;
  const login = (actor: PullRequestFacts["author"]): string | null => (actor ? (actor.isBot ? `${actor.login}[bot]` : actor.login) : null);
  return {
    number: facts.number,
    title: facts.title,
    body: facts.body,
    url: facts.url,
    labels: facts.labels,
    author: login(facts.author) ?? "ghost",
    authorIsBot: facts.author?.isBot ?? false,
    baseRef: facts.baseRef,
    headRef: facts.headRef,
    headSha: facts.headSha,
    mergeCommitSha: facts.mergeCommitSha,
    mergedAt: facts.mergedAt,
    mergedBy: login(facts.mergedBy),
    createdAt: facts.createdAt,
    fromFork: facts.isCrossRepository,
    defaultBranch: facts.defaultBranch,
    commitCount: facts.totalCommits,
    mergeMethods: facts.mergeMethods,
  };
};

/** The methods the repository allows, when its object says all three. */
const mergeMethodsOf = (repo: PullRequestObject["base"]["repo"]): MergeMethod[] | null => {
  const { allow_merge_commit: merge, allow_squash_merge: squash, allow_rebase_merge: rebase } = repo;
  if (typeof merge !== "boolean" || typeof squash !== "boolean" || typeof rebase !== "boolean") return null;
  return [...(merge ? ["merge" as const] : []), ...(squash ? ["squash" as const] : []), ...(rebase ? ["rebase" as const] : [])];
};
