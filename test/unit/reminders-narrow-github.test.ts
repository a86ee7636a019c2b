import pino from "pino";
import type { OpenPostmortem } from "../../src/github/issues.js";
import type { RepoRef } from "../../src/github/repo-ref.js";
import { remindOverduePostmortems, type RemindersGitHub } from "../../src/flows/reminders.js";
import { reviewDoneMarker, reviewDueMarker } from "../../src/governance/merge/review-after-merge.js";
import { dueMarker, postmortemMarker, reminderMarker } from "../../src/postmortem/markers.js";

/**
 * The point of the flows' narrow interfaces: the reminder flow declares the two calls it makes
 * (`RemindersGitHub`), so it runs here against a hand-written fake of just those — no HTTP, no
 * simulator — and the test reads what it asked GitHub to do.
 */
const fakeGitHub = (issues: OpenPostmortem[], options: { failOn?: number } = {}) => {
  const calls: string[] = [];
  const comments: Array<{ repo: RepoRef; number: number; body: string }> = [];
  const github: RemindersGitHub = {
    searchOpenPostmortems: async function* (search: string) {
      calls.push(`search ${search}`);
      yield* issues;
    },
    createComment: async (repo, number, body) => {
      calls.push(`comment ${repo.owner}/${repo.repo}#${number}`);
      if (number === options.failOn) throw Object.assign(new Error("Issues are disabled for this repo"), { status: 410 });
      comments.push({ repo, number, body });
      return 1000 + number;
    },
  };
  return { github, calls, comments };
};

const shop = { owner: "acme", repo: "shop" };
const issue = (number: number, body: string, extra: Partial<OpenPostmortem> = {}): OpenPostmortem => ({
  repo: shop,
  number,
  url: `https://github.com/acme/shop/issues/${number}`,
  body,
  byApp: true,
  archived: false,
  assignees: ["dev", "lead"],
  appComments: [],
  ...extra,
});
const postmortemBody = (pr: number, due: string, more = "") => `${postmortemMarker(pr)}\n${dueMarker(due)}\n${more}\n# Postmortem`;

const silent = pino({ level: "silent" });
const NOW = new Date("2024-05-07T08:00:00Z");

test("the reminders ask for one search and one comment per overdue postmortem of the app, and nothing else", async () => {
  const { github, calls, comments } = fakeGitHub([
    issue(10, postmortemBody(1, "2024-05-06")),
    issue(11, postmortemBody(2, "2024-05-08")),
    issue(12, postmortemBody(3, "2024-05-01"), { appComments: [`${reminderMarker("2024-05-07")}\n⏰ earlier today`] }),
    issue(13, postmortemBody(4, "2024-05-01"), { byApp: false }),
    issue(14, postmortemBody(5, "2024-05-01"), { archived: true }),
    issue(15, "# Postmortem written by hand"),
    issue(16, postmortemBody(6, "2024-05-03"), { assignees: [], appComments: [`${reminderMarker("2024-05-06")}\n⏰ yesterday`] }),
  ]);

  const report = await remindOverduePostmortems(github, "is:issue is:open org:acme", NOW, silent);

  expect(calls).toEqual(["search is:issue is:open org:acme", "comment acme/shop#10", "comment acme/shop#16"]);
  expect(comments.map(({ number, body }) => [number, body])).toEqual([
    [
      10,
      "<!-- hotfix-governance:postmortem-reminder date=2024-05-07 -->\n⏰ @dev, @lead: this postmortem was due on **2024-05-06** (1 day ago). Please complete it and close the issue. Hotfix Governance reminds once a day while it is open and overdue.",
    ],
    [
      16,
      "<!-- hotfix-governance:postmortem-reminder date=2024-05-07 -->\n⏰ This postmortem has no assignee; this postmortem was due on **2024-05-03** (4 days ago). Please complete it and close the issue. Hotfix Governance reminds once a day while it is open and overdue.",
    ],
  ]);
  // The app's postmortems (its marker, in a repository that is not archived) looked at: 10, 11, 12, 16.
  expect(report).toEqual({ postmortems: 4, reminded: 2, failures: 0 });
});

test("an overdue review after merge is reminded before the postmortem's due date; a recorded one is not; a failed comment is counted and the others go on", async () => {
  const overdueReview = reviewDueMarker(7, "2024-05-06T10:00:00.000Z");
  const { github, calls, comments } = fakeGitHub(
    [
      issue(20, postmortemBody(7, "2024-05-20", overdueReview)),
      issue(21, postmortemBody(8, "2024-05-20", reviewDueMarker(8, "2024-05-06T10:00:00.000Z")), { appComments: [reviewDoneMarker(8)] }),
      issue(22, postmortemBody(9, "2024-05-01")),
      issue(23, postmortemBody(10, "2024-05-02")),
    ],
    { failOn: 22 },
  );

  const report = await remindOverduePostmortems(github, "is:issue is:open user:octocat", NOW, silent);

  expect(calls).toEqual(["search is:issue is:open user:octocat", "comment acme/shop#20", "comment acme/shop#22", "comment acme/shop#23"]);
  expect(comments.map(({ number }) => number)).toEqual([20, 23]);
  expect(comments[0].body).toBe(
    "<!-- hotfix-governance:postmortem-reminder date=2024-05-07 -->\n⏰ @dev, @lead: The review after merge of #7 is overdue (due 2024-05-06 10:00 UTC): no approving review from someone other than its author and committers has been submitted yet.",
  );
  expect(report).toEqual({ postmortems: 4, reminded: 2, failures: 1 });
});
