import type { GraphqlQuery } from "../platform/instrument-octokit.js";
import type { ProbotOctokit } from "probot";
import type { HistoryCommit, MergeCommitFacts, PullCommitFacts } from "../backport/change.js";
import type { TargetState } from "../backport/plan.js";
import { fitBody, fitTitle } from "./limits.js";
import { readThroughLag, type LagOptions } from "./read-through-lag.js";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;
/** A GraphQL query function: `delivery.query` (reads are not spaced like writes). */
type GraphQL = GraphqlQuery;

/**
 * The backport flow's gateway: every GraphQL query and REST call it makes. Reads are GraphQL
 * (one query for the source, one for all targets); writes are the REST git-data, merges, pulls
 * and issues endpoints. Nothing here depends on the repository's size: no tree or file is listed.
 */

// ---- reads ----------------------------------------------------------------------------------------

/** The merged PR's commits (newest 100) and merge commit, and the default branch: one query. */
export const BACKPORT_SOURCE_QUERY = /* GraphQL */ `
  query BackportSource($owner: String!, $repo: String!, $number: Int!, $merge: GitObjectID!) {
    repository(owner: $owner, name: $repo) {
      defaultBranchRef { name }
      pullRequest(number: $number) {
        commits(last: 100) {
          totalCount
          nodes { commit { oid message authors(first: 1) { nodes { name email date } } } }
        }
      }
      mergeCommit: object(oid: $merge) {
        ... on Commit {
          oid
          message
          parents(first: 2) { nodes { oid } }
          author { name email date }
        }
      }
    }
  }
`;

export interface GitPerson {
  name: string;
  email: string;
  date: string | null;
}

export interface BackportSource {
  defaultBranch: string | null;
  prCommits: PullCommitFacts[];
  totalPrCommits: number;
  /** The author of the PR's newest commit: the backport commit's author. */
  headAuthor: GitPerson | null;
  merge: (MergeCommitFacts & { author: GitPerson | null }) | null;
}

type Actor = { name: string | null; email: string | null; date: string | null } | null | undefined;

const person = (actor: Actor): GitPerson | null => (actor?.name && actor.email ? { name: actor.name, email: actor.email, date: actor.date ?? null } : null);

export const fetchBackportSource = async (graphql: GraphQL, repo: RepoRef, number: number, mergeSha: string): Promise<BackportSource> => {
  const data = await graphql<{
    repository: {
      defaultBranchRef: { name: string } | null;
      pullRequest: { commits: { totalCount: number; nodes: Array<{ commit: { oid: string; message: string; authors: { nodes: Actor[] } } }> } } | null;
      mergeCommit: { oid?: string; message?: string; parents?: { nodes: Array<{ oid: string }> }; author?: Actor } | null;
    };
  }>(BACKPORT_SOURCE_QUERY, { owner: repo.owner, repo: repo.repo, number, merge: mergeSha });
  const { repository } = data;
  const commits = repository.pullRequest?.commits;
  const merge = repository.mergeCommit?.oid
    ? {
        oid: repository.mergeCommit.oid,
        message: repository.mergeCommit.message ?? "",
        parents: repository.mergeCommit.parents?.nodes.map((parent) => parent.oid) ?? [],
        author: person(repository.mergeCommit.author),
      }
    : null;
  const newest = commits?.nodes.at(-1);
  return {
    defaultBranch: repository.defaultBranchRef?.name ?? null,
    prCommits: commits?.nodes.map((node) => ({ oid: node.commit.oid, message: node.commit.message })) ?? [],
    totalPrCommits: commits?.totalCount ?? 0,
    headAuthor: person(newest?.commit.authors.nodes[0]),
    merge,
  };
};

/**
 * One query for every target: the target branch (head and tree), the backport branch, the PRs
 * already opened from it, plus the app's leftover temporary branches and, when the merge
 * method needs it, the base's history from the merge commit.
 */
