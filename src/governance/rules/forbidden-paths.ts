import picomatch from "picomatch";
import type { HotfixConfig } from "../../config/schema.js";
import type { PullRequestFacts } from "../facts.js";
import { code, fail, pass, plural, type RuleResult } from "../rule-result.js";

const TITLE = "No forbidden path touched";
const SHOWN = 20;

/** Paths of `files` that match any of `globs` (dotfiles included: `.github/**` must match). */
export const matchingPaths = (files: Array<{ path: string }>, globs: string[]): string[] => {
  if (globs.length === 0) return [];
  const isMatch = picomatch(globs, { dot: true });
  return files.map((file) => file.path).filter((path) => isMatch(path));
};

export const checkForbiddenPaths = (facts: Pick<PullRequestFacts, "files" | "filesComplete" | "changedFiles">, config: HotfixConfig): RuleResult => {
  const globs = config.scope.forbidden_paths;
  if (globs.length === 0) return pass("forbidden-paths", TITLE, "No forbidden paths are configured.");
  const touched = matchingPaths(facts.files, globs);
  if (touched.length > 0) {
    const listed = touched.slice(0, SHOWN).map((path) => `- ${code(path)}`).join("\n");
    const more = touched.length > SHOWN ? `\n- … and ${touched.length - SHOWN} more` : "";
    return fail("forbidden-paths", TITLE, `${plural(touched.length, "forbidden path")} touched (${globs.map(code).join(", ")}).`, listed + more);
  }
  if (!facts.filesComplete) {
    // GitHub lists at most 3000 files of a PR: what it does not list cannot be cleared.
    return fail("forbidden-paths", TITLE, `GitHub listed only ${facts.files.length} of the ${facts.changedFiles} changed files, so the rest cannot be checked against ${globs.map(code).join(", ")}.`);
  }
  return pass("forbidden-paths", TITLE, `None of the ${plural(facts.files.length, "changed file")} matches ${globs.map(code).join(", ")}.`);
};
