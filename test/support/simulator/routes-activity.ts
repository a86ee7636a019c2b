import { extendCommentNode, extendPullRequestNode, userNode } from "./graphql.js";
import { restUser } from "./rest-shapes.js";
import { ghError, type GitHubSimulator } from "./simulator.js";
import type { SimActivity, SimPull, SimRepo, SimTimelineEvent } from "./state.js";

/**
 * What GitHub records of how a PR changed under its approvals: the repository activity API
 * (pushes, force-pushes, branch creation and deletion, with who did it), the PR timeline's
 * force-pushes, base changes, deletions and dismissals (GraphQL `timelineItems`), review
 * comments' original commit and review, and REST's list of a PR's files (renames with
 * `previous_filename`, which GraphQL does not have).
 */

const findRepo = (sim: GitHubSimulator, params: Record<string, string>): SimRepo | undefined =>
  sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());

const ACTIVITY_TYPES = ["push", "force_push", "branch_creation", "branch_deletion", "pr_merge", "merge_queue_merge"];

const restActivity = (activity: SimActivity) => ({
  id: activity.id,
  node_id: activity.nodeId,
  before: activity.before,
  after: activity.after,
  ref: activity.ref,
  timestamp: activity.timestamp,
  activity_type: activity.activityType,
  actor: activity.actor ? restUser(activity.actor) : null,
});

const cursor = (id: number): string => Buffer.from(`activity:${id}`).toString("base64url");
const uncursor = (value: string): number => Number(Buffer.from(value, "base64url").toString().split(":")[1]);

/** `PatchStatus` → REST's file `status`. */

const validation = (message: string) => ghError(422, message);

export const registerActivityRoutes = (sim: GitHubSimulator): void => {
  // GET /repos/{owner}/{repo}/activity: newest first by default, cursor pages (`before`/`after` in the Link header), at most 100 a page.
  sim.route("GET", "/repos/{owner}/{repo}/activity", ({ params, query }) => {
    const repo = findRepo(sim, params);
    if (!repo) return ghError(404, "Not Found");
    const perPage = Number(query.get("per_page") ?? 30);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return validation("per_page must be between 1 and 100");
    const type = query.get("activity_type");
    if (type && !ACTIVITY_TYPES.includes(type)) return validation(`activity_type ${type} is not a valid activity type`);
    const ref = query.get("ref");
    const fullRef = ref && !ref.startsWith("refs/") ? `refs/heads/${ref}` : ref;
    const actor = query.get("actor");
    let items = repo.activity
      .filter((item) => !fullRef || item.ref === fullRef)
      .filter((item) => !type || item.activityType === type)
      .filter((item) => !actor || item.actor?.login.toLowerCase() === actor.toLowerCase());
    if ((query.get("direction") ?? "desc") === "desc") items = [...items].reverse();
    const after = query.get("after");
    if (after) items = items.slice(items.findIndex((item) => item.id === uncursor(after)) + 1);
    const page = items.slice(0, perPage);
    const headers: Record<string, string> = {};
    if (items.length > perPage) {
      const next = new URL(`${sim.baseUrl}/repos/${params.owner}/${params.repo}/activity`);
      for (const [key, value] of query.entries()) if (key !== "after") next.searchParams.set(key, value);
      next.searchParams.set("after", cursor(page.at(-1)!.id));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    return { status: 200, body: page.map(restActivity), headers };
  });

};

const TIMELINE_TYPES: Record<string, SimTimelineEvent["type"]> = {
  HEAD_REF_FORCE_PUSHED_EVENT: "HeadRefForcePushedEvent",
  BASE_REF_CHANGED_EVENT: "BaseRefChangedEvent",
  COMMENT_DELETED_EVENT: "CommentDeletedEvent",
  REVIEW_DISMISSED_EVENT: "ReviewDismissedEvent",
};

const commitRef = (oid: string) => ({ __typename: "Commit", id: `C_${oid}`, oid });

const timelineNode = (sim: GitHubSimulator, repo: SimRepo, event: SimTimelineEvent) => {
  const common = { __typename: event.type, id: `TE_${event.id}`, createdAt: event.at, actor: event.actor ? userNode(event.actor) : null };
  switch (event.type) {
    case "HeadRefForcePushedEvent":
      return { ...common, beforeCommit: commitRef(event.beforeSha), afterCommit: commitRef(event.afterSha), ref: { name: event.ref } };
    case "BaseRefChangedEvent":
      return { ...common, databaseId: event.id, previousRefName: event.previousRefName, currentRefName: event.currentRefName };
    case "CommentDeletedEvent":
      return { ...common, databaseId: event.id, deletedCommentAuthor: event.deletedCommentAuthor ? userNode(event.deletedCommentAuthor) : null };
    case "ReviewDismissedEvent": {
      const review = repo.reviews.find((candidate) => candidate.id === event.reviewId);
      return {
        ...common,
        databaseId: event.id,
        dismissalMessage: event.message,
        review: review ? { id: review.nodeId, databaseId: review.id, author: userNode(review.user), state: review.state } : null,
      };
    }
  }
};

/**
 * The force-pushes, base changes, deletions and dismissals of a PR as `timelineItems` entries:
 * merged into the one PR timeline (`routes-issues.ts`), oldest first like the rest of it.
 */
export const approvalTimelineItems = (sim: GitHubSimulator, repo: SimRepo, pull: SimPull) =>
  repo.timeline
    .filter((event) => event.pullNumber === pull.number)
    .map((event) => ({ at: event.at, type: ITEM_TYPE[event.type], node: timelineNode(sim, repo, event) as Record<string, unknown> }));

const ITEM_TYPE = Object.fromEntries(Object.entries(TIMELINE_TYPES).map(([itemType, type]) => [type, itemType])) as Record<SimTimelineEvent["type"], string>;

// The fork's repository when the head is in one (GitHub returns it for a public fork even when the app cannot read its activity).
extendPullRequestNode((_sim, _repo, pull) => ({
  headRepository: { __typename: "Repository", id: `R_${pull.head.repoFullName}`, nameWithOwner: pull.head.repoFullName, name: pull.head.repoFullName.split("/")[1] },
}));

// Review comments: `originalCommit` (what the reviewer saw) and the review they belong to.
extendCommentNode((sim, comment, kind) => {
  if (kind !== "review_comment") return {};
  const repo = [...sim.repos.values()].find((candidate) => candidate.reviewComments.includes(comment));
  const review = comment.reviewId ? repo?.reviews.find((candidate) => candidate.id === comment.reviewId) : undefined;
  const original = comment.originalCommitId ?? comment.commitId;
  return {
    originalCommit: original ? commitRef(original) : null,
    pullRequestReview: review
      ? { id: review.nodeId, databaseId: review.id, state: review.state }
      : // GitHub files a lone review comment under a one-comment review of its own, state COMMENTED.
        { id: `PRR_single_${comment.id}`, databaseId: comment.id + 1_000_000, state: "COMMENTED" },
  };
});
