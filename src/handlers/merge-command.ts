import type { Probot } from "probot";
import { handleMergeCommand } from "../flows/merge-command.js";
import { recordReviewAfterMerge } from "../flows/review-after-merge.js";
import { parseMergeCommand } from "../governance/merge/command.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

/**
 * `/merge-emergency [reason]` in a new comment on a PR. Only new comments order a merge: an edit
 * never does. The PR's events are handled one at a time, so the command never races an
 * evaluation or a second copy of itself.
 */
export const registerMergeCommand = (app: Probot, runtime: Runtime): void => {
  on(
    app,
    runtime,
    "issue_comment.created",
    async (delivery, context) => {
      const { issue, comment } = context.payload;
      if (!issue.pull_request || !comment.user) return;
      const command = parseMergeCommand(comment.body);
      if (!command) return;
      const actor = { login: comment.user.login, isBot: comment.user.type === "Bot" };
      await delivery.withPullRequestLock(issue.number, () =>
        handleMergeCommand(delivery, { number: issue.number, commentId: comment.id, command: command.text, reason: command.reason, actor }),
      );
    },
    "merge-command",
  );

  // The review after merge (SPEC §8): an approving review submitted on a merged hotfix.
  on(
    app,
    runtime,
    "pull_request_review.submitted",
    async (delivery, context) => {
      const { review, pull_request: pr } = context.payload;
      if (!pr.merged_at || String(review.state).toLowerCase() !== "approved" || !review.user) return;
      await delivery.withPullRequestLock(pr.number, () =>
        recordReviewAfterMerge(delivery, {
          number: pr.number,
          labels: pr.labels.map((label) => label.name),
          reviewer: review.user!.login,
          at: review.submitted_at ?? delivery.now().toISOString(),
          url: review.html_url ?? null,
          mergedAt: pr.merged_at!,
        }),
      );
    },
    "review-after-merge",
  );
};
