import type { HotfixConfig } from "../config/schema.js";
import { isHotfix } from "../governance/evaluate-hotfix.js";
import type { BackportOutcome } from "../backport/outcome.js";
import { portMergedPullRequest } from "./backport.js";
import type { Delivery } from "./delivery.js";
import { ensurePostmortem } from "./postmortem.js";

/** The merged PR as the `pull_request.closed` payload describes it (labels as they were at merge). */
export interface MergedPullRequest {
  number: number;
  title: string;
  body: string | null;
  url: string;
  labels: string[];
  author: string;
  authorIsBot: boolean;
  baseRef: string;
  headRef: string;
  headSha: string;
  mergeCommitSha: string;
  mergedAt: string;
  mergedBy: string | null;
  createdAt: string;
  fromFork: boolean;
}

/**
 * After a hotfix merges:
 * 1. judge it a hotfix by its labels at merge (a label removed before merge means no follow-up);
 * 2. port it to every target branch (backports and the forward-port);
 * 3. open the postmortem, which lists what step 2 produced, failures as action items.
 * Each step is idempotent, so a redelivered merge event changes nothing.
 */
export const afterMerge = (delivery: Delivery, pr: MergedPullRequest): Promise<void> =>
  // Two deliveries of one merge (redelivery, two replicas) never work side by side.
  delivery.withPullRequestLock(pr.number, () => followUp(delivery, pr));

const followUp = async (delivery: Delivery, pr: MergedPullRequest): Promise<void> => {
  const log = delivery.log.child({ pr: pr.number });
  const loaded = await delivery.config();
  if (!loaded.ok) {
    log.warn({ outcome: "invalid-config", problems: loaded.problems }, "merged PR not followed up: the configuration is invalid");
    return;
  }
  const config: HotfixConfig = loaded.config;
  if (!isHotfix(pr.labels, config)) {
    log.debug({ outcome: "not-hotfix" }, "merged PR is not a hotfix");
    return;
  }
  const backports: BackportOutcome[] = await portMergedPullRequest(delivery, pr, config);
  await ensurePostmortem(delivery, pr, config, backports);
};
