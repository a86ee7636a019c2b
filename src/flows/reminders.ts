import type { Probot } from "probot";
import { createIssueComment, searchOpenPostmortems } from "../github/issues.js";
import { reminderComment, reminderDecision } from "../postmortem/comments.js";
import { isReviewDone, readReviewDue, reviewReminderLine } from "../governance/merge/review-after-merge.js";
import { postmortemPullNumber, readDueDate, readReminderDate, reminderMarker } from "../postmortem/markers.js";
import { utcDate } from "../postmortem/time.js";
import { describeGitHubError } from "./github-errors.js";

type Octokit = Awaited<ReturnType<Probot["auth"]>>;

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
  const appOctokit = await app.auth();
  const slug = await appSlug(appOctokit);
  const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, { per_page: 100 });
  for (const installation of installations) {
    const account = installation.account && "login" in installation.account ? installation.account : null;
    if (installation.suspended_at || !account) continue;
    report.installations += 1;
    const ilog = log.child({ installation: installation.id, account: account.login });
    try {
      const octokit = await app.auth(installation.id);
      const query = openPostmortemsQuery(slug, { login: account.login, type: account.type ?? "User" });
      for await (const issue of searchOpenPostmortems((q, variables) => octokit.graphql(q, variables), query)) {
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
            await createIssueComment(octokit, issue.repo, issue.number, `${reminderMarker(today)}\n⏰ ${who}${review}`);
            report.reminded += 1;
            ilog.info({ ...where, outcome: "reminded", reason: "review-after-merge" }, "overdue review after merge reminded");
          } catch (error) {
            report.failures += 1;
            ilog.error({ ...where, outcome: "failed", err: describeGitHubError(error) }, "could not remind an overdue review after merge");
          }
          continue;
        }
        if (!decision.remind) {
          ilog.debug({ ...where, outcome: decision.reason }, "postmortem reminder not due");
          continue;
        }
        try {
          await createIssueComment(octokit, issue.repo, issue.number, reminderComment(dueDate!, today, issue.assignees) + (review ? `\n\n${review}` : ""));
          report.reminded += 1;
          ilog.info({ ...where, outcome: "reminded", daysOverdue: decision.daysOverdue, assignees: issue.assignees }, "overdue postmortem reminded");
        } catch (error) {
          report.failures += 1;
          ilog.error({ ...where, outcome: "failed", err: describeGitHubError(error) }, "could not remind an overdue postmortem");
        }
      }
    } catch (error) {
      report.failures += 1;
      ilog.error({ outcome: "failed", err: describeGitHubError(error) }, "postmortem reminders skipped for this installation");
    }
  }
  log.info({ ...report, date: today }, "postmortem reminder sweep done");
  return report;
};

/** The reminder's line about a review after merge past its deadline and not recorded yet, or null. */
const overdueReview = (body: string, appComments: string[], now: Date): string | null => {
  const due = readReviewDue(body);
  if (!due || Date.parse(due.dueAt) > now.getTime() || isReviewDone(appComments, due.pr)) return null;
  return reviewReminderLine(due.pr, due.dueAt);
};

/** The app's slug (GET /app, app-authenticated): its issues are searched as `author:app/<slug>`. */
const appSlug = async (appOctokit: Octokit): Promise<string | null> => {
  const { data } = await appOctokit.rest.apps.getAuthenticated();
  return data?.slug ?? null;
};

export interface ReminderSchedule {
  stop: () => void;
}

export const REMINDER_INTERVAL_ENV = "POSTMORTEM_REMINDER_INTERVAL_MINUTES";
const DEFAULT_INTERVAL_MINUTES = 60;

/**
 * Runs the sweep on a timer inside the app: shortly after start, then every
 * `POSTMORTEM_REMINDER_INTERVAL_MINUTES` (default 60; 0 turns it off). Hourly runs are cheap (one
 * search per installation) and still remind once a day: the date marker makes later runs no-ops.
 * The timer is unref'd (it never keeps the process alive) and off under tests, which call
 * `runReminderSweep` directly. `sweep` lets the operations layer wrap it (leader election).
 */
export const startReminderSchedule = (
  app: Probot,
  options: { intervalMinutes?: number; sweep?: (app: Probot, now: Date) => Promise<unknown>; env?: NodeJS.ProcessEnv } = {},
): ReminderSchedule => {
  const env = options.env ?? process.env;
  const configured = Number.parseFloat(env[REMINDER_INTERVAL_ENV] ?? "");
  const minutes = options.intervalMinutes ?? (Number.isFinite(configured) ? configured : DEFAULT_INTERVAL_MINUTES);
  if (minutes <= 0 || (env.NODE_ENV === "test" && options.intervalMinutes === undefined)) return { stop: () => {} };
  const sweep = options.sweep ?? runReminderSweep;
  let running = false;
  const tick = async () => {
    if (running) return; // a slow sweep is never overlapped by the next one
    running = true;
    try {
      await sweep(app, new Date());
    } catch (error) {
      app.log.error({ task: "postmortem-reminders", err: describeGitHubError(error) }, "postmortem reminder sweep failed");
    } finally {
      running = false;
    }
  };
  const first = setTimeout(tick, 60_000);
  const every = setInterval(tick, minutes * 60_000);
  first.unref();
  every.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
};
