import type { HotfixConfig } from "../../config/schema.js";
import type { HeadCheck } from "../facts.js";
import { code, fail, pass, pending, type RuleResult } from "../rule-result.js";

/** One row per required check: its newest run or status on the head commit must be `success`. */
export const checkRequiredChecks = (headChecks: HeadCheck[], config: HotfixConfig): RuleResult[] =>
  config.required_checks.map((name) => {
    const id = `required-check:${name}`;
    const title = `Required check ${code(name)} succeeded`;
    const check = headChecks.find((candidate) => candidate.name === name);
    if (!check) return pending(id, title, "Not reported on the head commit yet.");
    if (check.status !== "completed") return pending(id, title, "Still running.");
    return check.conclusion === "success"
      ? pass(id, title, "Succeeded on the head commit.")
      : fail(id, title, `Finished with ${code(check.conclusion ?? "no conclusion")} on the head commit.`);
  });
