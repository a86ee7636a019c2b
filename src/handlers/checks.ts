import type { Probot } from "probot";
import { evaluatePullRequest } from "../flows/evaluate-pull-request.js";
import { knownCommitPullRequests, NO_PULL_HINT_TTL_SECONDS, rememberCommitPullRequests, type CommitPull } from "../flows/commit-pull-requests.js";
import type { Delivery } from "../flows/delivery.js";
import { isHotfix } from "../governance/evaluate-hotfix.js";
import { CHECK_NAME } from "../governance/check-output.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

type PayloadPulls = Array<{ number: number; head: { sha: string } }> | undefined;

/**
 * The cheap first question about a commit: its open PRs and whether each is a hotfix. Free when
 * the app's last verdict on the commit is remembered (the evaluation that wrote it noted it) and
 * the payload names no PR it does not know; otherwise one query, which also finds PRs from forks
 * (payloads and GitHub's "pull requests of a commit" leave those out).
 */
const pullRequestsOf = async (delivery: Delivery, sha: string, listed: PayloadPulls): Promise<CommitPull[]> => {
  const known = await knownCommitPullRequests(delivery.coordination, delivery.repo, sha);
  const named = (listed ?? []).filter((pr) => pr.head.sha === sha).map((pr) => pr.number);
  if (known && named.every((number) => known.some((pull) => pull.number === number))) return known;
  const found = await delivery.github.openPullRequestsWithHead(delivery.repo, sha);
  if (found.length === 0) {
    // A commit no open PR heads (a branch push, a merged PR): its next events need not ask again.
    await rememberCommitPullRequests(delivery.coordination, delivery.repo, sha, [], { ttlSeconds: NO_PULL_HINT_TTL_SECONDS });
    return [];
  }
  const config = await delivery.config();
  // An invalid config fails every PR's check whatever the other checks say: nothing to redo here.
  const pulls = found.map((pull) => ({ number: pull.number, hotfix: config.ok && isHotfix(pull.labels, config.config) }));
  // The commit's next events need not ask again (another replica's or an earlier process's evaluation).
  await rememberCommitPullRequests(delivery.coordination, delivery.repo, sha, pulls, { ifAbsent: true });
  return pulls;
};

/**
 * A check or status `name` finished on `sha`: re-evaluates the PRs it can concern — hotfixes
 * whose config requires checks (that name, or any for a suite). A non-hotfix PR's neutral check
 * depends on no other check, so it is never recomputed here.
 */
const reevaluateCommit = async (delivery: Delivery, sha: string, listed: PayloadPulls, name: string | null) => {
  const pulls = await pullRequestsOf(delivery, sha, listed);
  for (const pull of pulls) {
    // The hint is read again under the PR's lock: an evaluation that was running has noted what it saw.
    const hotfix = pull.hotfix || (await delivery.withPullRequestLock(pull.number, () => stillHotfix(delivery, sha, pull.number)));
    if (!hotfix) {
      delivery.runtime.metrics.evaluations.inc({ kind: "skipped_cheap" });
      continue;
    }
    const config = await delivery.config();
    const required = config.ok ? config.config.required_checks : [];
    if (required.length === 0 || (name !== null && !required.includes(name))) {
      delivery.runtime.metrics.evaluations.inc({ kind: "skipped_cheap" });
      delivery.log.debug({ pr: pull.number, check: name, outcome: "not-required" }, "not a required check of this hotfix; nothing to re-evaluate");
      continue;
    }
    await evaluatePullRequest(delivery, pull.number, sha, { hotfixHint: true });
  }
};

const stillHotfix = async (delivery: Delivery, sha: string, number: number): Promise<boolean> =>
  Boolean((await knownCommitPullRequests(delivery.coordination, delivery.repo, sha))?.find((pull) => pull.number === number)?.hotfix);

/** "Re-run" of our check: every PR of the commit gets a fresh run, whatever the verdict. */
const rerunCommit = async (delivery: Delivery, sha: string, listed: PayloadPulls) => {
  const named = (listed ?? []).filter((pr) => pr.head.sha === sha).map((pr) => pr.number);
  const numbers = named.length > 0 ? named : (await delivery.github.openPullRequestsWithHead(delivery.repo, sha)).map((pull) => pull.number);
  for (const number of numbers) await evaluatePullRequest(delivery, number, sha, { rerun: true });
};

const isOwnRun = (run: { name: string; app?: { id: number } | null }, delivery: Delivery): boolean =>
  run.name === CHECK_NAME && (delivery.appId == null || run.app?.id === delivery.appId);

const isOwnSuite = (suite: { app?: { id: number | null } | null }, delivery: Delivery): boolean => delivery.appId != null && suite.app?.id === delivery.appId;

export const registerCheckHandlers = (app: Probot, runtime: Runtime): void => {
  // Another check finished on a head commit: a required check may now hold.
  on(app, runtime, "check_run.completed", async (delivery, context) => {
    const run = context.payload.check_run;
    if (isOwnRun(run, delivery)) return; // our own verdict changes nothing
    await reevaluateCommit(delivery, run.head_sha, run.pull_requests, run.name);
  });
  // "Re-run" on our check (GitHub sends it only to the app that owns the run).
  on(app, runtime, "check_run.rerequested", async (delivery, context) => {
    const run = context.payload.check_run;
    if (!isOwnRun(run, delivery)) return;
    await rerunCommit(delivery, run.head_sha, run.pull_requests);
  });
  on(app, runtime, "check_suite.completed", async (delivery, context) => {
    const suite = context.payload.check_suite;
    if (isOwnSuite(suite, delivery)) return; // our own suite: 0 requests
    await reevaluateCommit(delivery, suite.head_sha, suite.pull_requests as PayloadPulls, null);
  });
  // "Re-run all checks": GitHub resets our suite to queued; an answer is due.
  on(app, runtime, "check_suite.rerequested", async (delivery, context) => {
    const suite = context.payload.check_suite;
    if (delivery.appId != null && !isOwnSuite(suite, delivery)) return; // another app's suite
    await rerunCommit(delivery, suite.head_sha, suite.pull_requests as PayloadPulls);
  });
  on(app, runtime, "status", async (delivery, context) => {
    if (context.payload.state === "pending") return; // only a finished status can change a verdict
    await reevaluateCommit(delivery, context.payload.sha, undefined, context.payload.context);
  });
};
