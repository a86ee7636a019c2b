import { jest } from "@jest/globals";
import nock from "nock";
import { runReminderSweep, startReminderSchedule } from "../../src/flows/reminders.js";
import { reminderIntervalFromEnv } from "../../src/platform/runtime.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { addInstallation } from "../support/simulator/routes-apps.js";
import { addIssue, appBot } from "../support/simulator/routes-issues.js";
import type { SimIssue } from "../support/simulator/state.js";

let t: TestApp;

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

const postmortem = (repo: string, pr: number, due: string, extra: Partial<SimIssue> = {}) =>
  addIssue(t.sim, repo, {
    title: `Postmortem: Fix outage (#${pr})`,
    body: `<!-- hotfix-governance:postmortem pr=${pr} -->\n<!-- hotfix-governance:due=${due} -->\n\n# Postmortem`,
    labels: ["postmortem"],
    assignees: ["dev", "lead"],
    ...extra,
  });

const reminders = (repo: string, issue: SimIssue) =>
  t.sim.repo(repo).issueComments.filter((comment) => comment.issueNumber === issue.number && comment.body.includes("postmortem-reminder"));

beforeEach(async () => {
  t = await createTestApp();
  t.sim.setTime("2024-05-01T12:00:00.000Z");
  t.sim.addRepo("acme/shop");
  t.sim.addRepo("acme/api");
  t.sim.addRepo("octocat/blog");
  addInstallation(t.sim, { id: 4242, account: { login: "acme", type: "Organization" } });
  addInstallation(t.sim, { id: 4343, account: { login: "octocat", type: "User" } });
});

test("overdue open postmortems of every installation get one reminder a day naming their assignees", async () => {
  const overdue = postmortem("acme/shop", 1, "2024-05-06");
  const notDue = postmortem("acme/api", 2, "2024-05-08");
  const elsewhere = postmortem("octocat/blog", 3, "2024-05-01", { assignees: [] });
  const closed = postmortem("acme/shop", 4, "2024-05-01", { state: "closed" });
  const byHuman = postmortem("acme/shop", 5, "2024-05-01", { user: t.sim.user("mallory") });
  const noDueMarker = addIssue(t.sim, "acme/api", { title: "Postmortem: old (#6)", body: "<!-- hotfix-governance:postmortem pr=6 -->" });
  t.sim.reset();

  const report = await runReminderSweep(t.probot, new Date("2024-05-07T08:00:00Z"));

  expect(report).toEqual({ installations: 2, postmortems: 4, reminded: 2, failures: 0 });
  expect(reminders("acme/shop", overdue).map((comment) => comment.body)).toEqual([
    "<!-- hotfix-governance:postmortem-reminder date=2024-05-07 -->\n⏰ @dev, @lead: this postmortem was due on **2024-05-06** (1 day ago). Please complete it and close the issue. Hotfix Governance reminds once a day while it is open and overdue.",
  ]);
  expect(reminders("octocat/blog", elsewhere)[0].body).toContain("This postmortem has no assignee; this postmortem was due on **2024-05-01** (6 days ago).");
  expect(reminders("octocat/blog", elsewhere)[0].user.login).toBe(appBot(t.sim).login);
  for (const [repo, issue] of [["acme/api", notDue], ["acme/shop", closed], ["acme/shop", byHuman], ["acme/api", noDueMarker]] as const) {
    expect(reminders(repo, issue)).toEqual([]);
  }
  // GET /app, GET /app/installations, then per installation: a token and one search; one write per reminder
  expect(t.sim.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
    "GET /app",
    "GET /app/installations",
    "POST /app/installations/4242/access_tokens",
    "POST /graphql",
    "POST /repos/acme/shop/issues/1/comments",
    "POST /app/installations/4343/access_tokens",
    "POST /graphql",
    `POST /repos/octocat/blog/issues/${elsewhere.number}/comments`,
  ]);
  const searches = t.sim.requests.filter((request) => request.path === "/graphql").map((request) => request.body.variables.search);
  expect(searches).toEqual([
    "is:issue is:open archived:false author:app/hotfix-governance in:title Postmortem org:acme",
    "is:issue is:open archived:false author:app/hotfix-governance in:title Postmortem user:octocat",
  ]);
});

