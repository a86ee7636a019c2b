import type { Commit, Label, Mutation, PullRequest, Repository, RequestReviewsPayload, UpdatePullRequestPayload } from "@octokit/graphql-schema";
import type { OwnCheckRun } from "../governance/facts.js";
import { CHECK_NAME } from "../governance/check-output.js";
import { listed, ownCheckRunsOf, type Nodes, type OwnRunsSelection, type Selected, type Sub } from "./graphql-nodes.js";
import type { ProbotOctokit } from "probot";
import { fitBody, fitTitle } from "./limits.js";
import { readThroughLag, type LagOptions } from "./read-through-lag.js";
import type { RepoRef } from "./repo-ref.js";
import { OWN_CHECK_RUNS_FRAGMENT } from "./graphql-fragments.js";

type Gql = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;
type Octokit = InstanceType<typeof ProbotOctokit>;

/** An open PR as the first, cheap question about an event reads it. */
export interface HeadPull {
  number: number;
  headSha: string;
  labels: string[];
}

const HEAD_PULL_FRAGMENT = "fragment HeadPull on PullRequest { number state headRefOid labels(first: 100) { nodes { name } } }";

/**
 * The open PRs whose head is a commit, with their labels: one query (1 point). The commit's
 * associated PRs cover the repository's own branches; check and status payloads, and GitHub's
 * "pull requests of a commit", leave out PRs from forks (a commit that exists only in a fork has
 * none), so the issue search by SHA, which indexes every PR's commits, finds those.
 */
export const COMMIT_PULL_REQUESTS_QUERY = /* GraphQL */ `
  query CommitPullRequests($owner: String!, $repo: String!, $sha: GitObjectID!, $search: String!) {
    repository(owner: $owner, name: $repo) {
      object(oid: $sha) {
        ... on Commit { associatedPullRequests(first: 10) { nodes { ...HeadPull } } }
      }
    }
    search(query: $search, type: ISSUE, first: 10) {
      nodes { ... on PullRequest { ...HeadPull } }
    }
  }
  ${HEAD_PULL_FRAGMENT}
`;

/** `HeadPull`, as a selection of GitHub's schema types (see graphql-nodes.ts). */
type HeadPullNode = Selected<PullRequest, "number" | "state" | "headRefOid"> & Sub<PullRequest, { labels: Nodes<Selected<Label, "name">> }>;
type CommitPullRequestsAnswer = {
  /** `object(oid:)`: `... on Commit`, `{}` for another kind of object. */
  repository?: Sub<Repository, { object: { associatedPullRequests?: Nodes<HeadPullNode> | null } }> | null;
  /** `... on PullRequest`: `{}` for an issue. */
  search: Nodes<HeadPullNode | { number?: undefined }>;
};
type PullRequestHeadAnswer = {
  repository?: {
    pullRequest?:
      | (Selected<PullRequest, "number" | "state" | "headRefOid"> &
          Sub<PullRequest, { labels: Nodes<Selected<Label, "name">> }> & {
            headCommit: Sub<PullRequest, { commits: Nodes<{ commit: Selected<Commit, "oid"> & NonNullable<OwnRunsSelection> }> }>["commits"];
          })
      | null;
  } | null;
};

const labelsOf = (node: { number: number; labels?: Nodes<Selected<Label, "name">> | null }): string[] =>
  listed(node.labels?.nodes, `the labels of #${node.number}`).map((label) => label.name);

const headPullOf = (node: HeadPullNode): HeadPull => ({ number: node.number, headSha: node.headRefOid, labels: labelsOf(node) });

