import picomatch from "picomatch";
import type { HotfixConfig } from "../../config/schema.js";
import type { PullRequestFacts } from "../facts.js";
import { code, fail, pass, type RuleResult } from "../rule-result.js";

const TITLE = "Base branch allowed";

/** The globs a hotfix may target; an empty list means the default branch and `release/**`. */
export const allowedBaseBranches = (config: HotfixConfig, defaultBranch: string): string[] =>
  config.base_branches.length > 0 ? config.base_branches : [defaultBranch, "release/**"];

export const checkBaseBranch = (facts: Pick<PullRequestFacts, "baseRef" | "defaultBranch">, config: HotfixConfig): RuleResult => {
  const allowed = allowedBaseBranches(config, facts.defaultBranch);
  const match = allowed.find((pattern) => picomatch.isMatch(facts.baseRef, pattern, { dot: true }));
  return match
    ? pass("base-branch", TITLE, `${code(facts.baseRef)} matches ${code(match)}.`)
    : fail("base-branch", TITLE, `${code(facts.baseRef)} is not a hotfix target; allowed: ${allowed.map(code).join(", ")}.`);
};