test("a second sweep the same day writes nothing; the next day reminds again", async () => {
  const overdue = postmortem("acme/shop", 1, "2024-05-06");

  await runReminderSweep(t.probot, new Date("2024-05-07T08:00:00Z"));
  t.sim.reset();
  const again = await runReminderSweep(t.probot, new Date("2024-05-07T23:00:00Z"));
  expect(again.reminded).toBe(0);
  expect(t.sim.writes()).toEqual([]);

  const nextDay = await runReminderSweep(t.probot, new Date("2024-05-08T00:30:00Z"));
  expect(nextDay.reminded).toBe(1);
  expect(reminders("acme/shop", overdue).map((comment) => comment.body.split("\n")[0])).toEqual([
    "<!-- hotfix-governance:postmortem-reminder date=2024-05-07 -->",
    "<!-- hotfix-governance:postmortem-reminder date=2024-05-08 -->",
  ]);
});

test("a due date edited by the leads in the marker is honoured", async () => {
  const issue = postmortem("acme/shop", 1, "2024-05-06");
  issue.body = issue.body!.replace("due=2024-05-06", "due=2024-05-20");
  expect((await runReminderSweep(t.probot, new Date("2024-05-07T08:00:00Z"))).reminded).toBe(0);
});

test("an installation that lost access or fails is logged and skipped; the others are still reminded", async () => {
  postmortem("acme/shop", 1, "2024-05-06");
  const blog = postmortem("octocat/blog", 3, "2024-05-01");
  t.sim.revokedInstallations.add(4242);

  const report = await runReminderSweep(t.probot, new Date("2024-05-07T08:00:00Z"));

  expect(report).toEqual({ installations: 2, postmortems: 1, reminded: 1, failures: 1 });
  expect(reminders("octocat/blog", blog)).toHaveLength(1);
});

test("a reminder GitHub refuses is counted as a failure, not thrown", async () => {
  const issue = postmortem("acme/shop", 1, "2024-05-06");
  t.sim.fail("POST", /\/issues\/\d+\/comments$/, { status: 403, body: { message: "Resource not accessible by integration" } });

  const report = await runReminderSweep(t.probot, new Date("2024-05-07T08:00:00Z"));

  expect(report).toEqual({ installations: 2, postmortems: 1, reminded: 0, failures: 1 });
  expect(reminders("acme/shop", issue)).toEqual([]);
});

test("suspended installations are skipped", async () => {
  addInstallation(t.sim, { id: 4444, account: { login: "paused", type: "Organization" }, suspendedAt: "2024-04-01T00:00:00Z" });
  t.sim.reset();
  const report = await runReminderSweep(t.probot, new Date("2024-05-07T08:00:00Z"));
  expect(report.installations).toBe(2);
  expect(t.sim.requests.some((request) => request.path === "/app/installations/4444/access_tokens")).toBe(false);
});

test("the schedule is off when the interval is 0 or unset, and runs the sweep on its timer otherwise", async () => {
  jest.useFakeTimers();
  try {
    const runs: Date[] = [];
    const sweep = async (_app: unknown, now: Date) => {
      runs.push(now);
    };
    expect(reminderIntervalFromEnv({})).toBe(60);
    expect(reminderIntervalFromEnv({ POSTMORTEM_REMINDER_INTERVAL_MINUTES: "0" })).toBe(0);
    expect(() => reminderIntervalFromEnv({ POSTMORTEM_REMINDER_INTERVAL_MINUTES: "hourly" })).toThrow(/POSTMORTEM_REMINDER_INTERVAL_MINUTES must be a number/);
    startReminderSchedule(t.probot, {}, sweep);
    startReminderSchedule(t.probot, { reminderIntervalMinutes: reminderIntervalFromEnv({ POSTMORTEM_REMINDER_INTERVAL_MINUTES: "0" }) }, sweep);
    await jest.advanceTimersByTimeAsync(3 * 3600_000);
    expect(runs).toHaveLength(0);

    const schedule = startReminderSchedule(t.probot, { reminderIntervalMinutes: reminderIntervalFromEnv({ POSTMORTEM_REMINDER_INTERVAL_MINUTES: "60" }) }, sweep);
    await jest.advanceTimersByTimeAsync(60_000); // first run shortly after start
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(2 * 3600_000);
    expect(runs).toHaveLength(3);
    schedule.stop();
    await jest.advanceTimersByTimeAsync(3 * 3600_000);
    expect(runs).toHaveLength(3);
  } finally {
    jest.useRealTimers();
  }
});
