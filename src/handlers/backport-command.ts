import type { Probot } from "probot";
import { parseBackportCommands } from "../backport/command.js";
import { handleBackportCommand } from "../flows/backport-command.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

/**
 * `/backport <branch> [<branch> ...]` in a new comment on a PR. Only new comments order work:
 * an edit never re-runs a command. The PR's events are handled one at a time (the merge
 * follow-up included), so a command never races the merge's own backports.
 */
export const registerBackportCommand = (app: Probot, runtime: Runtime): void => {
  on(
    app,
    runtime,
    "issue_comment.created",
    async (delivery, context) => {
      const { issue, comment } = context.payload;
      if (!issue.pull_request) return;
      const commands = parseBackportCommands(comment.body);
      if (commands.length === 0) return;
      if (!comment.user) return;
      const actor = { login: comment.user.login, isBot: comment.user.type === "Bot" };
      // Several command lines in one comment are one order: one reaction, one reply.
      await delivery.withPullRequestLock(issue.number, () =>
        handleBackportCommand(delivery, {
          number: issue.number,
          commentId: comment.id,
          command: commands.map((command) => command.text).join("\n"),
          branches: commands.flatMap((command) => command.branches),
          actor,
        }),
      );
    },
    "backport-command",
  );
};
