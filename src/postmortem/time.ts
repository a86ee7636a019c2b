/** Dates and durations as the postmortem shows them: always UTC, never the server's zone. */

const DAY_MS = 86_400_000;

/** `2024-05-01 13:45 UTC` */
export const formatUtc = (iso: string): string => {
  const date = new Date(iso);
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
};

/** The UTC calendar date (YYYY-MM-DD) of an instant. */
export const utcDate = (instant: string | Date): string => new Date(instant).toISOString().slice(0, 10);

/** The postmortem's due date: the UTC date `days` days after the merge. */
export const dueDate = (mergedAt: string, days: number): string => utcDate(new Date(Date.parse(mergedAt) + days * DAY_MS));

/** Whole UTC days from date `from` to date `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** Seconds from `from` to `to`; null when either is missing. */
export const secondsBetween = (from: string | null, to: string | null): number | null =>
  from && to ? Math.round((Date.parse(to) - Date.parse(from)) / 1000) : null;

/** `45 s`, `12 min`, `3 h 05 min`, `2 d 4 h`: precise enough for a review, short enough to scan. */
export const formatDuration = (seconds: number): string => {
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${sign}${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${sign}${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${sign}${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${sign}${Math.floor(hours / 24)} d ${hours % 24} h`;
};
