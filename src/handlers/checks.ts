import type { Probot } from "probot";
import { evaluatePullRequest } from "../flows/evaluate-pull-request.js";
import type { Delivery } from "../flows/delivery.js";
import { CHECK_NAME } from "../governance/check-output.js";
import { openPullRequestsWithHead } from "../github/pull-requests.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

type PayloadPulls = Array<{ number: number; head: { sha: string } }> | undefined;

/**
 * Open PRs whose head is `sha`. The payload lists same-repository PRs; PRs from forks are
 * left out of it, so an empty list is checked against the commit.
 */
const pullRequestsOf = async (delivery: Delivery, sha: string, listed: PayloadPulls): Promise<number[]> => {
  const fromPayload = (listed ?? []).filter((pr) => pr.head.sha === sha).map((pr) => pr.number);
  return fromPayload.length > 0 ? fromPayload : openPullRequestsWithHead(delivery.octokit, delivery.repo, sha);
};

const reevaluateCommit = async (delivery: Delivery, sha: string, listed: PayloadPulls) => {
  const numbers = await pullRequestsOf(delivery, sha, listed);
  for (const number of numbers) await evaluatePullRequest(delivery, number, sha);
};

const isOwnRun = (run: { name: string; app?: { id: number } | null }, delivery: Delivery): boolean =>
  run.name === CHECK_NAME && (delivery.appId == null || run.app?.id === delivery.appId);

export const registerCheckHandlers = (app: Probot, runtime: Runtime): void => {
  // Another check finished on a head commit: a required check may now hold.
  on(app, runtime, "check_run.completed", async (delivery, context) => {
    const run = context.payload.check_run;
    if (isOwnRun(run, delivery)) return; // our own verdict changes nothing
    await reevaluateCommit(delivery, run.head_sha, run.pull_requests);
  });
  // "Re-run" on our check.
  on(app, runtime, "check_run.rerequested", async (delivery, context) => {
    const run = context.payload.check_run;
    if (!isOwnRun(run, delivery)) return;
    await reevaluateCommit(delivery, run.head_sha, run.pull_requests);
  });
  on(app, runtime, ["check_suite.completed", "check_suite.rerequested"], async (delivery, context) => {
    const suite = context.payload.check_suite;
    await reevaluateCommit(delivery, suite.head_sha, suite.pull_requests as PayloadPulls);
  });
  on(app, runtime, "status", async (delivery, context) => {
    if (context.payload.state === "pending") return; // only a finished status can change a verdict
    await reevaluateCommit(delivery, context.payload.sha, undefined);
  });
};
