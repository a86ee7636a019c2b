import { actorName, type Postmortem } from "./build-postmortem.js";
import { escapeMarkdown } from "./markdown-text.js";
import {
  actionItemsList,
  approversText,
  assigneesText,
  backportsList,
  bodyMarkers,
  durationsTable,
  incidentText,
  MAX_ISSUE_BODY,
  mergeCommitText,
  mergedByText,
  timelineTable,
} from "./render-postmortem.js";
import { formatUtc } from "./time.js";

interface Placeholder {
  description: string;
  value: (pm: Postmortem) => string;
}

/**
 * The placeholders a `postmortem.template` may use, written `{{name}}` (spaces inside the braces
 * are allowed). Values are Markdown; user text in them is escaped. Documented in the README.
 */
export const PLACEHOLDERS: Record<string, Placeholder> = {
  "pr.title": { description: "the PR's title (Markdown escaped)", value: (pm) => escapeMarkdown(pm.prTitle) },
  "pr.number": { description: "the PR's number", value: (pm) => String(pm.number) },
  "pr.url": { description: "the PR's address", value: (pm) => pm.prUrl },
  "pr.author": { description: "the PR's author", value: (pm) => actorName(pm.author) },
  repository: { description: "owner/name of the repository", value: (pm) => pm.repository },
  incident: { description: "the incident reference", value: incidentText },
  approvers: { description: "the emergency approvers standing at merge", value: approversText },
  merged_by: { description: "who merged the PR", value: mergedByText },
  merged_at: { description: "when it was merged (UTC)", value: (pm) => formatUtc(pm.mergedAt) },
  merge_commit: { description: "the merge commit, linked", value: mergeCommitText },
  opened_at: { description: "when the PR was opened (UTC)", value: (pm) => formatUtc(pm.openedAt) },
  labeled_at: { description: "when the hotfix label was added (UTC)", value: (pm) => (pm.labeledAt ? formatUtc(pm.labeledAt) : "_unknown_") },
  timeline: { description: "the UTC timeline, as a table", value: (pm) => timelineTable(pm.timeline) },
  durations: { description: "label → first approval, → quorum, → merge, opened → merge, as a table", value: durationsTable },
  due_date: { description: "the due date, YYYY-MM-DD (UTC)", value: (pm) => pm.dueDate },
  backports: { description: "each backport PR or failure, as a list", value: backportsList },
  action_items: { description: "the action items checklist (failed backports, permanent fix ...)", value: actionItemsList },
  assignees: { description: "who the issue is assigned to, and who could not be", value: assigneesText },
  severity: { description: "the PR's severity labels", value: (pm) => (pm.severity.length ? pm.severity.map((label) => `\`${label}\``).join(", ") : "_none_") },
};

const PLACEHOLDER = /\{\{\s*([^{}\s]*)\s*\}\}/g;

export type TemplateResult = { ok: true; body: string } | { ok: false; problem: string };

/**
 * Fills a repository template. Any unknown placeholder makes the whole template unusable (a typo
 * must not ship a postmortem with holes): the caller reports it and uses the default body. The
 * app's hidden markers are always added, so the issue is found again and reminded on time.
 */
export const fillTemplate = (template: string, pm: Postmortem): TemplateResult => {
  if (template.trim() === "") return { ok: false, problem: "the template is empty" };
  const unknown = [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]).filter((name) => !(name in PLACEHOLDERS)))];
  if (unknown.length > 0) {
    return {
      ok: false,
      problem: `unknown placeholder${unknown.length === 1 ? "" : "s"} ${unknown.map((name) => `\`{{${name.replace(/`/g, "'")}}}\``).join(", ")}`,
    };
  }
  const filled = template.replace(PLACEHOLDER, (_all, name: string) => PLACEHOLDERS[name].value(pm));
  const body = `${bodyMarkers(pm)}\n\n${filled}`;
  if (body.length > MAX_ISSUE_BODY) return { ok: false, problem: `the filled template is longer than GitHub allows (${MAX_ISSUE_BODY} characters)` };
  return { ok: true, body };
};
