import type { Postmortem } from "./build-postmortem.js";
import { postmortemCommentMarker, reminderMarker } from "./markers.js";
import { daysBetween } from "./time.js";
import { PLACEHOLDERS } from "./template.js";

const list = (logins: string[]) => logins.map((login) => `@${login}`).join(", ");
const notesBlock = (notes: string[]) => (notes.length ? `\n\n${notes.map((note) => `> [!WARNING]\n> ${note}`).join("\n\n")}` : "");

/** Why a repository template was not used, with the placeholders it may use. */
export const templateProblemNote = (path: string, problem: string): string =>
  `The postmortem template \`${path}\` was not used: ${problem}. The default layout was used instead. ` +
  `Placeholders: ${Object.keys(PLACEHOLDERS).map((name) => `\`{{${name}}}\``).join(", ")}.`;

export const skippedAssigneesNote = (pm: Postmortem): string | null =>
  pm.assignees.skipped.length
    ? `Not assigned: ${pm.assignees.skipped.map((skip) => `\`${skip.login}\` (${skip.reason})`).join(", ")}.`
    : null;

/** The PR's comment once the postmortem exists. */
export const linkComment = (pm: Postmortem, issue: { number: number; url: string }, notes: string[]): string =>
  `${postmortemCommentMarker(pm.number, issue.number)}\n` +
  `📝 Postmortem for this hotfix: #${issue.number}, due **${pm.dueDate}**` +
  (pm.assignees.assigned.length ? `, assigned to ${list(pm.assignees.assigned)}.` : ".") +
  notesBlock(notes);

/** The postmortem exists already (found again): the comment only links it. */
export const foundLinkComment = (pr: number, issue: { number: number; url: string }): string =>
  `${postmortemCommentMarker(pr, issue.number)}\n📝 Postmortem for this hotfix: #${issue.number}.`;

/** Opening the issue failed: say so where people look, with what to open by hand. */
export const failureComment = (pm: Postmortem, reason: string, body: string): string => {
  const fence = "`".repeat(Math.max(3, ...[...body.matchAll(/`+/g)].map((match) => match[0].length + 1)));
  const details = body.length <= 50_000 ? `\n\n<details><summary>The postmortem to open by hand</summary>\n\n${fence}markdown\n${body}\n${fence}\n</details>` : "";
  return (
    `${postmortemCommentMarker(pm.number, null)}\n` +
    `⚠️ Hotfix Governance could not open the postmortem issue **${pm.title.replace(/[*_`]/g, "\\$&")}**: ${reason}. ` +
    `It is due ${pm.dueDate}. Open it by hand${body.length <= 50_000 ? " with the text below" : ""}: this comment records the failure, and Hotfix Governance does not try again.` +
    details
  );
};

/** Dry run: what would have been opened. */
export const dryRunComment = (pm: Postmortem, notes: string[]): string =>
  `${postmortemCommentMarker(pm.number, null)}\n` +
  `🧪 Dry run (\`dry_run: true\`): a postmortem issue would be opened, titled **${pm.title.replace(/[*_`]/g, "\\$&")}**, ` +
  `labelled ${pm.labels.length ? pm.labels.map((label) => `\`${label}\``).join(", ") : "with no label"}, ` +
  `assigned to ${pm.assignees.assigned.length ? list(pm.assignees.assigned) : "nobody"}, due **${pm.dueDate}**.` +
  notesBlock(notes);

export interface ReminderDecision {
  remind: boolean;
  reason: "not-due" | "reminded-today" | "overdue" | "no-due-date";
  daysOverdue: number;
}

/**
 * One reminder a day for an open postmortem past its due date (the day after the due date on).
 * `lastReminder` is the date of the app's latest reminder on the issue.
 */
export const reminderDecision = (dueDate: string | null, today: string, lastReminder: string | null): ReminderDecision => {
  if (!dueDate) return { remind: false, reason: "no-due-date", daysOverdue: 0 };
  const daysOverdue = daysBetween(dueDate, today);
  if (daysOverdue <= 0) return { remind: false, reason: "not-due", daysOverdue };
  if (lastReminder && lastReminder >= today) return { remind: false, reason: "reminded-today", daysOverdue };
  return { remind: true, reason: "overdue", daysOverdue };
};

export const reminderComment = (dueDate: string, today: string, assignees: string[]): string => {
  const days = daysBetween(dueDate, today);
  const who = assignees.length ? `${list(assignees)}: this` : "This postmortem has no assignee; this";
  return (
    `${reminderMarker(today)}\n` +
    `⏰ ${who} postmortem was due on **${dueDate}** (${days} day${days === 1 ? "" : "s"} ago). ` +
    "Please complete it and close the issue. Hotfix Governance reminds once a day while it is open and overdue."
  );
};
