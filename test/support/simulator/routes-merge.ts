import { gitBacking, syncBranches } from "./routes-git.js";
import { extendRepositoryNode } from "./graphql.js";
import { extendRestRepo, fullName } from "./rest-shapes.js";
import { ghError, SIM_APP, sha as fakeSha, type GitHubSimulator, type SimResponse } from "./simulator.js";
import type { SimPull, SimRepo } from "./state.js";

/**
 * Branch protection, rulesets and the merge button's endpoint, as GitHub enforces them on
 * `PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge` (docs.github.com/rest/pulls/pulls#merge-a-pull-request):
 * - 200 `{ sha, merged: true, message: "Pull Request successfully merged" }`;
 * - 405 "Pull Request is not mergeable" (closed, merged, conflicting), "Pull Request is still a draft",
 *   "<Method> ... are not allowed on this repository." (Settings → General → Pull Requests),
 *   a classic protection's unmet rule ("At least 1 approving review is required by reviewers with
 *   write access.", "Required status check \"ci\" is expected."), or a ruleset's
 *   ("Repository rule violations found\n\n<rule>\n\n", as GitHub answers winget-pkgs' bots);
 * - 409 "Head branch was modified. Review and try the merge again." when `sha` is not the head;
 * - 422 "Invalid request." for a body GitHub's schema refuses.
 * Bypass, as GitHub documents it: a ruleset bypass actor with mode "always" skips every rule of
 * that ruleset; mode "pull_request" ("an actor can only bypass rules on pull requests", GitHub's
 * REST description) covers a PR's merge too, not direct pushes; other actor types (roles, teams)
 * are not the app and never let it through; classic
 * protection's `bypass_pull_request_allowances.apps` skips the review requirement only, required
 * status checks still apply. Merging delivers no webhook by itself: tests send `pull_request.closed`.
 */

export type MergeMethod = "merge" | "squash" | "rebase";

/** Classic branch protection of one branch (Settings → Branches → Branch protection rules). */
export interface ClassicProtection {
  branch: string;
  /** "Require a pull request before merging" → "Require approvals". */
  requiredApprovingReviewCount: number;
  /** "Require status checks to pass before merging". */
  requiredStatusChecks: string[];
  /** `bypass_pull_request_allowances.apps`: app slugs ("Allow specified actors to bypass required pull requests"). */
  bypassApps: string[];
}

/** A branch ruleset (Settings → Rules → Rulesets). */
export interface Ruleset {
  name: string;
  /** Target branches: exact names, or `~DEFAULT_BRANCH`, or `*` for all. */
  branches: string[];
  requiredApprovingReviewCount: number;
  requiredStatusChecks: string[];
  /** The pull_request rule's `allowed_merge_methods`; undefined = all. */
  allowedMergeMethods?: MergeMethod[];
  /** `bypass_actors`: `{ actor_type: "Integration", actor_id: <app id>, bypass_mode }`. */
  bypassActors: Array<{ actorType: "Integration" | "RepositoryRole" | "Team" | "OrganizationAdmin"; actorId: number; bypassMode: "always" | "pull_request" }>;
}

interface MergeSettings {
  classic: ClassicProtection[];
  rulesets: Ruleset[];
  /** Repository settings: "Allow merge commits", "Allow squash merging", "Allow rebase merging". */
  allowed: Record<MergeMethod, boolean>;
}

const settings = new WeakMap<SimRepo, MergeSettings>();

const settingsOf = (repo: SimRepo): MergeSettings => {
  let found = settings.get(repo);
  if (!found) {
    found = { classic: [], rulesets: [], allowed: { merge: true, squash: true, rebase: true } };
    settings.set(repo, found);
  }
  return found;
};

export const protectBranch = (sim: GitHubSimulator, name: string, protection: Partial<ClassicProtection> & { branch: string }): ClassicProtection => {
  const created: ClassicProtection = { requiredApprovingReviewCount: 0, requiredStatusChecks: [], bypassApps: [], ...protection };
  settingsOf(sim.repo(name)).classic.push(created);
  return created;
};

export const addRuleset = (sim: GitHubSimulator, name: string, ruleset: Partial<Ruleset> & { name: string }): Ruleset => {
  const created: Ruleset = { branches: ["~DEFAULT_BRANCH"], requiredApprovingReviewCount: 0, requiredStatusChecks: [], bypassActors: [], ...ruleset };
  settingsOf(sim.repo(name)).rulesets.push(created);
  return created;
};

