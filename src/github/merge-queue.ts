import type { GraphqlQuery } from "../platform/instrument-octokit.js";
import type { Commit, Label, MergeQueue, MergeQueueEntry, PullRequest, Repository } from "@octokit/graphql-schema";
import type { OwnCheckRun } from "../governance/facts.js";
import { CHECK_NAME } from "../governance/check-output.js";
import { listed, ownCheckRunsOf, type Nodes, type OwnRunsSelection, type Selected, type Sub } from "./graphql-nodes.js";
import type { RepoRef } from "./repo-ref.js";


/** A PR of a merge group: its labels and this app's newest verdict on its head commit. */
export interface QueuedPull {
  number: number;
  headSha: string;
  labels: string[];
  /** This app's newest `Hotfix governance` run on the PR's head, if any. */
  verdict: OwnCheckRun | null;
  /** Position in the queue (1 = next to merge); null when the queue did not list it. */
  position: number | null;
}

export interface MergeGroupFacts {
  /** The PR the group's `head_ref` names, or null when it does not exist. */
  pull: QueuedPull | null;
  /** The queue's entries, position 1 first. */
  entries: QueuedPull[];
  /** This app's runs on the group commit (a redelivery finds its own answer). */
  groupRuns: OwnCheckRun[];
}

// Its own, smaller cut of the app's runs than OWN_CHECK_RUNS_FRAGMENT: it is spread for up to 51
// PRs, and the query's points grow with every connection's size.
const QUEUED_PULL_FRAGMENT = `fragment QueuedPull on PullRequest {
    number
    headRefOid
    labels(first: 100) { nodes { name } }
    headCommit: commits(last: 1) {
      nodes { commit { oid ...QueuedOwnRuns } }
    }
  }
  fragment QueuedOwnRuns on Commit {
    checkSuites(first: 1, filterBy: { appId: $appId, checkName: $checkName }) {
      nodes {
        app { databaseId }
        checkRuns(last: 20, filterBy: { checkName: $checkName, checkType: ALL }) {
          nodes { databaseId status conclusion startedAt title summary text }
        }
      }
    }
  }`;

/**
 * Who is in a merge group, in one query (about 2 points): the PR its `head_ref` names, the
 * queue's entries ahead of it (their changes are in the group commit too), each with its labels
 * and this app's verdict on its head, and the app's runs on the group commit.
 */
export const MERGE_GROUP_QUERY = /* GraphQL */ `
  query MergeGroup($owner: String!, $repo: String!, $branch: String!, $number: Int!, $groupSha: GitObjectID!, $appId: Int, $checkName: String!) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) { ...QueuedPull }
      mergeQueue(branch: $branch) {
        entries(first: 50) {
          nodes { position pullRequest { ...QueuedPull } }
        }
      }
      object(oid: $groupSha) { ... on Commit { ...QueuedOwnRuns } }
    }
  }
  ${QUEUED_PULL_FRAGMENT}
`;

/** `QueuedPull`, as a selection of GitHub's schema types (see graphql-nodes.ts). */
type QueuedPullNode = Selected<PullRequest, "number" | "headRefOid"> &
  Sub<PullRequest, { labels: Nodes<Selected<Label, "name">> }> & {
    headCommit: Sub<PullRequest, { commits: Nodes<{ commit: Selected<Commit, "oid"> & NonNullable<OwnRunsSelection> }> }>["commits"];
  };
type MergeGroupAnswer = {
  repository?:
    | (Sub<Repository, {
        pullRequest: QueuedPullNode;
        mergeQueue: Sub<MergeQueue, { entries: Nodes<Selected<MergeQueueEntry, "position"> & Sub<MergeQueueEntry, { pullRequest: QueuedPullNode }>> }>;
        /** `... on Commit`: another kind of object answers `{}`. */
        object: NonNullable<OwnRunsSelection>;
      }>)
    | null;
};

const queuedPullOf = (node: QueuedPullNode, appId: number | null, position: number | null): QueuedPull => {
  const runs = ownCheckRunsOf(node.headCommit?.nodes?.[0]?.commit, appId).sort((a, b) => b.id - a.id);
  return { number: node.number, headSha: node.headRefOid, labels: listed(node.labels?.nodes, `the labels of #${node.number}`).map((label) => label.name), verdict: runs[0] ?? null, position };
};

export const fetchMergeGroup = async (
  graphql: GraphqlQuery,
  repo: RepoRef,
  group: { baseBranch: string; number: number; headSha: string },
  appId: number | null,
): Promise<MergeGroupFacts> => {
  const data = await graphql<MergeGroupAnswer>(MERGE_GROUP_QUERY, {
    owner: repo.owner,
    repo: repo.repo,
    branch: group.baseBranch,
    number: group.number,
    groupSha: group.headSha,
    appId,
    checkName: CHECK_NAME,
  }).catch((error: unknown) => {
    // The PR may be gone (GraphQL answers NOT_FOUND beside the rest of the data).
    const partial = (error as { data?: MergeGroupAnswer } | null)?.data;
    if (partial?.repository) return partial;
    throw error;
  });
  const repository = data?.repository;
  const entries = (repository?.mergeQueue?.entries?.nodes ?? []).flatMap((entry) => (entry?.pullRequest ? [queuedPullOf(entry.pullRequest, appId, entry.position)] : []));
  const pull = repository?.pullRequest ? queuedPullOf(repository.pullRequest, appId, entries.find((entry) => entry.number === group.number)?.position ?? null) : null;
  return { pull, entries, groupRuns: ownCheckRunsOf(repository?.object, appId) };
};
