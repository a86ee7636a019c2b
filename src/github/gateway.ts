import type { ProbotOctokit } from "probot";
import type { GraphqlQuery } from "../platform/instrument-octokit.js";
import type { TtlCache } from "../platform/cache.js";
import type { ApproverPolicy } from "../governance/approvals/policy.js";
import type { RepoRef } from "./repo-ref.js";
import { readPushHistory } from "./activity.js";
import { cachedLookups, gatherAccess } from "./authorization.js";
import { createCheckRun, listOwnCheckRuns, supersedeCheckRun, updateCheckRun } from "./check-runs.js";
import { createComment, findBotComments, findOwnComments, updateComment } from "./comments.js";
import { readRepositoryFile } from "./contents.js";
import { compareChange, createBranch, createCommit, createTree, deleteBranch, fetchPortFacts, fetchSides, mergeIntoBranch } from "./git-data.js";
import { getAppSlug, listInstallationRepositories, listInstallations } from "./installations.js";
import { addLabels, canBeAssigned, createIssue, fetchPullRequestHistory, findRecentIssue, labelAndAssign, searchOpenPostmortems } from "./issues.js";
import { fetchMergeGroup } from "./merge-queue.js";
import { fetchPullRequestFacts, readPreviousPaths } from "./pull-request-facts.js";
import {
  createPullRequest,
  decoratePullRequest,
  fetchPullRequestHead,
  findPullRequestByHead,
  getPullRequest,
  mergePullRequest,
  openPullRequestsWithHead,
} from "./pull-requests.js";
import { addReaction } from "./reactions.js";
import { fetchReconcileCandidates } from "./reconcile-candidates.js";
import { readHotfixDetails, searchMergedPullRequests, verifyTarget } from "./report-queries.js";
import { requestReviewers } from "./reviewers.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** `call` with its first argument (the client) given: the rest of its parameters, as it declares them. */
const bind =
  <C, A extends unknown[], R>(client: C, call: (client: C, ...args: A) => R) =>
  (...args: A): R =>
    call(client, ...args);

/**
 * The gateway of one installation as the flows use it: every call of the resource files in this
 * folder, with the client bound — REST and mutations on `octokit`, queries on `query` (reads,
 * not spaced like writes). It only binds: each call is still written once, in its resource file.
 * A flow declares the calls it uses as a `Pick` of `GitHub` (prow's plugins declare their
 * `githubClient` the same way), so a test can hand it a fake of just those.
 */
export const gitHubGateway = (octokit: Octokit, query: GraphqlQuery) => ({
  // Pull requests: their facts, heads and history (queries), get, find by head, create, merge.
  fetchPullRequestFacts: bind(query, fetchPullRequestFacts),
  readPreviousPaths: bind(octokit, readPreviousPaths),
  fetchPullRequestHead: bind(query, fetchPullRequestHead),
  openPullRequestsWithHead: bind(query, openPullRequestsWithHead),
  fetchPullRequestHistory: bind(query, fetchPullRequestHistory),
  getPullRequest: bind(octokit, getPullRequest),
  findPullRequestByHead: bind(octokit, findPullRequestByHead),
  createPullRequest: bind(octokit, createPullRequest),
  decoratePullRequest: bind(octokit, decoratePullRequest),
  mergePullRequest: bind(octokit, mergePullRequest),
  // Who pushed to a PR's head branch (repository activity), and who the configured approvers are.
  readPushHistory: bind(octokit, readPushHistory),
  /** Role and teams of each person (through the shared 60 s cache), only what can change a decision. */
  gatherAccess: (repo: RepoRef, cache: TtlCache, people: Array<{ login: string; policies: ApproverPolicy[] }>) =>
    gatherAccess(cachedLookups(octokit, repo, cache), people),
  // Check runs.
  createCheckRun: bind(octokit, createCheckRun),
  updateCheckRun: bind(octokit, updateCheckRun),
  supersedeCheckRun: bind(octokit, supersedeCheckRun),
  listOwnCheckRuns: bind(octokit, listOwnCheckRuns),
  fetchMergeGroup: bind(query, fetchMergeGroup),
  // Comments and reactions.
  createComment: bind(octokit, createComment),
  updateComment: bind(octokit, updateComment),
  findOwnComments: bind(query, findOwnComments),
  findBotComments: bind(octokit, findBotComments),
  addReaction: bind(octokit, addReaction),
  requestReviewers: bind(octokit, requestReviewers),
  // Issues (postmortems).
  createIssue: bind(octokit, createIssue),
  findRecentIssue: bind(octokit, findRecentIssue),
  canBeAssigned: bind(octokit, canBeAssigned),
  labelAndAssign: bind(octokit, labelAndAssign),
  addLabels: bind(octokit, addLabels),
  searchOpenPostmortems: bind(query, searchOpenPostmortems),
  readRepositoryFile: bind(octokit, readRepositoryFile),
  // Git data: comparisons, the port's reads, trees, commits, branches, merges.
  compareChange: bind(octokit, compareChange),
  fetchPortFacts: bind(query, fetchPortFacts),
  fetchSides: bind(query, fetchSides),
  createTree: bind(octokit, createTree),
  createCommit: bind(octokit, createCommit),
  createBranch: bind(octokit, createBranch),
  deleteBranch: bind(octokit, deleteBranch),
  mergeIntoBranch: bind(octokit, mergeIntoBranch),
  // The installation's repositories, and the sweep's search.
  listInstallationRepositories: () => listInstallationRepositories(octokit),
  fetchReconcileCandidates: bind(query, fetchReconcileCandidates),
});

/** Every call of the gateway; a flow takes the `Pick` of it that it uses. */
export type GitHub = ReturnType<typeof gitHubGateway>;

/** The app's own calls (its JWT, not an installation's token): its installations and its slug. */
export const appGitHubGateway = (appOctokit: Octokit) => ({
  listInstallations: () => listInstallations(appOctokit),
  getAppSlug: () => getAppSlug(appOctokit),
});

export type AppGitHub = ReturnType<typeof appGitHubGateway>;

/** The report's reads (`npx hotfix-governance report`: its own client, GraphQL only, rate limits its own). */
export const reportGitHubGateway = (query: GraphqlQuery) => ({
  verifyTarget: bind(query, verifyTarget),
  searchMergedPullRequests: bind(query, searchMergedPullRequests),
  readHotfixDetails: bind(query, readHotfixDetails),
});

export type ReportGitHub = ReturnType<typeof reportGitHubGateway>;
