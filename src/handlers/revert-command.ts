import type { Probot } from "probot";
import { parseRevertCommands } from "../backport/revert-command.js";
import { handleRevertCommand } from "../flows/revert.js";
import type { Runtime } from "../platform/runtime.js";
import { onPullRequestCommand } from "./pull-request-command.js";

/** `/revert-emergency [reason]`. Several command lines in one comment are one order: the first one's reason counts. */
export const registerRevertCommand = (app: Probot, runtime: Runtime): void =>
  onPullRequestCommand(app, runtime, "revert-command", (body) => parseRevertCommands(body)[0] ?? null, (delivery, { command, ...request }) =>
    handleRevertCommand(delivery, { ...request, command: command.text, reason: command.reason }),
  );