export const backportTargetsQuery = (targets: number): string => {
  const variables = Array.from({ length: targets }, (_, index) => `, $target${index}: String!, $branch${index}: String!, $head${index}: String!`).join("");
  const fields = Array.from(
    { length: targets },
    (_, index) => `
      target${index}: ref(qualifiedName: $target${index}) { target { oid ... on Commit { tree { oid } } } }
      branch${index}: ref(qualifiedName: $branch${index}) { target { oid ... on Commit { message } } }
      pulls${index}: pullRequests(headRefName: $head${index}, states: [OPEN, CLOSED, MERGED], first: 10) {
        nodes { number url state baseRefName isCrossRepository author { __typename login } labels(first: 100) { nodes { name } } }
      }`,
  ).join("");
  return /* GraphQL */ `
  query BackportTargets($owner: String!, $repo: String!, $tempPrefix: String!, $merge: GitObjectID!, $history: Int!, $withHistory: Boolean!${variables}) {
    repository(owner: $owner, name: $repo) {
      temporary: refs(refPrefix: $tempPrefix, first: 100) { nodes { prefix name } }
      history: object(oid: $merge) @include(if: $withHistory) {
        ... on Commit {
          history(first: $history) {
            pageInfo { hasNextPage endCursor }
            nodes { oid message parents(first: 2) { nodes { oid } } }
          }
        }
      }${fields}
    }
  }
`;
};

/** More of the base's history, for rebases of more than 100 commits. */
export const HISTORY_PAGE_QUERY = /* GraphQL */ `
  query BackportHistory($owner: String!, $repo: String!, $merge: GitObjectID!, $after: String) {
    repository(owner: $owner, name: $repo) {
      object(oid: $merge) {
        ... on Commit {
          history(first: 100, after: $after) {
            pageInfo { hasNextPage endCursor }
            nodes { oid message parents(first: 2) { nodes { oid } } }
          }
        }
      }
    }
  }
`;

type HistoryConnection = {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<{ oid: string; message: string; parents: { nodes: Array<{ oid: string }> } }>;
};

const historyCommits = (connection: HistoryConnection | undefined): HistoryCommit[] =>
  connection?.nodes.map((node) => ({ oid: node.oid, message: node.message, parents: node.parents.nodes.map((parent) => parent.oid) })) ?? [];

export interface TargetsFacts {
  states: TargetState[];
  /** Full ref names of the app's temporary branches for this PR. */
  temporaryBranches: string[];
  history: HistoryCommit[];
}

export const fetchTargetStates = async (
  graphql: GraphQL,
  repo: RepoRef,
  input: { targets: Array<{ target: string; branch: string }>; tempPrefix: string; mergeSha: string; history: number },
): Promise<TargetsFacts> => {
  const variables: Record<string, unknown> = {
    owner: repo.owner,
    repo: repo.repo,
    tempPrefix: `refs/heads/${input.tempPrefix}`,
    merge: input.mergeSha,
    history: Math.max(1, Math.min(input.history, 100)),
    withHistory: input.history > 0,
  };
  input.targets.forEach(({ target, branch }, index) => {
    variables[`target${index}`] = `refs/heads/${target}`;
    variables[`branch${index}`] = `refs/heads/${branch}`;
    variables[`head${index}`] = branch;
  });
  type RefNode = { target: { oid: string; tree?: { oid: string }; message?: string } | null } | null;
  const data = await graphql<{ repository: Record<string, unknown> }>(backportTargetsQuery(input.targets.length), variables);
  const repository = data.repository;
  const states = input.targets.map(({ target }, index): TargetState => {
    const head = repository[`target${index}`] as RefNode;
    const branch = repository[`branch${index}`] as RefNode;
    const pulls = repository[`pulls${index}`] as {
      nodes: Array<{ number: number; url: string; state: "OPEN" | "CLOSED" | "MERGED"; baseRefName: string; isCrossRepository: boolean; author: { __typename: string; login: string } | null; labels: { nodes: Array<{ name: string }> } }>;
    };
    return {
      target,
      head: head?.target?.tree ? { oid: head.target.oid, tree: head.target.tree.oid } : null,
      branch: branch?.target ? { oid: branch.target.oid, message: branch.target.message ?? "" } : null,
      pullRequests: pulls.nodes.map((pull) => ({
        number: pull.number,
        url: pull.url,
        state: pull.state,
        baseRefName: pull.baseRefName,
        isCrossRepository: pull.isCrossRepository,
        authorIsBot: pull.author?.__typename === "Bot",
        labels: pull.labels.nodes.map((label) => label.name),
      })),
    };
  });
  const temporary = repository.temporary as { nodes: Array<{ prefix: string; name: string }> };
  const first = (repository.history as { history?: HistoryConnection } | undefined)?.history;
  const history = historyCommits(first);
  let page = first?.pageInfo;
  while (page?.hasNextPage && history.length < input.history) {
    const next = await graphql<{ repository: { object: { history?: HistoryConnection } | null } }>(HISTORY_PAGE_QUERY, {
      owner: repo.owner,
      repo: repo.repo,
      merge: input.mergeSha,
      after: page.endCursor,
    });
    history.push(...historyCommits(next.repository.object?.history));
    page = next.repository.object?.history?.pageInfo;
  }
  return {
    states,
    // A ref's full name is its prefix and its name, whatever part of it the prefix covers.
    temporaryBranches: temporary.nodes.map((node) => (node.name.startsWith("refs/") ? node.name : `${node.prefix}${node.name}`)),
    history,
  };
};

