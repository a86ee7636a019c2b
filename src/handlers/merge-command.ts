import type { Probot } from "probot";
import { handleMergeCommand } from "../flows/merge-command.js";
import { recordReviewAfterMerge } from "../flows/review-after-merge.js";
import { parseMergeCommand } from "../governance/merge/command.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";
import { onPullRequestCommand } from "./pull-request-command.js";

/** `/merge-emergency [reason]`; the PR's lock keeps it from racing an evaluation or a second copy of itself. */
export const registerMergeCommand = (app: Probot, runtime: Runtime): void => {
  onPullRequestCommand(app, runtime, "merge-command", parseMergeCommand, (delivery, { command, ...request }) =>
    handleMergeCommand(delivery, { ...request, command: command.text, reason: command.reason }),
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
