import type { Probot } from "probot";
import { evaluatePullRequest } from "../flows/evaluate-pull-request.js";
import { deliveryFrom } from "../flows/delivery.js";

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

export const registerPullRequestHandlers = (app: Probot): void => {
  app.on([...PULL_REQUEST_ACTIONS], async (context) => {
    const pr = context.payload.pull_request;
    await evaluatePullRequest(deliveryFrom(context), pr.number, pr.head.sha);
  });
};