/** The app's comments on the PR (newest first, paging back), to find its markers. */
export const PULL_REQUEST_COMMENTS_QUERY = /* GraphQL */ `
  query BackportComments($owner: String!, $repo: String!, $number: Int!, $before: String) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        comments(last: 100, before: $before) {
          pageInfo { hasPreviousPage startCursor }
          nodes { body viewerDidAuthor }
        }
      }
    }
  }
`;

/** Bodies of the comments the app wrote on PR #`number` that contain any of `needles` (stops paging once all are found). */
export const findOwnComments = async (graphql: GraphQL, repo: RepoRef, number: number, needles: string[]): Promise<string[]> => {
  const found: string[] = [];
  let before: string | null = null;
  for (let page = 0; page < 30; page++) {
    const data: { repository: { pullRequest: { comments: { pageInfo: { hasPreviousPage: boolean; startCursor: string | null }; nodes: Array<{ body: string; viewerDidAuthor: boolean }> } } | null } } =
      await graphql(PULL_REQUEST_COMMENTS_QUERY, { owner: repo.owner, repo: repo.repo, number, before });
    const comments = data.repository.pullRequest?.comments;
    if (!comments) return found;
    found.push(...comments.nodes.filter((comment) => comment.viewerDidAuthor && needles.some((needle) => comment.body.includes(needle))).map((comment) => comment.body));
    if (needles.every((needle) => found.some((body) => body.includes(needle)))) return found;
    if (!comments.pageInfo.hasPreviousPage) return found;
    before = comments.pageInfo.startCursor;
  }
  return found;
};

/** GET /repos/{owner}/{repo}/pulls/{pull_number}: what a `/backport` command needs of its PR. */
/** GET /repos/{owner}/{repo}/pulls/{n}, read again for a few seconds while it answers 404 (replication lag). */
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

// ---- writes ---------------------------------------------------------------------------------------

/** POST /repos/{owner}/{repo}/git/commits. Without `author`, GitHub uses the app. */
export const createCommit = async (
  octokit: Octokit,
  repo: RepoRef,
  commit: { message: string; tree: string; parents: string[]; author?: GitPerson | null },
): Promise<string> => {
  const author = commit.author ? { name: commit.author.name, email: commit.author.email, ...(commit.author.date ? { date: commit.author.date } : {}) } : undefined;
  const { data } = await octokit.rest.git.createCommit({ ...repo, message: commit.message, tree: commit.tree, parents: commit.parents, ...(author ? { author } : {}) });
  return data.sha;
};

/** POST /repos/{owner}/{repo}/git/refs: atomic; GitHub answers 422 "Reference already exists" when it does. */
export const createBranch = async (octokit: Octokit, repo: RepoRef, branch: string, sha: string): Promise<void> => {
  await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha });
};

/** DELETE /repos/{owner}/{repo}/git/refs/{ref}: true when deleted, false when it was already gone (422). */
export const deleteBranch = async (octokit: Octokit, repo: RepoRef, branch: string): Promise<boolean> => {
  try {
    await octokit.rest.git.deleteRef({ ...repo, ref: `heads/${branch}` });
    return true;
  } catch (error) {
    if ((error as { status?: number }).status === 422) return false;
    throw error;
  }
};

export type MergeResult = { kind: "merged"; sha: string; tree: string } | { kind: "nothing-to-merge" } | { kind: "conflict" };

const statusOf = (error: unknown): number | undefined => (error as { status?: number })?.status;

/**
 * POST /repos/{owner}/{repo}/merges into a branch this attempt owns: 201 with the merge commit,
 * 204 when `head` is already in `base`, 409 on a conflict. Octokit's retry plugin would retry a
 * 409, so the plugin is told not to retry (`retries: 0`) and a 5xx is retried here, once: if the
 * first try did merge, the retry answers 204 and the merge commit is read from the branch
 * (GET .../git/ref/{ref}, GET .../git/commits/{sha}) — `onlyMergeOf` says what it must be.
 */
