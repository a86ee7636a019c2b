import type { HotfixConfig } from "../config/schema.js";
import type { PullRequestFacts } from "./facts.js";
import type { RuleResult } from "./rule-result.js";
import { checkBaseBranch } from "./rules/base-branch.js";
import { checkBodySections } from "./rules/body-sections.js";
import { checkForbiddenPaths } from "./rules/forbidden-paths.js";
import { checkIncident } from "./rules/incident.js";
import { checkRequiredChecks } from "./rules/required-checks.js";
import { checkScope } from "./rules/scope.js";

export type HotfixOutcome = "success" | "failure" | "in_progress";

export interface HotfixEvaluation {
  outcome: HotfixOutcome;
  results: RuleResult[];
}

/** Is this PR an emergency change? Judged by its labels now (or at merge, for merged PRs). */
export const isHotfix = (labels: string[], config: HotfixConfig): boolean =>
  labels.some((label) => label.toLowerCase() === config.label.toLowerCase());

/** failure when any hard rule fails; in_progress while something is only pending; success otherwise. */
export const outcomeOf = (results: RuleResult[]): HotfixOutcome => {
  if (results.some((result) => result.status === "fail")) return "failure";
  if (results.some((result) => result.status === "pending")) return "in_progress";
  return "success";
};

/**
 * Every requirement of a hotfix, in the order the check lists them. `approvals` are the rows of
 * the approvals evaluation (`governance/approvals`), computed from facts the gateway gathered.
 */
export const evaluateHotfix = (facts: PullRequestFacts, config: HotfixConfig, approvals: RuleResult[]): HotfixEvaluation => {
  const results = [
    checkBaseBranch(facts, config),
    ...checkScope(facts, config),
    checkForbiddenPaths(facts, config),
    checkBodySections(facts.body, config),
    checkIncident(facts.body, config),
    ...checkRequiredChecks(facts.headChecks, config),
    ...approvals,
  ];
  return { outcome: outcomeOf(results), results };
};