/** The app as a ruleset bypass actor (Settings → Rules → Rulesets → Bypass list → Add bypass → the app, "Always allow"). */
export const appBypass = (bypassMode: "always" | "pull_request" = "always"): Ruleset["bypassActors"][number] => ({ actorType: "Integration", actorId: SIM_APP.id, bypassMode });

// A repository object (a pull request's `base.repo`, in its webhook payloads too) carries these settings.
extendRestRepo((repo) => {
  const { allowed } = settingsOf(repo);
  return { allow_merge_commit: allowed.merge, allow_squash_merge: allowed.squash, allow_rebase_merge: allowed.rebase };
});

// GraphQL's Repository says the same (mergeCommitAllowed, squashMergeAllowed, rebaseMergeAllowed).
extendRepositoryNode((_sim, repo) => {
  const { allowed } = settingsOf(repo);
  return { mergeCommitAllowed: allowed.merge, squashMergeAllowed: allowed.squash, rebaseMergeAllowed: allowed.rebase };
});

export const allowMergeMethods = (sim: GitHubSimulator, name: string, allowed: Partial<Record<MergeMethod, boolean>>): void => {
  Object.assign(settingsOf(sim.repo(name)).allowed, allowed);
};

const NOT_ALLOWED: Record<MergeMethod, string> = {
  merge: "Merge commits are not allowed on this repository.",
  squash: "Squash merges are not allowed on this repository.",
  rebase: "Rebase merges are not allowed on this repository.",
};

const PASSED = new Set(["success", "neutral", "skipped"]);

/** Does the newest check run (and newest status) of `context` on the head pass, as branch protection reads it? */
const checkPasses = (repo: SimRepo, headSha: string, context: string): boolean => {
  const runs = repo.checkRuns.filter((run) => run.headSha === headSha && run.name === context);
  const statuses = repo.statuses.filter((status) => status.sha === headSha && status.context === context);
  if (runs.length === 0 && statuses.length === 0) return false;
  const run = runs.at(-1);
  const status = statuses.at(-1);
  const runOk = !run || (run.status === "completed" && PASSED.has(run.conclusion ?? ""));
  const statusOk = !status || status.state === "success";
  return runOk && statusOk;
};

/**
 * Approving reviews that count for branch protection: each reviewer's latest review state is
 * APPROVED, the reviewer has write access or more, and is not the PR's author.
 */
const approvingReviews = (repo: SimRepo, pull: SimPull): number => {
  const latest = new Map<string, string>();
  for (const review of repo.reviews.filter((candidate) => candidate.issueNumber === pull.number)) {
    if (review.state === "COMMENTED" || review.state === "PENDING") continue;
    latest.set(review.user.login.toLowerCase(), review.state ?? "");
  }
  let count = 0;
  for (const [login, state] of latest) {
    if (state !== "APPROVED" || login === pull.user.login.toLowerCase()) continue;
    const permission = [...repo.permissions].find(([name]) => name.toLowerCase() === login)?.[1];
    if (permission === "write" || permission === "maintain" || permission === "admin") count += 1;
  }
  return count;
};

const reviewsMessage = (required: number) =>
  required === 1
    ? "At least 1 approving review is required by reviewers with write access."
    : `At least ${required} approving reviews are required by reviewers with write access.`;

const appliesTo = (repo: SimRepo, patterns: string[], branch: string): boolean =>
  patterns.some((pattern) => pattern === "*" || pattern === branch || (pattern === "~DEFAULT_BRANCH" && branch === repo.defaultBranch));

/** The first rule the merge breaks, in GitHub's words, or null. */
const ruleViolation = (repo: SimRepo, pull: SimPull, method: MergeMethod): string | null => {
  const config = settingsOf(repo);
  if (!config.allowed[method]) return NOT_ALLOWED[method];
  const broken: string[] = [];
  for (const ruleset of config.rulesets.filter((candidate) => appliesTo(repo, candidate.branches, pull.base.ref))) {
    const bypassed = ruleset.bypassActors.some((actor) => actor.actorType === "Integration" && actor.actorId === SIM_APP.id);
    if (bypassed) continue;
    if (ruleset.allowedMergeMethods && !ruleset.allowedMergeMethods.includes(method)) broken.push(NOT_ALLOWED[method].replace(" on this repository.", " by a repository rule."));
    if (approvingReviews(repo, pull) < ruleset.requiredApprovingReviewCount) broken.push(reviewsMessage(ruleset.requiredApprovingReviewCount));
    for (const context of ruleset.requiredStatusChecks) if (!checkPasses(repo, pull.head.sha, context)) broken.push(`Required status check "${context}" is expected.`);
  }
  if (broken.length > 0) return `Repository rule violations found\n\n${[...new Set(broken)].join("\n\n")}\n\n`;
  for (const protection of config.classic.filter((candidate) => candidate.branch === pull.base.ref)) {
    const appBypasses = protection.bypassApps.some((slug) => slug.toLowerCase() === SIM_APP.slug);
    if (!appBypasses && approvingReviews(repo, pull) < protection.requiredApprovingReviewCount) return reviewsMessage(protection.requiredApprovingReviewCount);
    // The app's bypass covers pull request reviews only: required status checks still apply.
    const missing = protection.requiredStatusChecks.filter((context) => !checkPasses(repo, pull.head.sha, context));
    if (missing.length === 1) return `Required status check "${missing[0]}" is expected.`;
    if (missing.length > 1) return `${missing.length} of ${protection.requiredStatusChecks.length} required status checks are expected.`;
  }
  return null;
};

