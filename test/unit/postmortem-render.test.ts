import nock from "nock";
import { buildPostmortem } from "../../src/postmortem/build-postmortem.js";
import { escapeMarkdown, postmortemTitle } from "../../src/postmortem/markdown-text.js";
import { isPostmortemOf, postmortemPullNumber, readDueDate } from "../../src/postmortem/markers.js";
import { MAX_ISSUE_BODY, renderDefaultBody } from "../../src/postmortem/render-postmortem.js";
import { command, history, input, label, recordOf } from "./postmortem-fixtures.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

/** The text of one `## section` of a rendered body, up to the next `## `. */
const section = (body: string, heading: string): string => {
  const start = body.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const rest = body.slice(start + heading.length + 5);
  const end = rest.indexOf("\n## ");
  return (end < 0 ? rest : rest.slice(0, end)).trim();
};
const row = (body: string, name: string) => body.split("\n").find((line) => line.startsWith(`| ${name} |`));

describe("the default body of a typical hotfix", () => {
  const body = renderDefaultBody(buildPostmortem(input({ assignees: { assigned: ["dev", "lead"], skipped: [] } }, { approvals: { required: 1 } })));

  test("starts with the hidden markers that find it again and date its reminders", () => {
    expect(body.split("\n").slice(0, 2)).toEqual(["<!-- hotfix-governance:postmortem pr=12 -->", "<!-- hotfix-governance:due=2024-05-06 -->"]);
    expect(postmortemPullNumber(body)).toBe(12);
    expect(isPostmortemOf(body, 12)).toBe(true);
    expect(isPostmortemOf(body, 1)).toBe(false);
    expect(readDueDate(body)).toBe("2024-05-06");
  });

  test("the facts: PR, merge commit, incident, author, merger, approvers, severity, assignees, due date", () => {
    expect(row(body, "Pull request")).toBe("| Pull request | [#12 Fix checkout crash](https://github.com/acme/shop/pull/12) |");
    expect(row(body, "Merge commit")).toBe(`| Merge commit | [\`bbbbbbb\`](https://github.com/acme/shop/commit/${"b".repeat(40)}) |`);
    expect(row(body, "Incident")).toBe("| Incident | INC-42 checkout down |");
    expect(row(body, "Author")).toBe("| Author | @dev |");
    expect(row(body, "Merged by")).toBe("| Merged by | @lead, 2024-05-01 10:50 UTC |");
    expect(row(body, "Approvers")).toBe("| Approvers | @lead |");
    expect(row(body, "Severity")).toBe("| Severity | `sev1` |");
    expect(row(body, "Assignees")).toBe("| Assignees | @dev, @lead |");
    expect(row(body, "Due")).toBe("| Due | **2024-05-06** (5 days after the merge) |");
  });

  test("the timeline in UTC, in order", () => {
    expect(section(body, "Timeline (UTC)").split("\n").slice(2)).toEqual([
      "| 2024-05-01 10:00 | Pull request #12 opened by @dev |",
      "| 2024-05-01 10:05 | Labelled `hotfix` by @dev |",
      "| 2024-05-01 10:20 | Emergency approval by @lead ([comment](https://github.com/acme/shop/pull/1#issuecomment-2024-05-01T10:20:00Z)) |",
      "| 2024-05-01 10:50 | Merged by @lead as `bbbbbbb` |",
    ]);
  });

  test("the durations", () => {
    expect(section(body, "Durations").split("\n").slice(2)).toEqual([
      "| Label → first approval | 15 min |",
      "| Label → quorum (1 approval) | 15 min |",
      "| Label → merge | 45 min |",
      "| Opened → merge | 50 min |",
    ]);
  });

  test("sections for the leads, each with a hint, and the action items checklist", () => {
    for (const heading of ["Summary", "Impact", "Root cause", "Detection", "Resolution", "What went well", "What went badly"]) {
      expect(section(body, heading)).toMatch(/^<!-- .+ -->$/);
    }
    expect(section(body, "Backports")).toBe("_No backport targets._");
    expect(section(body, "Action items")).toBe(
      "- [ ] Follow up the hotfix with the permanent fix for INC-42 checkout down (tests, monitoring, clean-up of the emergency change)",
    );
  });
});

