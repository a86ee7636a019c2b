import type { Logger } from "pino";
import type { Probot } from "probot";
import type { GitHub } from "../github/gateway.js";
import { appGitHubOf, installationGitHub } from "./delivery.js";
import { forEachInstallation } from "./installations.js";
import { reminderComment, reminderDecision } from "../postmortem/comments.js";
import { isReviewDone, readReviewDue, reviewReminderLine } from "../governance/merge/review-after-merge.js";
import { postmortemPullNumber, readDueDate, readReminderDate, reminderMarker } from "../postmortem/markers.js";
import { utcDate } from "../postmortem/time.js";
import type { Runtime } from "../platform/runtime.js";
import { startPeriodic, type Schedule } from "../platform/schedule.js";
import { describeGitHubError } from "../github/errors.js";

export interface SweepReport {
  installations: number;
  /** Open postmortems of this app that were looked at. */
  postmortems: number;
  reminded: number;
  /** Installations or issues that GitHub errors kept from being handled (logged). */
  failures: number;
}

/** The search that finds this app's open postmortems of one account: one query per 50 issues, never a repository scan. */
export const openPostmortemsQuery = (slug: string | null, account: { login: string; type: string }): string =>
  [
    "is:issue",
    "is:open",
    "archived:false",
    ...(slug ? [`author:app/${slug}`] : []),
    "in:title",
    "Postmortem",
    `${account.type === "Organization" ? "org" : "user"}:${account.login}`,
  ].join(" ");

/**
 * The daily reminder sweep (SPEC §6): every open postmortem past its due date gets one comment a
 * day naming its assignees. For each installation of the app, GitHub's issue search finds the
 * app's open postmortems (so the cost follows the open postmortems, not the repositories); the
 * due date is read back from the issue's hidden marker and "already reminded today" from the
 * app's own latest reminder. Safe to run as often as wanted: a second run the same day writes
 * nothing. One installation's failure is logged and does not stop the others.
 */
export const runReminderSweep = async (app: Probot, now: Date): Promise<SweepReport> => {
  const log = app.log.child({ task: "postmortem-reminders" });
  const today = utcDate(now);
  const report: SweepReport = { installations: 0, postmortems: 0, reminded: 0, failures: 0 };
  const appGitHub = await appGitHubOf(app);
  const slug = await appGitHub.getAppSlug();
  const counts = await forEachInstallation(appGitHub, log as unknown as Logger, "postmortem reminders", async (installation, ilog) => {
    const github = await installationGitHub(app, installation.id);
    await remindOverduePostmortems(github, openPostmortemsQuery(slug, installation.account), now, ilog, report);
  });
  report.installations = counts.installations;
  report.failures += counts.failures;
  log.info({ ...report, date: today }, "postmortem reminder sweep done");
  return report;
};

/** What the reminders ask GitHub: the search of the app's open postmortems, and a comment on each one due. */
export type RemindersGitHub = Pick<GitHub, "searchOpenPostmortems" | "createComment">;

/**
 * The reminders of one installation: each open postmortem of the app that `search` finds, past
 * its due date (or with an overdue review after merge) and not reminded today, gets one comment.
 * A failed comment is logged and counted; the others go on. The counts are added to `report` as
 * they happen (a failed search keeps what was done before it).
 */
export const remindOverduePostmortems = async (
  github: RemindersGitHub,
  search: string,
  now: Date,
  log: Logger,
  report: Pick<SweepReport, "postmortems" | "reminded" | "failures"> = { postmortems: 0, reminded: 0, failures: 0 },
): Promise<Pick<SweepReport, "postmortems" | "reminded" | "failures">> => {
  const today = utcDate(now);
  for await (const issue of github.searchOpenPostmortems(search)) {
    if (!issue.byApp || postmortemPullNumber(issue.body) == null || issue.archived) continue;
    report.postmortems += 1;
    const dueDate = readDueDate(issue.body);
    const reminders = issue.appComments.map(readReminderDate).filter((date): date is string => Boolean(date)).sort();
    const decision = reminderDecision(dueDate, today, reminders.at(-1) ?? null);
    const where = { repository: `${issue.repo.owner}/${issue.repo.repo}`, issue: issue.number, due: dueDate };
    // The review after merge (SPEC §8): past its deadline and still missing, the reminder names it.
    const review = overdueReview(issue.body, issue.appComments, now);
    const remindedToday = (reminders.at(-1) ?? "") >= today;
    if (review && !decision.remind && !remindedToday) {
      try {
        const who = issue.assignees.length ? `${issue.assignees.map((login) => `@${login}`).join(", ")}: ` : "";
        await github.createComment(issue.repo, issue.number, `${reminderMarker(today)}\n⏰ ${who}${review}`);
        report.reminded += 1;
        log.info({ ...where, outcome: "reminded", reason: "review-after-merge" }, "overdue review after merge reminded");
      } catch (error) {
        report.failures += 1;
        log.error({ ...where, outcome: "failed", err: describeGitHubError(error) }, "could not remind an overdue review after merge");
      }
      continue;
    }
    if (!decision.remind) {
      log.debug({ ...where, outcome: decision.reason }, "postmortem reminder not due");
      continue;
    }
    try {
      await github.createComment(issue.repo, issue.number, reminderComment(dueDate!, today, issue.assignees) + (review ? `\n\n${review}` : ""));
      report.reminded += 1;
      log.info({ ...where, outcome: "reminded", daysOverdue: decision.daysOverdue, assignees: issue.assignees }, "overdue postmortem reminded");
    } catch (error) {
      report.failures += 1;
      log.error({ ...where, outcome: "failed", err: describeGitHubError(error) }, "could not remind an overdue postmortem");
    }
  }
  return report;
};

/** The reminder's line about a review after merge past its deadline and not recorded yet, or null. */
const overdueReview = (body: string, appComments: string[], now: Date): string | null => {
  const due = readReviewDue(body);
  if (!due || Date.parse(due.dueAt) > now.getTime() || isReviewDone(appComments, due.pr)) return null;
  return reviewReminderLine(due.pr, due.dueAt);
};

/** The app's slug (GET /app, app-authenticated): its issues are searched as `author:app/<slug>`. */
/**
 * Runs the sweep on a timer inside the app, on one replica (`sweep` is wrapped in leader election
 * by the caller): shortly after start, then every `runtime.reminderIntervalMinutes`
 * (`POSTMORTEM_REMINDER_INTERVAL_MINUTES`, default 60; 0 or absent turns it off, as in tests, which
 * call `runReminderSweep` directly). Hourly runs are cheap (one search per installation) and still
 * remind once a day: the date marker makes later runs no-ops.
 */
export const startReminderSchedule = (
  app: Probot,
  runtime: Pick<Runtime, "reminderIntervalMinutes" | "shutdown">,
  sweep: (app: Probot, now: Date) => Promise<unknown> = runReminderSweep,
): Schedule =>
  startPeriodic({
    name: "postmortem-reminders",
    minutes: runtime.reminderIntervalMinutes ?? 0,
    signal: runtime.shutdown,
    log: app.log as unknown as Logger,
    task: (now) => sweep(app, now),
  });
