import type { Probot } from "probot";
import { evaluatePullRequest } from "../flows/evaluate-pull-request.js";
import { parseCommands } from "../governance/approvals/commands.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

/**
 * Did this event add, change or remove an approval command? Only then can the approvals change:
 * other comments (including the app's own replies, which quote commands) cost no evaluation.
 */
const touchesCommand = (body: string | null | undefined, previous?: string | null): boolean =>
  parseCommands(body).length > 0 || parseCommands(previous).length > 0;

type Changes = { body?: { from?: string | null } } | undefined;

/**
 * Approval and revocation commands are written in PR conversation comments, review bodies and
 * review comments; creating, editing, deleting them, and dismissing a review, re-evaluates the PR
 * from what GitHub holds now.
 */
export const registerCommentHandlers = (app: Probot, runtime: Runtime): void => {
  on(app, runtime, ["issue_comment.created", "issue_comment.edited", "issue_comment.deleted"], async (delivery, context) => {
    const { issue, comment } = context.payload;
    if (!issue.pull_request || issue.state !== "open") return; // an issue, or a closed PR: no check to change
    const changes = (context.payload as { changes?: Changes }).changes;
    if (!touchesCommand(comment.body, changes?.body?.from)) return;
    await evaluatePullRequest(delivery, issue.number);
  });

  on(app, runtime, ["pull_request_review.submitted", "pull_request_review.edited", "pull_request_review.dismissed"], async (delivery, context) => {
    const { review, pull_request: pr } = context.payload;
    const changes = (context.payload as { changes?: Changes }).changes;
    if (pr.state !== "open") return;
    // A dismissal withdraws the review's diff comments too, whatever its body says.
    if (context.payload.action !== "dismissed" && !touchesCommand(review.body, changes?.body?.from)) return;
    await evaluatePullRequest(delivery, pr.number, pr.head.sha);
  });

  on(
    app,
    runtime,
    ["pull_request_review_comment.created", "pull_request_review_comment.edited", "pull_request_review_comment.deleted"],
    async (delivery, context) => {
      const { comment, pull_request: pr } = context.payload;
      const changes = (context.payload as { changes?: Changes }).changes;
      if (pr.state !== "open" || !touchesCommand(comment.body, changes?.body?.from)) return;
      await evaluatePullRequest(delivery, pr.number, pr.head.sha);
    },
  );
};
