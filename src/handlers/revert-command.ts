import type { Probot } from "probot";
import { parseRevertCommands } from "../backport/revert-command.js";
import { handleRevertCommand } from "../flows/revert.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

/**
 * `/revert-emergency [reason]` in a new comment on a PR. Only new comments order work (an edit
 * never re-runs a command); the PR's events are handled one at a time, so two commands never
 * race. Several command lines in one comment are one order: the first one's reason counts.
 */
export const registerRevertCommand = (app: Probot, runtime: Runtime): void => {
  on(
    app,
    runtime,
    "issue_comment.created",
    async (delivery, context) => {
      const { issue, comment } = context.payload;
      if (!issue.pull_request || !comment.user) return;
      const [command] = parseRevertCommands(comment.body);
      if (!command) return;
      const actor = { login: comment.user.login, isBot: comment.user.type === "Bot" };
      await delivery.withPullRequestLock(issue.number, () =>
        handleRevertCommand(delivery, { number: issue.number, commentId: comment.id, command: command.text, reason: command.reason, actor }),
      );
    },
    "revert-command",
  );
};