/** Open PRs whose head is `sha` (same repository and forks), with their labels. */
export const openPullRequestsWithHead = async (graphql: Gql, repo: RepoRef, sha: string): Promise<HeadPull[]> => {
  const data = await graphql<CommitPullRequestsAnswer>(COMMIT_PULL_REQUESTS_QUERY, {
    owner: repo.owner,
    repo: repo.repo,
    sha,
    search: `repo:${repo.owner}/${repo.repo} is:pr is:open sha:${sha}`,
  });
  const nodes = [...(data?.repository?.object?.associatedPullRequests?.nodes ?? []), ...(data?.search?.nodes ?? [])];
  const found = new Map<number, HeadPull>();
  for (const node of nodes) {
    if (node?.number && node.state === "OPEN" && node.headRefOid === sha) found.set(node.number, headPullOf(node));
  }
  return [...found.values()].sort((a, b) => a.number - b.number);
};

/** What an evaluation needs to know before deciding whether to read everything. */
export interface PullRequestHead {
  number: number;
  state: "OPEN" | "CLOSED" | "MERGED";
  headSha: string;
  labels: string[];
  ownCheckRuns: OwnCheckRun[];
}

/**
 * A PR's state, labels and this app's runs on its head commit: 1 point, where the full facts
 * (commits, comments, reviews, files, checks) cost several and matter only for a hotfix.
 */
export const PULL_REQUEST_HEAD_QUERY = /* GraphQL */ `
  query PullRequestHead($owner: String!, $repo: String!, $number: Int!, $appId: Int, $checkName: String!) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        number
        state
        headRefOid
        labels(first: 100) { nodes { name } }
        headCommit: commits(last: 1) {
          nodes {
            commit { oid ...OwnCheckRuns }
          }
        }
      }
    }
  }
  ${OWN_CHECK_RUNS_FRAGMENT}
`;

export const fetchPullRequestHead = async (graphql: Gql, repo: RepoRef, number: number, appId: number | null): Promise<PullRequestHead | null> => {
  const data = await graphql<PullRequestHeadAnswer>(PULL_REQUEST_HEAD_QUERY, { owner: repo.owner, repo: repo.repo, number, appId, checkName: CHECK_NAME });
  const pr = data?.repository?.pullRequest;
  if (!pr) return null;
  return {
    number: pr.number,
    state: pr.state,
    headSha: pr.headRefOid,
    labels: labelsOf(pr),
    ownCheckRuns: ownCheckRunsOf(listed(pr.headCommit.nodes, `the head commit of #${pr.number}`)[0]?.commit, appId),
  };
};

// ---- REST: the PRs the app reads, opens (backports, forward-ports, reverts) and merges ----------

/** GET /repos/{owner}/{repo}/pulls/{pull_number}: what a `/backport` command needs of its PR; read again for a few seconds while it answers 404 (replication lag). */
export const getPullRequest = async (octokit: Octokit, repo: RepoRef, number: number, lag: LagOptions = {}) => {
  const { data } = await readThroughLag(() => octokit.rest.pulls.get({ ...repo, pull_number: number }), lag);
  return data;
};

/** GET /repos/{owner}/{repo}/pulls?head=<owner>:<branch>&state=all: the PR opened from `branch` into `base`. */
export const findPullRequestByHead = async (octokit: Octokit, repo: RepoRef, branch: string, base: string): Promise<{ number: number; url: string } | null> => {
  const { data } = await octokit.rest.pulls.list({ ...repo, head: `${repo.owner}:${branch}`, base, state: "all", per_page: 10 });
  const pull = data.find((candidate) => candidate.head.ref === branch && candidate.base.ref === base);
  return pull ? { number: pull.number, url: pull.html_url } : null;
};

/** POST /repos/{owner}/{repo}/pulls */
export const createPullRequest = async (
  octokit: Octokit,
  repo: RepoRef,
  pull: { title: string; body: string; head: string; base: string },
): Promise<{ number: number; url: string; nodeId: string }> => {
  const { data } = await octokit.rest.pulls.create({ ...repo, title: fitTitle(pull.title), body: fitBody(pull.body), head: pull.head, base: pull.base, maintainer_can_modify: true });
  return { number: data.number, url: data.html_url, nodeId: data.node_id };
};

