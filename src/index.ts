import type { ApplicationFunction } from "probot";
import type { Logger } from "pino";
import { registerBackportCommand } from "./handlers/backport-command.js";
import { registerRevertCommand } from "./handlers/revert-command.js";
import { registerCheckHandlers } from "./handlers/checks.js";
import { registerCommentHandlers } from "./handlers/comments.js";
import { registerHttpRoutes } from "./handlers/http.js";
import { registerMergeCommand } from "./handlers/merge-command.js";
import { registerMergeHandler } from "./handlers/merged.js";
import { registerMergeGroupHandler } from "./handlers/merge-group.js";
import { registerPullRequestHandlers } from "./handlers/pull-request.js";
import { registerPushHandler } from "./handlers/push.js";
import { startReconcileSchedule } from "./flows/reconcile.js";
import { runReminderSweep, startReminderSchedule } from "./flows/reminders.js";
import { leaderOnly } from "./platform/leader.js";
import type { Metrics } from "./platform/metrics.js";
import { createRuntime, type Runtime } from "./platform/runtime.js";

/** Registration only: every behaviour lives in the handlers and the flows they call. */
const hotfixGovernance: ApplicationFunction = (app, options) => {
  // A runtime may be handed in (tests, embedding); otherwise it comes from the environment.
  const runtime = (options.runtime as Runtime | undefined) ?? createRuntime(app.log as unknown as Logger, process.env, options.metrics as Metrics | undefined);
  registerHttpRoutes(options.addHandler, runtime.metrics.registry, { check: () => runtime.coordination.health() });
  registerPullRequestHandlers(app, runtime);
  registerCheckHandlers(app, runtime);
  registerMergeGroupHandler(app, runtime);
  registerPushHandler(app, runtime);
  registerCommentHandlers(app, runtime);
  registerMergeHandler(app, runtime);
  registerBackportCommand(app, runtime);
  registerRevertCommand(app, runtime);
  registerMergeCommand(app, runtime);
  startReminderSchedule(app, runtime, leaderOnly(runtime.coordination, "postmortem-reminders", 2 * 3600, runReminderSweep));
  startReconcileSchedule(app, runtime);
};

export default hotfixGovernance;
