import type { HotfixOutcome } from "../evaluate-hotfix.js";
import type { RuleResult } from "../rule-result.js";

/** Why the app will not merge a PR now (before asking GitHub), in words the reply uses. */
export type NotReady = { ready: false; reason: "closed" | "merged" | "draft" | "not_hotfix" | "not_green"; why: string };
export type Readiness = { ready: true } | NotReady;

const line = (result: RuleResult): string => `${result.status === "fail" ? "❌" : "⏳"} ${result.title.replace(/`/g, "")}: ${result.summary}`;

/**
 * May the app merge this PR now? Open, not a draft, a hotfix, and the `Hotfix governance`
 * verdict on the current head is `success`. What is missing is listed, as the check lists it.
 */
export const mergeReadiness = (input: {
  number: number;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  isHotfix: boolean;
  label: string;
  outcome: HotfixOutcome | null;
  results: RuleResult[];
  headSha: string;
}): Readiness => {
  const { number } = input;
  if (input.state === "MERGED") return { ready: false, reason: "merged", why: `#${number} is already merged.` };
  if (input.state === "CLOSED") return { ready: false, reason: "closed", why: `#${number} is closed; reopen it first.` };
  if (input.isDraft) return { ready: false, reason: "draft", why: `#${number} is a draft; mark it ready for review first.` };
  if (!input.isHotfix) return { ready: false, reason: "not_hotfix", why: `#${number} is not a hotfix (it has no \`${input.label}\` label), so there is no fast track.` };
  if (input.outcome !== "success") {
    const missing = input.results.filter((result) => result.status !== "pass");
    const state = input.outcome === "failure" ? "fails" : "is still waiting";
    return {
      ready: false,
      reason: "not_green",
      why: [`the \`Hotfix governance\` check on ${input.headSha.slice(0, 7)} ${state}. Still missing:`, "", ...missing.map((result) => `- ${line(result)}`)].join("\n"),
    };
  }
  return { ready: true };
};
