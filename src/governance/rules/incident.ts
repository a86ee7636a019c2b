import type { HotfixConfig } from "../../config/schema.js";
import { code, fail, pass, type RuleResult } from "../rule-result.js";
import { sectionsOf } from "./body-sections.js";

const TITLE = "Incident reference present";

/**
 * The incident a hotfix answers: the first match of `body.incident_pattern`, or else the first
 * line of the body's "Incident" section. Null when neither gives one.
 */
export const incidentReference = (body: string, config: HotfixConfig): string | null => {
  const pattern = config.body.incident_pattern;
  if (pattern) return new RegExp(pattern, "u").exec(body)?.[0] ?? null;
  const section = sectionsOf(body).get("incident");
  return section ? section.split("\n")[0].trim() || null : null;
};

export const checkIncident = (body: string, config: HotfixConfig): RuleResult => {
  const pattern = config.body.incident_pattern;
  if (!pattern) return pass("incident", TITLE, "No `body.incident_pattern` is configured.");
  const reference = incidentReference(body, config);
  return reference
    ? pass("incident", TITLE, `Found ${code(reference)}.`)
    : fail("incident", TITLE, `The PR description must reference the incident: nothing matches ${code(pattern)}.`);
};
