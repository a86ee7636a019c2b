import type { HotfixConfig } from "../../config/schema.js";
import type { PullRequestFacts } from "../facts.js";
import { fail, pass, plural, type RuleResult } from "../rule-result.js";

type ScopeFacts = Pick<PullRequestFacts, "changedFiles" | "additions" | "deletions">;

/** A hotfix stays small: GitHub's own totals are used, so a huge PR is judged even when its file list is capped. */
export const checkScope = (facts: ScopeFacts, config: HotfixConfig): RuleResult[] => {
  const { max_files: maxFiles, max_changed_lines: maxLines } = config.scope;
  const lines = facts.additions + facts.deletions;
  const files =
    facts.changedFiles <= maxFiles
      ? pass("scope:files", "Changed files within scope", `${plural(facts.changedFiles, "file")} changed (limit ${maxFiles}).`)
      : fail("scope:files", "Changed files within scope", `${plural(facts.changedFiles, "file")} changed; a hotfix may change at most ${maxFiles}.`);
  const changed =
    lines <= maxLines
      ? pass("scope:lines", "Changed lines within scope", `${plural(lines, "line")} changed (+${facts.additions} −${facts.deletions}, limit ${maxLines}).`)
      : fail("scope:lines", "Changed lines within scope", `${plural(lines, "line")} changed (+${facts.additions} −${facts.deletions}); a hotfix may change at most ${maxLines}.`);
  return [files, changed];
};
