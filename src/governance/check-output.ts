import type { ConfigProblem } from "../config/validate-config.js";
import type { HotfixEvaluation } from "./evaluate-hotfix.js";
import type { OwnCheckRun } from "./facts.js";
import type { RuleResult } from "./rule-result.js";

/** The name branch protection requires: never change it. */
export const CHECK_NAME = "Hotfix governance";

/** GitHub rejects check output fields longer than this. */
const MAX_FIELD = 65535;

export interface CheckOutput {
  status: "in_progress" | "completed";
  conclusion: "success" | "failure" | "neutral" | null;
  title: string;
  summary: string;
  text: string;
}

const ICON: Record<RuleResult["status"], string> = { pass: "✅", fail: "❌", pending: "⏳" };

const clip = (text: string): string =>
  text.length <= MAX_FIELD ? text : `${text.slice(0, MAX_FIELD - 40)}\n\n… (truncated by GitHub's size limit)`;

export const renderResults = (results: RuleResult[]): string =>
  results
    .map((result) => {
      const line = `- ${ICON[result.status]} **${result.title}**: ${result.summary}`;
      const details = result.details ? `\n${result.details.split("\n").map((row) => `  ${row}`).join("\n")}` : "";
      return line + details;
    })
    .join("\n");

export const hotfixCheckOutput = (evaluation: HotfixEvaluation, note?: string): CheckOutput => {
  const failed = evaluation.results.filter((result) => result.status === "fail");
  const waiting = evaluation.results.filter((result) => result.status === "pending");
  const footer = note ? `\n\n${note}` : "";
  const text = clip(renderResults(evaluation.results) + footer);
  switch (evaluation.outcome) {
    case "failure":
      return {
        status: "completed",
        conclusion: "failure",
        title: `Hotfix blocked: ${failed.length} requirement${failed.length === 1 ? "" : "s"} failed`,
        summary: clip(`Fix these before this emergency change can merge:\n\n${renderResults(failed)}`),
        text,
      };
    case "in_progress":
      return {
        status: "in_progress",
        conclusion: null,
        title: `Hotfix waiting for: ${waiting.map((result) => result.title.replace(/`/g, "")).join(", ")}`.slice(0, 1000),
        summary: clip(`Every hard rule holds. Still waiting for:\n\n${renderResults(waiting)}`),
        text,
      };
    case "success":
      return {
        status: "completed",
        conclusion: "success",
        title: "Hotfix governance passed",
        summary: "Every emergency requirement holds.",
        text,
      };
  }
};

export const notHotfixCheckOutput = (label: string): CheckOutput => ({
  status: "completed",
  conclusion: "neutral",
  title: "Not a hotfix: no emergency governance applies",
  summary: `This pull request does not carry the \`${label}\` label, so the emergency rules do not apply. Add the label to fast-track it as a hotfix.`,
  text: "",
});

export const invalidConfigCheckOutput = (path: string, problems: ConfigProblem[]): CheckOutput => ({
  status: "completed",
  conclusion: "failure",
  title: `Invalid configuration in ${path}`,
  summary: clip(
    `The configuration in \`${path}\` is invalid, so no rule can be trusted and this check fails until it is fixed:\n\n` +
      problems
        .map((problem) => `- ${problem.path ? `\`${problem.path}\`` : "the file"}${problem.line ? ` (line ${problem.line})` : ""}: ${problem.message}`)
        .join("\n"),
  ),
  text: "Defaults are never silently used in place of an invalid file. Validate it locally with `npx hotfix-governance validate .github/hotfix.yml`.",
});

export const cannotEvaluateCheckOutput = (reason: string): CheckOutput => ({
  status: "completed",
  conclusion: "failure",
  title: "Hotfix governance could not be evaluated",
  summary: `The app could not read what it needs from GitHub, so it cannot vouch for this change: ${reason}`,
  text: "Nothing here was verified. Use **Re-run** on this check once GitHub is reachable again.",
});

export type CheckWrite = {
  /** none: the newest run already says this; update: the newest run in place; create: a new run. */
  action: "none" | "update" | "create";
  checkRunId?: number;
  /** Older runs of ours still pending, to be completed so none is left behind the newest. */
  supersede: number[];
};

const sameOutput = (run: OwnCheckRun, output: CheckOutput): boolean =>
  (run.title ?? "") === output.title && (run.summary ?? "") === output.summary && (run.text ?? "") === output.text;

/**
 * How to show `output` given the app's runs on the head commit. GitHub never changes a
 * completed run's status or conclusion, so: the newest run is updated in place while it is in
 * progress; nothing is written when it already says the same; otherwise a new run is created.
 */
export const planCheckWrite = (runs: OwnCheckRun[], output: CheckOutput): CheckWrite => {
  const [newest, ...older] = [...runs].sort((a, b) => b.id - a.id);
  const supersede = older.filter((run) => run.status !== "completed").map((run) => run.id);
  if (!newest) return { action: "create", supersede };
  const newestStatus = newest.status === "completed" ? "completed" : "in_progress";
  const sameVerdict = newestStatus === output.status && (output.status !== "completed" || newest.conclusion === output.conclusion);
  if (sameVerdict && sameOutput(newest, output)) return { action: "none", supersede };
  if (newestStatus !== "completed") return { action: "update", checkRunId: newest.id, supersede };
  return { action: "create", supersede };
};
