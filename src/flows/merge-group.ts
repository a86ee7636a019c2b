import type { GitHub } from "../github/gateway.js";
import { invalidConfigCheckOutput, planCheckWrite } from "../governance/check-output.js";
import { groupMembers, mergeGroupCheckOutput, parseMergeGroupRef } from "../governance/merge-group.js";
import type { Delivery } from "./delivery.js";

/** A merge group's calls: the group's query, its one check run. */
export type MergeGroupGitHub = Pick<GitHub, "fetchMergeGroup" | "createCheckRun" | "updateCheckRun">;

export interface MergeGroupEvent {
  head_sha: string;
  head_ref: string;
  base_ref: string;
}

/**
 * A merge queue asks for checks on a group commit: one `Hotfix governance` run on it, `success`
 * when every PR the group contains is not a hotfix or has a `success` verdict (1 query, 1 write).
 * GitHub's merge queue never uses a bypass, so a hotfix's own verdict is what holds it back here.
 */
export const checkMergeGroup = async (delivery: Delivery<MergeGroupGitHub>, group: MergeGroupEvent): Promise<void> => {
  const log = delivery.log.child({ sha: group.head_sha, ref: group.head_ref });
  const parsed = parseMergeGroupRef(group.head_ref);
  if (!parsed) {
    log.warn({ outcome: "skipped" }, "merge group ref not understood; no check written");
    return;
  }
  const config = await delivery.config();
  const facts = await delivery.github.fetchMergeGroup(delivery.repo, { baseBranch: parsed.baseBranch, number: parsed.number, headSha: group.head_sha }, delivery.appId);
  let output;
  if (!config.ok) output = invalidConfigCheckOutput(config.path, config.problems);
  else if (!facts.pull) output = mergeGroupCheckOutput(null, config.config, parsed.number);
  else output = mergeGroupCheckOutput(groupMembers(facts.pull, facts.entries), config.config, parsed.number);
  const plan = planCheckWrite(facts.groupRuns, output);
  const now = delivery.now();
  if (plan.action === "create") await delivery.github.createCheckRun(delivery.repo, group.head_sha, output, now);
  if (plan.action === "update") await delivery.github.updateCheckRun(delivery.repo, plan.checkRunId!, output, now);
  log.info({ outcome: output.conclusion, write: plan.action, pr: parsed.number, title: output.title }, "merge group checked");
};
