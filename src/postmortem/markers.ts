/**
 * Hidden markers: how the app finds its own issues and comments again on GitHub, the only place
 * it keeps anything. They are HTML comments, invisible in the rendered Markdown.
 */
const PREFIX = "hotfix-governance";

/** In the postmortem issue's body: the PR it belongs to. */
export const postmortemMarker = (pr: number): string => `<!-- ${PREFIX}:postmortem pr=${pr} -->`;

/** In the postmortem issue's body: its due date, read back by the reminder sweep (leads may edit it). */
export const dueMarker = (date: string): string => `<!-- ${PREFIX}:due=${date} -->`;

/** On the PR: the one comment about its postmortem (link, failure or dry run), edited in place. */
export const postmortemCommentMarker = (pr: number, issue: number | null): string =>
  `<!-- ${PREFIX}:postmortem-comment pr=${pr} issue=${issue ?? "none"} -->`;

/** The start of that comment's marker, to find it whatever issue it names. */
export const postmortemCommentPrefix = (pr: number): string => `<!-- ${PREFIX}:postmortem-comment pr=${pr} issue=`;

/** On the postmortem issue: one reminder a day, dated. */
export const reminderMarker = (date: string): string => `<!-- ${PREFIX}:postmortem-reminder date=${date} -->`;

const DATE = "(\\d{4}-\\d{2}-\\d{2})";

/** The PR number a postmortem body belongs to, or null. */
export const postmortemPullNumber = (body: string | null | undefined): number | null => {
  const match = new RegExp(`<!-- ${PREFIX}:postmortem pr=(\\d+) -->`).exec(body ?? "");
  return match ? Number(match[1]) : null;
};

export const isPostmortemOf = (body: string | null | undefined, pr: number): boolean => postmortemPullNumber(body) === pr;

/** The due date written in a postmortem body, or null (marker removed or malformed). */
export const readDueDate = (body: string | null | undefined): string | null => {
  const match = new RegExp(`<!-- ${PREFIX}:due=${DATE} -->`).exec(body ?? "");
  return match && !Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`)) ? match[1] : null;
};

/** The app's comment about PR `pr`'s postmortem: which issue it links (null: failure or dry run). */
export const readPostmortemComment = (body: string | null | undefined, pr: number): { issue: number | null } | null => {
  const match = new RegExp(`<!-- ${PREFIX}:postmortem-comment pr=${pr} issue=(\\d+|none) -->`).exec(body ?? "");
  if (!match) return null;
  return { issue: match[1] === "none" ? null : Number(match[1]) };
};

export const readReminderDate = (body: string | null | undefined): string | null =>
  new RegExp(`<!-- ${PREFIX}:postmortem-reminder date=${DATE} -->`).exec(body ?? "")?.[1] ?? null;