test("no approvals because the label was added after merge", () => {
  const pm = buildPostmortem(
    input({ history: history({ labelEvents: [label("labeled", "2024-05-01T11:00:00Z")], comments: [], approvalsRecord: null }) }),
  );
  const body = renderDefaultBody(pm);
  expect(row(body, "Approvers")).toBe(
    "| Approvers | _The `hotfix` label was added after the merge (2024-05-01 11:00 UTC): no emergency approval was collected before the change went in._ |",
  );
  expect(section(body, "Durations").split("\n").slice(2)).toEqual([
    "| Label → first approval | _label added after merge_ |",
    "| Label → quorum (1 approval) | _label added after merge_ |",
    "| Label → merge | _label added after merge_ |",
    "| Opened → merge | 50 min |",
  ]);
  expect(section(body, "Timeline (UTC)")).toContain("| 2024-05-01 11:00 | Labelled `hotfix` by @dev |");
  expect(section(body, "Action items")).toContain("- [ ] Review why #12 merged with 0 of 1 required emergency approvals");
});

test("approvals that were required but never reached quorum, and a revocation", () => {
  const pm = buildPostmortem(
    input(
      {
        history: history({
          comments: [
            command("lead", "/approve-emergency", "2024-05-01T10:20:00Z"),
            command("ops", "/approve-emergency", "2024-05-01T10:21:00Z"),
            command("ops", "/revoke-emergency wrong PR", "2024-05-01T10:22:00Z"),
          ],
          approvalsRecord: recordOf([["lead", "2024-05-01T10:20:00Z"]], [["ops", "2024-05-01T10:21:00Z", "revoked"]]),
        }),
      },
      { approvals: { required: 2 } },
    ),
  );
  const body = renderDefaultBody(pm);
  expect(row(body, "Approvers")).toBe("| Approvers | @lead |");
  expect(section(body, "Timeline (UTC)")).toContain("| 2024-05-01 10:22 | Approval revoked by @ops ([comment]");
  expect(section(body, "Durations")).toContain("| Label → quorum (2 approvals) | _quorum not held at merge_ |");
  expect(section(body, "Action items")).toContain("- [ ] Review why #12 merged with 1 of 2 required emergency approvals");
});

test("backport conflicts: on the timeline, in the backports list and as action items", () => {
  const pm = buildPostmortem(
    input({
      backports: [
        { target: "release/2.0", status: "created", pullRequest: { number: 30, url: "https://github.com/acme/shop/pull/30" }, at: "2024-05-01T10:51:00Z" },
        { target: "release/1.9", status: "conflict", reason: "`src/cart.ts` conflicts", at: "2024-05-01T10:52:00Z" },
        { target: "release/1.8", status: "already_applied", at: "2024-05-01T10:53:00Z" },
        { target: "release/1.7", status: "refused", reason: "protected branch", at: "2024-05-01T10:54:00Z" },
      ],
    }),
  );
  const body = renderDefaultBody(pm);
  expect(section(body, "Backports").split("\n")).toEqual([
    "- Backport to `release/2.0` opened: #30",
    "- Backport to `release/1.9` failed: `src/cart.ts` conflicts",
    "- Backport to `release/1.8` not needed: the change is already there",
    "- Backport to `release/1.7` failed: protected branch",
  ]);
  expect(section(body, "Timeline (UTC)")).toContain("| 2024-05-01 10:52 | Backport to `release/1.9` failed: `src/cart.ts` conflicts |");
  expect(section(body, "Action items").split("\n")).toEqual([
    "- [ ] Port #12 to `release/1.9` by hand (`src/cart.ts` conflicts)",
    "- [ ] Port #12 to `release/1.7` by hand (protected branch)",
    "- [ ] Follow up the hotfix with the permanent fix for INC-42 checkout down (tests, monitoring, clean-up of the emergency change)",
  ]);
});

test("a failed backport that comes with manual git commands shows them under its line", () => {
  const conflict = { target: "release/1.9", status: "conflict" as const, at: "2024-05-01T10:52:00Z", manualCommands: "git fetch origin\ngit cherry-pick -x abc" };
  const body = renderDefaultBody(buildPostmortem(input({ backports: [conflict] })));
  expect(section(body, "Backports")).toBe(
    "- Backport to `release/1.9` failed: the change does not apply cleanly\n\n  ```sh\n  git fetch origin\n  git cherry-pick -x abc\n  ```",
  );
});

