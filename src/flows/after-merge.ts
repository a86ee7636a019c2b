import type { LoadedConfig } from "../config/load-config.js";
import { defaultConfig, type HotfixConfig } from "../config/schema.js";
import type { MergedPullRequest } from "../backport/merged-pull-request.js";
import { describeGitHubError } from "../github/errors.js";
import type { GitHub } from "../github/gateway.js";
import { isHotfix } from "../governance/evaluate-hotfix.js";
import type { BackportOutcome } from "../backport/outcome.js";
import { portMergedPullRequest, type PortGitHub } from "./backport.js";
import type { Delivery } from "./delivery.js";
import { ensurePostmortem, type PostmortemGitHub } from "./postmortem.js";
import { ensureReviewAfterMerge, type ReviewAfterMergeGitHub } from "./review-after-merge.js";

/** A merge's follow-ups: the port's, the review's and the postmortem's calls, and the "not followed up" comment. */
export type AfterMergeGitHub = PortGitHub & ReviewAfterMergeGitHub & PostmortemGitHub & Pick<GitHub, "findOwnComments" | "createComment">;

// The model lives with the port domain; re-exported for the modules that import it from here.
export type { MergedPullRequest } from "../backport/merged-pull-request.js";

/**
 * After a hotfix merges:
 * 1. judge it a hotfix by its labels at merge (a label removed before merge means no follow-up);
 * 2. port it to every target branch (backports and the forward-port);
 * 3. merged without an approving review: ask for the review after merge (SPEC §8);
 * 4. open the postmortem, which lists what steps 2 and 3 produced, failures as action items.
 * Each step is idempotent, so a redelivered merge event changes nothing.
 */
export const afterMerge = (delivery: Delivery<AfterMergeGitHub>, pr: MergedPullRequest): Promise<void> =>
  // Two deliveries of one merge (redelivery, two replicas) never work side by side.
  delivery.withPullRequestLock(pr.number, () => followUp(delivery, pr));

const followUp = async (delivery: Delivery<AfterMergeGitHub>, pr: MergedPullRequest): Promise<void> => {
  const log = delivery.log.child({ pr: pr.number });
  const loaded = await delivery.config();
  if (!loaded.ok) {
    log.warn({ outcome: "invalid-config", problems: loaded.problems }, "merged PR not followed up: the configuration is invalid");
    // Which label marks a hotfix is part of the broken file: the default one is the best guess.
    if (isHotfix(pr.labels, defaultConfig())) await sayNotFollowedUp(delivery, pr, loaded);
    return;
  }
  const config: HotfixConfig = loaded.config;
  if (!isHotfix(pr.labels, config)) {
    log.debug({ outcome: "not-hotfix" }, "merged PR is not a hotfix");
    return;
  }
  const backports: BackportOutcome[] = await portMergedPullRequest(delivery, pr, config);
  const review = await ensureReviewAfterMerge(delivery, pr, config);
  await ensurePostmortem(delivery, pr, config, backports, review);
};

/** On the PR: the one comment saying the merge was not followed up (invalid config). */
export const notFollowedUpMarker = (number: number): string => `<!-- hotfix-governance:not-followed-up pr=${number} -->`;

/**
 * A hotfix merged while `.github/hotfix.yml` is invalid: nothing is ported or opened, and the PR
 * says so once (found again by its marker), with what to fix and what to do by hand.
 */
const sayNotFollowedUp = async (delivery: Delivery<Pick<GitHub, "findOwnComments" | "createComment">>, pr: MergedPullRequest, loaded: Extract<LoadedConfig, { ok: false }>): Promise<void> => {
  const marker = notFollowedUpMarker(pr.number);
  try {
    if ((await delivery.github.findOwnComments(delivery.repo, pr.number, [marker])).length > 0) return;
    const problems = loaded.problems.map((problem) => `- ${problem.path ? `\`${problem.path}\`` : "the file"}${problem.line ? ` (line ${problem.line})` : ""}: ${problem.message}`);
    await delivery.github.createComment(
      delivery.repo,
      pr.number,
      [
        marker,
        `### Hotfix #${pr.number} merged, but Hotfix Governance could not follow it up`,
        "",
        `\`${loaded.path}\` is invalid, so no backport or forward-port pull request and no postmortem issue were created:`,
        "",
        ...problems,
        "",
        "Fix the file on the default branch, then comment `/backport <branch> [<branch> ...]` here to port the fix, and open the postmortem by hand.",
      ].join("\n"),
    );
  } catch (error) {
    delivery.log.error({ pr: pr.number, err: describeGitHubError(error) }, "could not say on the PR that the merge was not followed up");
  }
};