const invalid = (message: string): SimResponse =>
  ghError(422, `Invalid request.\n\n${message}`, { documentation_url: "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request" });

const refused = (status: number, message: string): SimResponse =>
  ghError(status, message, { documentation_url: "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request" });

/** Merges `pull` with git when the repository has a git backing, else with a made-up commit. */
const mergeCommit = (sim: GitHubSimulator, name: string, pull: SimPull, method: MergeMethod, message: { title?: string; body?: string }): string | null => {
  const repo = sim.repo(name);
  let backing: ReturnType<typeof gitBacking> | null = null;
  try {
    backing = gitBacking(sim, name);
  } catch {
    backing = null;
  }
  if (!backing) {
    const merged = fakeSha(`${name}#${pull.number}:merge:${method}:${pull.head.sha}`);
    repo.branches.set(pull.base.ref, merged);
    return merged;
  }
  try {
    const merged = backing.git.mergeLikeGitHub(pull.base.ref, pull.head.sha, method, {
      number: pull.number,
      title: pull.title,
      author: { name: pull.user.login, email: `${pull.user.login}@example.com` },
      headLabel: `${pull.head.repoFullName.split("/")[0]}/${pull.head.ref}`,
      message,
    });
    syncBranches(repo);
    return merged;
  } catch {
    return null; // a conflict: GitHub answers "not mergeable"
  }
};

export const registerMergeRoutes = (sim: GitHubSimulator): void => {
  sim.route("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge", ({ params, body }) => {
    const name = `${params.owner}/${params.repo}`;
    const repo = sim.repos.get(name.toLowerCase());
    const pull = repo?.pulls.get(Number(params.pull_number));
    if (!repo || !pull) return ghError(404, "Not Found");
    const request = (body ?? {}) as { merge_method?: unknown; sha?: unknown; commit_title?: unknown; commit_message?: unknown };
    const method = (request.merge_method ?? "merge") as MergeMethod;
    if (!["merge", "squash", "rebase"].includes(method as string)) return invalid(`${JSON.stringify(request.merge_method)} is not a member of ["merge", "squash", "rebase"].`);
    for (const field of ["sha", "commit_title", "commit_message"] as const) {
      if (request[field] !== undefined && typeof request[field] !== "string") return invalid(`For '${field}', ${JSON.stringify(request[field])} is not a string.`);
    }
    if (pull.merged || pull.state !== "open") return refused(405, "Pull Request is not mergeable");
    if (pull.draft) return refused(405, "Pull Request is still a draft");
    if (request.sha !== undefined && request.sha !== pull.head.sha) return refused(409, "Head branch was modified. Review and try the merge again.");
    const violation = ruleViolation(repo, pull, method);
    if (violation) return refused(405, violation);
    const merged = mergeCommit(sim, fullName(repo), pull, method, { title: request.commit_title as string | undefined, body: request.commit_message as string | undefined });
    if (!merged) return refused(405, "Pull Request is not mergeable");
    const at = sim.now();
    pull.merged = true;
    pull.state = "closed";
    pull.mergedAt = at;
    pull.closedAt = at;
    pull.updatedAt = at;
    pull.mergeCommitSha = merged;
    pull.mergedBy = sim.user(`${SIM_APP.slug}[bot]`, "Bot");
    return { status: 200, body: { sha: merged, merged: true, message: "Pull Request successfully merged" } };
  });
};

/** The merge commit's message (tests read what the app wrote there). */
export const commitMessage = (sim: GitHubSimulator, name: string, sha: string): string => gitBacking(sim, name).git.commit(sha).message;