export const mergeIntoBranch = async (
  octokit: Octokit,
  repo: RepoRef,
  base: string,
  head: string,
  message: string,
  onlyMergeOf?: string,
): Promise<MergeResult> => {
  const attempt = async (): Promise<MergeResult> => {
    const response = await octokit.rest.repos.merge({ ...repo, base, head, commit_message: message, request: { retries: 0 } });
    if ((response.status as number) === 204 || !response.data) return { kind: "nothing-to-merge" };
    return { kind: "merged", sha: response.data.sha, tree: response.data.commit.tree.sha };
  };
  try {
    return await attempt();
  } catch (error) {
    if (statusOf(error) === 409) return { kind: "conflict" };
    if ((statusOf(error) ?? 0) < 500) throw error;
  }
  try {
    const retried = await attempt();
    if (retried.kind !== "nothing-to-merge" || !onlyMergeOf) return retried;
    // The first try merged after all: the branch's head is that merge.
    const { data: ref } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${base}` });
    const { data: commit } = await octokit.rest.git.getCommit({ ...repo, commit_sha: ref.object.sha });
    const parents = commit.parents.map((parent) => parent.sha);
    if (parents.length === 2 && parents[0] === onlyMergeOf && parents[1] === head) return { kind: "merged", sha: commit.sha, tree: commit.tree.sha };
    return retried;
  } catch (error) {
    if (statusOf(error) === 409) return { kind: "conflict" };
    throw error;
  }
};

/** POST /repos/{owner}/{repo}/pulls */
export const createPullRequest = async (
  octokit: Octokit,
  repo: RepoRef,
  pull: { title: string; body: string; head: string; base: string },
): Promise<{ number: number; url: string }> => {
  const { data } = await octokit.rest.pulls.create({ ...repo, title: fitTitle(pull.title), body: fitBody(pull.body), head: pull.head, base: pull.base, maintainer_can_modify: true });
  return { number: data.number, url: data.html_url };
};

const isAssigneeRefusal = (error: unknown): boolean => {
  const e = error as { status?: number; response?: { data?: { errors?: Array<{ field?: string }> } } };
  return e.status === 422 && Boolean(e.response?.data?.errors?.some((item) => item.field === "assignees" || item.field === "assignee"));
};

/**
 * PATCH /repos/{owner}/{repo}/issues/{issue_number}: labels and assignees of a new PR in one
 * write. GitHub refuses the whole update (422) when someone cannot be assigned (an author from
 * a fork who is not a collaborator): the labels are then set alone.
 */
export const labelAndAssign = async (octokit: Octokit, repo: RepoRef, number: number, labels: string[], assignees: string[]): Promise<{ assigned: boolean }> => {
  if (labels.length === 0 && assignees.length === 0) return { assigned: true };
  try {
    await octokit.rest.issues.update({ ...repo, issue_number: number, labels, ...(assignees.length > 0 ? { assignees } : {}) });
    return { assigned: true };
  } catch (error) {
    if (!isAssigneeRefusal(error) || labels.length === 0) {
      if (isAssigneeRefusal(error)) return { assigned: false };
      throw error;
    }
    await octokit.rest.issues.update({ ...repo, issue_number: number, labels });
    return { assigned: false };
  }
};

/**
 * POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers. GitHub refuses the whole
 * request (422) when one reviewer cannot be asked; then each is asked alone and the refusals returned.
 */
export const requestBackportReviews = async (octokit: Octokit, repo: RepoRef, number: number, users: string[], teams: string[]): Promise<string[]> => {
  if (users.length === 0 && teams.length === 0) return [];
  try {
    await octokit.rest.pulls.requestReviewers({ ...repo, pull_number: number, reviewers: users, team_reviewers: teams });
    return [];
  } catch (error) {
    if ((error as { status?: number }).status !== 422) throw error;
    if (users.length + teams.length === 1) return [...users, ...teams.map((team) => `@${repo.owner}/${team}`)];
  }
  const refused: string[] = [];
  for (const [reviewers, team_reviewers, name] of [...users.map((user) => [[user], [], user] as const), ...teams.map((team) => [[], [team], `@${repo.owner}/${team}`] as const)]) {
    try {
      await octokit.rest.pulls.requestReviewers({ ...repo, pull_number: number, reviewers: [...reviewers], team_reviewers: [...team_reviewers] });
    } catch (error) {
      if ((error as { status?: number }).status !== 422) throw error;
      refused.push(name);
    }
  }
  return refused;
};

/** POST /repos/{owner}/{repo}/issues/{issue_number}/comments */
export const postComment = async (octokit: Octokit, repo: RepoRef, number: number, body: string): Promise<void> => {
  await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: fitBody(body) });
};

/** POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions (200 instead of 201 when it already exists). */
export const reactToComment = async (octokit: Octokit, repo: RepoRef, commentId: number, content: "+1" | "-1"): Promise<void> => {
  await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content });
};
