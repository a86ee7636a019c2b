import type { Probot } from "probot";
import { parseBackportCommands } from "../backport/command.js";
import { handleBackportCommand } from "../flows/backport-command.js";
import type { Runtime } from "../platform/runtime.js";
import { onPullRequestCommand } from "./pull-request-command.js";

/**
 * `/backport <branch> [<branch> ...]`. The merge follow-up holds the same PR lock, so a command
 * never races the merge's own backports. Several command lines in one comment are one order:
 * one reaction, one reply.
 */
export const registerBackportCommand = (app: Probot, runtime: Runtime): void =>
  onPullRequestCommand(
    app,
    runtime,
    "backport-command",
    (body) => {
      const commands = parseBackportCommands(body);
      return commands.length > 0 ? commands : null;
    },
    (delivery, { command: commands, ...request }) =>
      handleBackportCommand(delivery, {
        ...request,
        command: commands.map((command) => command.text).join("\n"),
        branches: commands.flatMap((command) => command.branches),
      }),
  );
