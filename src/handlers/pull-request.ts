import type { Probot } from "probot";
import { evaluatePullRequest } from "../flows/evaluate-pull-request.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

/** The pull_request actions that can change the verdict. */
export const PULL_REQUEST_ACTIONS = [
  "pull_request.opened",
  "pull_request.reopened",
  "pull_request.synchronize",
  "pull_request.edited",
  "pull_request.labeled",
  "pull_request.unlabeled",
  "pull_request.ready_for_review",
] as const;

export const registerPullRequestHandlers = (app: Probot, runtime: Runtime): void => {
  on(app, runtime, [...PULL_REQUEST_ACTIONS], async (delivery, context) => {
    const pr = context.payload.pull_request;
    await evaluatePullRequest(delivery, pr.number, pr.head.sha, {
      labelRemoved: context.payload.action === "unlabeled",
      labelsHint: (pr.labels ?? []).map((label: { name: string }) => label.name),
    });
  });
};
