import nock from "nock";
import { reminderComment, reminderDecision } from "../../src/postmortem/comments.js";
import { postmortemCommentMarker, readPostmortemComment, readReminderDate, reminderMarker } from "../../src/postmortem/markers.js";
import { openPostmortemsQuery } from "../../src/flows/reminders.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

describe("reminderDecision: one reminder a day, from the day after the due date", () => {
  test.each<[string | null, string, string | null, boolean, string]>([
    ["2024-05-06", "2024-05-05", null, false, "not-due"],
    ["2024-05-06", "2024-05-06", null, false, "not-due"],
    ["2024-05-06", "2024-05-07", null, true, "overdue"],
    ["2024-05-06", "2024-05-07", "2024-05-07", false, "reminded-today"],
    ["2024-05-06", "2024-05-08", "2024-05-07", true, "overdue"],
    ["2024-05-06", "2024-06-30", "2024-05-20", true, "overdue"],
    [null, "2024-05-08", null, false, "no-due-date"],
  ])("due %s, today %s, last reminder %s → remind %s (%s)", (due, today, last, remind, reason) => {
    const decision = reminderDecision(due, today, last);
    expect(decision.remind).toBe(remind);
    expect(decision.reason).toBe(reason);
  });
});

test("the reminder names the assignees, the due date and how late it is, and is dated", () => {
  const body = reminderComment("2024-05-06", "2024-05-09", ["dev", "lead"]);
  expect(body).toBe(
    "<!-- hotfix-governance:postmortem-reminder date=2024-05-09 -->\n" +
      "⏰ @dev, @lead: this postmortem was due on **2024-05-06** (3 days ago). Please complete it and close the issue. Hotfix Governance reminds once a day while it is open and overdue.",
  );
  expect(readReminderDate(body)).toBe("2024-05-09");
  expect(reminderComment("2024-05-06", "2024-05-07", [])).toContain("This postmortem has no assignee; this postmortem was due on **2024-05-06** (1 day ago).");
});

test("markers round-trip and do not match another PR", () => {
  expect(readPostmortemComment(postmortemCommentMarker(12, 34), 12)).toEqual({ issue: 34 });
  expect(readPostmortemComment(postmortemCommentMarker(12, null), 12)).toEqual({ issue: null });
  expect(readPostmortemComment(postmortemCommentMarker(123, 34), 12)).toBeNull();
  expect(readReminderDate(reminderMarker("2024-05-09"))).toBe("2024-05-09");
  expect(readReminderDate("<!-- hotfix-governance:postmortem-reminder date=someday -->")).toBeNull();
});

test("the search is scoped to the account and to the app's own open issues", () => {
  expect(openPostmortemsQuery("hotfix-governance", { login: "acme", type: "Organization" })).toBe(
    "is:issue is:open archived:false author:app/hotfix-governance in:title Postmortem org:acme",
  );
  expect(openPostmortemsQuery(null, { login: "octocat", type: "User" })).toBe("is:issue is:open archived:false in:title Postmortem user:octocat");
});
