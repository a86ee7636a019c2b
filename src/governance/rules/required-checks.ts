import type { HotfixConfig } from "../../config/schema.js";
import type { HeadCheck } from "../facts.js";
import { code, fail, pass, pending, type RuleResult } from "../rule-result.js";

/** What branch protection counts as passed: `success`, `neutral` and `skipped` (statuses: `success`). */
const PASSING = new Set(["success", "neutral", "skipped"]);

/** When a check or status was reported: a re-run started later is the newer one. */
const reportedAt = (check: HeadCheck): number => Date.parse(check.startedAt ?? check.completedAt ?? "") || 0;

/** The newest of `checks` (ties: the later one in GitHub's list). */
const newest = (checks: HeadCheck[]): HeadCheck | undefined =>
  checks.reduce<HeadCheck | undefined>((best, check) => (!best || reportedAt(check) >= reportedAt(best) ? check : best), undefined);

export type RequiredCheckState = { state: "missing" } | { state: "running"; check: HeadCheck } | { state: "passed"; checks: HeadCheck[] } | { state: "failed"; check: HeadCheck };

/**
 * One required name as branch protection reads it: the newest check run of that name and the
 * newest status of that context each count (an older `success` from another app never stands in
 * for a newer run); when both exist both must pass; nothing reported yet is still awaited.
 */
export const requiredCheckState = (headChecks: HeadCheck[], name: string): RequiredCheckState => {
  const named = headChecks.filter((check) => check.name === name);
  const latest = [newest(named.filter((check) => check.kind === "check_run")), newest(named.filter((check) => check.kind === "status"))].filter(
    (check): check is HeadCheck => Boolean(check),
  );
  if (latest.length === 0) return { state: "missing" };
  const failed = latest.find((check) => check.status === "completed" && !PASSING.has(check.conclusion ?? ""));
  if (failed) return { state: "failed", check: failed };
  const running = latest.find((check) => check.status !== "completed");
  if (running) return { state: "running", check: running };
  return { state: "passed", checks: latest };
};

/** One row per required check: its newest run and/or status on the head commit must have passed. */
export const checkRequiredChecks = (headChecks: HeadCheck[], config: HotfixConfig): RuleResult[] =>
  config.required_checks.map((name) => {
    const id = `required-check:${name}`;
    const title = `Required check ${code(name)} succeeded`;
    const result = requiredCheckState(headChecks, name);
    const what = (check: HeadCheck) => (check.kind === "status" ? "status" : "check run");
    switch (result.state) {
      case "missing":
        return pending(id, title, "Not reported on the head commit yet.");
      case "running":
        return pending(id, title, result.check.kind === "status" ? "Still running (status pending)." : "Still running.");
      case "failed":
        return fail(id, title, `Finished with ${code(result.check.conclusion ?? "no conclusion")} on the head commit (${what(result.check)}).`);
      case "passed":
        return pass(id, title, `Passed on the head commit (${result.checks.map((check) => code(check.conclusion ?? "")).join(" and ")}).`);
    }
  });