export const DECORATE_PULL_REQUEST_MUTATION = /* GraphQL */ `
  mutation DecoratePullRequest($pullRequest: ID!, $labels: [ID!], $assignees: [ID!], $users: [ID!], $teams: [ID!], $reviews: Boolean!) {
    update: updatePullRequest(input: { pullRequestId: $pullRequest, labelIds: $labels, assigneeIds: $assignees }) { clientMutationId }
    reviews: requestReviews(input: { pullRequestId: $pullRequest, userIds: $users, teamIds: $teams, union: true }) @include(if: $reviews) { clientMutationId }
  }
`;

/** What one `decoratePullRequest` did: each part GitHub refused is to be done over REST, by name. */
export interface Decorated {
  labelledAndAssigned: boolean;
  reviewsRequested: boolean;
}

/**
 * A new PR's labels and assignees (`updatePullRequest`) and its review requests (`requestReviews`,
 * added to any there) in one GraphQL request: one write where REST takes two. Every id must be
 * known (`node-ids.ts`). GitHub runs a document's mutations one after another and answers each on
 * its own: a part it refuses (an assignee who may not be assigned, a reviewer who is not a
 * collaborator) is reported as not done, never thrown; so is a request that failed as a whole.
 */
export const decoratePullRequest = async (
  octokit: Octokit,
  pullRequestId: string,
  ids: { labels: string[]; assignees: string[]; users: string[]; teams: string[] },
): Promise<Decorated> => {
  const reviews = ids.users.length + ids.teams.length > 0;
  type Answer = {
    update?: Sub<Mutation, { updatePullRequest: Selected<UpdatePullRequestPayload, "clientMutationId"> }>["updatePullRequest"];
    /** `@include(if: $reviews)`: absent when not asked. */
    reviews?: Sub<Mutation, { requestReviews: Selected<RequestReviewsPayload, "clientMutationId"> }>["requestReviews"];
  } | null;
  const data = await octokit
    .graphql<Answer>(DECORATE_PULL_REQUEST_MUTATION, { pullRequest: pullRequestId, labels: ids.labels, assignees: ids.assignees, users: ids.users, teams: ids.teams, reviews })
    .catch((error: { data?: Answer }) => error?.data ?? null);
  return { labelledAndAssigned: Boolean(data?.update), reviewsRequested: !reviews || Boolean(data?.reviews) };
};

export type MergeAnswer = { merged: true; sha: string } | { merged: false; status: number; message: string };

/** GitHub's refusals of a merge: the PR or a rule says no (405), the head moved (409), a bad request (422). */
const REFUSALS = new Set([405, 409, 422]);

/**
 * PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge, naming the head commit that was evaluated
 * (`sha`): a push in between makes GitHub answer 409 instead of merging unreviewed code.
 * Never retried: Octokit's retry plugin retries 405 and 409 by default, and a blind retry of a
 * merge either repeats a refusal or merges what nobody re-evaluated (`request.retries: 0`).
 * GitHub's refusals are answers, returned with its own words; other failures throw.
 */
export const mergePullRequest = async (
  octokit: Octokit,
  repo: RepoRef,
  number: number,
  request: { sha: string; method: "merge" | "squash" | "rebase"; commitMessage?: string },
): Promise<MergeAnswer> => {
  try {
    const { data } = await octokit.rest.pulls.merge({
      ...repo,
      pull_number: number,
      sha: request.sha,
      merge_method: request.method,
      ...(request.commitMessage !== undefined ? { commit_message: request.commitMessage } : {}),
      request: { retries: 0 },
    });
    return { merged: true, sha: data.sha };
  } catch (error) {
    const e = error as { status?: number; message?: string; response?: { data?: { message?: string } } };
    if (!e?.status || !REFUSALS.has(e.status)) throw error;
    return { merged: false, status: e.status, message: e.response?.data?.message ?? e.message ?? "" };
  }
};
