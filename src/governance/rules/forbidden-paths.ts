import picomatch from "picomatch";
import type { HotfixConfig } from "../../config/schema.js";
import type { ChangedFile, PullRequestFacts } from "../facts.js";
import { code, fail, pass, plural, type RuleResult } from "../rule-result.js";

const TITLE = "No forbidden path touched";
const SHOWN = 20;

type PathOf = Pick<ChangedFile, "path"> & Partial<Pick<ChangedFile, "changeType" | "previousPath">>;

/** A renamed file whose old path GitHub did not give (or the app did not read): it may have come from anywhere. */
export const unknownOrigin = (file: PathOf): boolean => file.changeType === "RENAMED" && file.previousPath === undefined;

/** `new` or `new (moved from old)`: how the check names a changed file. */
export const describePath = (file: PathOf): string =>
  file.previousPath ? `${file.path} (moved from ${file.previousPath})` : unknownOrigin(file) ? `${file.path} (moved; old path unknown)` : file.path;

/**
 * The changed files that match any of `globs`, by their new or their old path (moving a file out
 * of a guarded folder still touches it), dotfiles included (`.github/**` must match). A renamed
 * file whose old path is unknown matches (fail closed). Named as `describePath` does.
 */
export const matchingPaths = (files: PathOf[], globs: string[]): string[] => {
  if (globs.length === 0) return [];
  const isMatch = picomatch(globs, { dot: true });
  return files
    .filter((file) => isMatch(file.path) || (file.previousPath ? isMatch(file.previousPath) : unknownOrigin(file)))
    .map(describePath);
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
