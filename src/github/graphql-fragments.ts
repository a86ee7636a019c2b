/**
 * The selections several queries share, written once: what the app reads of a person, of a PR
 * that merged, of its own `Hotfix governance` runs and of a commit's checks means the same in
 * every query, and one mapping in `graphql-nodes.ts` reads each. A query names the fragments it
 * spreads (GraphQL refuses a document with an unused fragment).
 */

/** A person or app, as `actorOf` reads it: GitHub's own account type tells a bot. */
export const ACTOR_FRAGMENT = "fragment ActorFields on Actor { __typename login }";

/** A PR's identity and merge, as the postmortem, the sweep and the facts read it (spreads `ActorFields`). */
export const MERGED_PULL_REQUEST_FRAGMENT = `fragment MergedPullRequestFields on PullRequest {
    number title body url createdAt mergedAt
    mergeCommit { oid }
    mergedBy { ...ActorFields }
    author { ...ActorFields }
    headRefOid
  }`;

/**
 * This app's `Hotfix governance` runs on a commit, newest last, as `ownCheckRunsOf` reads them.
 * Spread where the operation declares `$appId: Int` and `$checkName: String!`.
 */
export const OWN_CHECK_RUNS_FRAGMENT = `fragment OwnCheckRuns on Commit {
    checkSuites(first: 10, filterBy: { appId: $appId, checkName: $checkName }) {
      nodes {
        app { databaseId }
        checkRuns(last: 100, filterBy: { checkName: $checkName, checkType: ALL }) {
          nodes { databaseId status conclusion startedAt title summary text }
        }
      }
    }
  }`;

/** One check run or commit status of a commit's rollup, as `headCheckOf` reads it. */
export const ROLLUP_FRAGMENT = `fragment RollupFields on StatusCheckRollupContext {
    __typename
    ... on CheckRun { name status conclusion startedAt completedAt checkSuite { app { databaseId } } }
    ... on StatusContext { context state createdAt }
  }`;