test("a long title: the issue title fits GitHub's 256 characters and keeps the number; the body keeps it whole", () => {
  const long = `Fix ${"very ".repeat(80)}long outage`;
  const pm = buildPostmortem(input({ history: history({ title: long }) }));
  expect(pm.title.length).toBeLessThanOrEqual(256);
  expect(pm.title.startsWith("Postmortem: Fix very very")).toBe(true);
  expect(pm.title.endsWith("… (#12)")).toBe(true);
  expect(renderDefaultBody(pm)).toContain(`# Postmortem: ${long} (#12)`);
  expect(postmortemTitle("Short", 7)).toBe("Postmortem: Short (#7)");
});

test("Markdown in the title is escaped in the body; the issue title stays as written", () => {
  const title = "Fix *all* the `bugs` | [click](https://evil.example) <!-- hotfix-governance:postmortem pr=99 --> # _now_";
  const pm = buildPostmortem(input({ history: history({ title }) }));
  const body = renderDefaultBody(pm);
  expect(pm.title).toBe(`Postmortem: ${title} (#12)`);
  const escaped = "Fix \\*all\\* the \\`bugs\\` \\| \\[click\\](https://evil.example) &lt;!-- hotfix-governance:postmortem pr=99 --\\> \\# \\_now\\_";
  expect(escapeMarkdown(title)).toBe(escaped);
  expect(body).toContain(`# Postmortem: ${escaped} (#12)`);
  // in the facts table the pipe of the escaped text stays escaped
  expect(row(body, "Pull request")).toBe(`| Pull request | [#12 ${escaped.replace(/\|/g, "\\|")}](https://github.com/acme/shop/pull/12) |`);
  // no marker of another PR can be smuggled in
  expect(postmortemPullNumber(body)).toBe(12);
  expect(body).not.toContain("<!-- hotfix-governance:postmortem pr=99 -->");
});

test.each([
  ["- starts a list", "\\- starts a list"],
  ["1. starts an ordered list", "1\\. starts an ordered list"],
  ["a & b", "a &amp; b"],
  ["line\nbreak", "line break"],
])("escapeMarkdown(%j)", (text, expected) => {
  expect(escapeMarkdown(text)).toBe(expected);
});

test("merged by a bot (merge queue): named, not mentioned", () => {
  const pm = buildPostmortem(input({ history: history({ mergedBy: { login: "github-merge-queue", isBot: true } }) }));
  const body = renderDefaultBody(pm);
  expect(row(body, "Merged by")).toBe("| Merged by | github-merge-queue[bot], 2024-05-01 10:50 UTC |");
  expect(section(body, "Timeline (UTC)")).toContain("| 2024-05-01 10:50 | Merged by github-merge-queue[bot] as `bbbbbbb` |");
});

test("skipped assignees are named with the reason", () => {
  const pm = buildPostmortem(input({ assignees: { assigned: ["lead"], skipped: [{ login: "dependabot[bot]", reason: "a bot account cannot be assigned" }] } }));
  expect(row(renderDefaultBody(pm), "Assignees")).toBe("| Assignees | @lead; not assigned: `dependabot[bot]` (a bot account cannot be assigned) |");
});

test("a timeline too long for GitHub is shortened, keeping the first and the last events", () => {
  const comments = Array.from({ length: 3000 }, (_unused, index) =>
    command(`user${index}`, "/approve-emergency", new Date(Date.parse("2024-05-01T10:06:00Z") + index * 1000).toISOString()),
  );
  const approvalsRecord = recordOf(comments.map((comment) => [comment.author!.login, comment.createdAt]));
  const pm = buildPostmortem(input({ history: history({ comments, approvalsRecord }) }));
  const body = renderDefaultBody(pm);
  expect(body.length).toBeLessThanOrEqual(MAX_ISSUE_BODY);
  const rows = section(body, "Timeline (UTC)").split("\n").slice(2);
  expect(rows[0]).toBe("| 2024-05-01 10:00 | Pull request #12 opened by @dev |");
  expect(rows.at(-1)).toBe("| 2024-05-01 10:50 | Merged by @lead as `bbbbbbb` |");
  expect(rows.at(-2)).toMatch(/^\| … \| \d+ more events: see the pull request \|$/);
  expect(section(body, "Action items")).toContain("permanent fix");
});
