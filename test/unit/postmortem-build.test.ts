import nock from "nock";
import {
  actorName,
  approvalEvents,
  buildPostmortem,
  hotfixLabeledAt,
  quorumAt,
  requiredChecksGreen,
  revertEntries,
} from "../../src/postmortem/build-postmortem.js";
import type { HistoryComment, LabelEvent } from "../../src/postmortem/history.js";
import { isSeverityLabel } from "../../src/postmortem/severity-labels.js";
import { daysBetween, dueDate, formatDuration, formatUtc } from "../../src/postmortem/time.js";
import type { ApprovalsRecord } from "../../src/governance/approvals/evaluate-approvals.js";
import { command, HEAD, history, input, label, MERGED, recordOf } from "./postmortem-fixtures.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

describe("hotfixLabeledAt: the label in effect at merge", () => {
  test.each<[string, LabelEvent[], { at: string | null; afterMerge: boolean }]>([
    ["one label before merge", [label("labeled", "2024-05-01T10:05:00Z")], { at: "2024-05-01T10:05:00Z", afterMerge: false }],
    [
      "removed and added again: the last addition counts",
      [label("labeled", "2024-05-01T10:01:00Z"), label("unlabeled", "2024-05-01T10:02:00Z"), label("labeled", "2024-05-01T10:30:00Z")],
      { at: "2024-05-01T10:30:00Z", afterMerge: false },
    ],
    ["added after the merge", [label("labeled", "2024-05-01T11:00:00Z")], { at: "2024-05-01T11:00:00Z", afterMerge: true }],
    ["other labels only", [label("labeled", "2024-05-01T10:05:00Z", "sev1")], { at: null, afterMerge: false }],
    ["case-insensitive name", [label("labeled", "2024-05-01T10:05:00Z", "HotFix")], { at: "2024-05-01T10:05:00Z", afterMerge: false }],
    ["no record", [], { at: null, afterMerge: false }],
  ])("%s", (_name, events, expected) => {
    expect(hotfixLabeledAt(events, "hotfix", MERGED)).toEqual(expected);
  });
});

describe("approvalEvents: the approvals as the check recorded them, in order", () => {
  const at = (minute: number) => `2024-05-01T10:${String(minute).padStart(2, "0")}:00Z`;
  const counted = recordOf([["lead", at(20)]]);

  test.each<[string, HistoryComment[], ApprovalsRecord | null, string[]]>([
    ["an approval the check counted", [command("lead", "/approve-emergency ok", at(20))], counted, ["approval lead"]],
    ["a command the check refused (not authorized) is no approval, whatever reactions it has", [command("eve", "/approve-emergency", at(20))], recordOf([], [["eve", at(20), "not_authorized"]]), []],
    ["a command the record does not hold (a 👍 someone else left) is no approval", [command("eve", "/approve-emergency", at(20))], counted, []],
    ["the same person at another time is not the counted command", [command("lead", "/approve-emergency", at(10))], counted, []],
    ["no record (the check never judged the head): no approvals", [command("lead", "/approve-emergency", at(20))], null, []],
    ["the app's own comments are not commands", [command("lead", "/approve-emergency", at(20), { byApp: true })], counted, []],
    ["a mention inside a sentence is no command", [command("lead", "I will /approve-emergency later", at(20))], counted, []],
    [
      "a revocation withdraws the same person's approval",
      [command("lead", "/approve-emergency", at(20)), command("lead", "/revoke-emergency", at(25))],
      counted,
      ["approval lead", "revocation lead"],
    ],
    ["a revocation without an approval is nothing", [command("lead", "/revoke-emergency", at(25))], counted, []],
    ["after the merge: changed nothing", [command("lead", "/approve-emergency", "2024-05-01T11:00:00Z")], recordOf([["lead", "2024-05-01T11:00:00Z"]]), []],
  ])("%s", (_name, comments, record, expected) => {
    expect(approvalEvents(comments, MERGED, record).map((event) => `${event.kind} ${event.login}`)).toEqual(expected);
  });

  test("approvals that stopped counting are shown with the check's reason and do not count", () => {
    const events = approvalEvents(
      [
        command("lead", "/approve-emergency", "2024-05-01T10:00:30Z"),
        command("ops", "/approve-emergency", at(20), { kind: "review", commitSha: "c".repeat(40) }),
        command("dba", "/approve-emergency", at(25)),
        command("sre", "/approve-emergency", at(30)),
      ],
      MERGED,
      recordOf([["sre", at(30)]], [["lead", "2024-05-01T10:00:30Z", "stale"], ["ops", at(20), "stale"], ["dba", at(25), "base_changed"]]),
    );
    expect(events.map((event) => [event.login, event.stale ?? null])).toEqual([
      ["lead", "given before the head commit was pushed, or on an earlier commit"],
      ["ops", "given before the head commit was pushed, or on an earlier commit"],
      ["dba", "given before the base branch was changed"],
      ["sre", null],
    ]);
    expect(quorumAt(events, 1)).toBe(at(30));
  });

  test("the postmortem's approvers are the check's counted ones", () => {
    const pm = buildPostmortem(input({ history: history({ comments: [command("lead", "/approve-emergency", "2024-05-01T10:20:00Z"), command("eve", "/approve-emergency", "2024-05-01T10:21:00Z")] }) }));
    expect(pm.approvers).toEqual(["lead"]);
    const none = buildPostmortem(input({ history: history({ approvalsRecord: null }) }));
    expect(none.approvers).toEqual([]);
    expect(none.approvalNote).toContain("recorded no approvals on the merged head commit");
  });

  test("quorum: when the required number of approvals came to stand together and held until the merge", () => {
    const record = recordOf([["b", at(12)], ["c", at(15)]], []);
    const events = approvalEvents(
      [
        command("a", "/approve-emergency", at(10)),
        command("a", "/revoke-emergency", at(11)),
        command("b", "/approve-emergency", at(12)),
        command("c", "/approve-emergency", at(15)),
      ],
      MERGED,
      { ...record, not_counted: [{ login: "a", commit: HEAD, at: at(10), reason: "revoked" }] },
    );
    expect(quorumAt(events, 2)).toBe(at(15));
    expect(quorumAt(events, 1)).toBe(at(12)); // a's approval at 10:10 was withdrawn; b's held
    const lost = approvalEvents(
      [command("b", "/approve-emergency", at(12)), command("c", "/approve-emergency", at(15)), command("c", "/revoke-emergency", at(40))],
      MERGED,
      record,
    );
    expect(quorumAt(lost, 2)).toBeNull(); // reached at 10:15, lost at 10:40: it did not hold at the merge
    expect(quorumAt(events, 3)).toBeNull();
    expect(quorumAt(events, 0)).toBeNull();
  });
});

describe("requiredChecksGreen", () => {
  const check = (name: string, conclusion: string | null, completedAt: string | null) =>
    ({ name, kind: "check_run", status: conclusion ? "completed" : "pending", conclusion, completedAt }) as const;

  test("the latest completion of the required checks, when all succeeded", () => {
    expect(requiredChecksGreen([check("ci", "success", "2024-05-01T10:30:00Z"), check("lint", "success", "2024-05-01T10:40:00Z"), check("other", "failure", null)], ["ci", "lint"])).toEqual({
      at: "2024-05-01T10:40:00Z",
      notGreen: [],
    });
  });
  test("names the ones that were not green", () => {
    expect(requiredChecksGreen([check("ci", "failure", "2024-05-01T10:30:00Z")], ["ci", "lint"])).toEqual({ at: null, notGreen: ["ci", "lint"] });
  });
  test("none required: nothing to say", () => {
    expect(requiredChecksGreen([], [])).toEqual({ at: null, notGreen: [] });
  });
});

describe("time", () => {
  test.each([
    ["2024-05-01T10:50:00Z", 5, "2024-05-06"],
    ["2024-05-01T23:59:59Z", 5, "2024-05-06"],
    ["2024-02-27T12:00:00Z", 3, "2024-03-01"],
    ["2024-12-30T00:00:00Z", 2, "2025-01-01"],
    ["2024-05-01T10:50:00+09:00", 0, "2024-05-01"],
  ])("due date of a merge at %s plus %d days is %s (UTC)", (mergedAt, days, expected) => {
    expect(dueDate(mergedAt, days)).toBe(expected);
  });

  test.each([
    [0, "0 s"],
    [59, "59 s"],
    [60, "1 min"],
    [45 * 60, "45 min"],
    [3 * 3600 + 5 * 60, "3 h 05 min"],
    [2 * 86400 + 4 * 3600 + 59, "2 d 4 h"],
  ])("%d seconds read %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test("UTC whatever the offset of the input", () => {
    expect(formatUtc("2024-05-01T12:34:56+02:00")).toBe("2024-05-01 10:34 UTC");
    expect(daysBetween("2024-05-06", "2024-05-08")).toBe(2);
  });
});

test.each([
  ["sev1", true],
  ["sev-2", true],
  ["SEV 3", true],
  ["severity:high", true],
  ["severity/critical", true],
  ["P0", true],
  ["priority: p1", true],
  ["priority-high", true],
  ["several", false],
  ["p5", false],
  ["hotfix", false],
  ["perf", false],
])("severity label %s: %s", (name, expected) => {
  expect(isSeverityLabel(name)).toBe(expected);
});

describe("buildPostmortem", () => {
  test("durations from the label in effect, the first approval, quorum and merge; due date; labels", () => {
    const pm = buildPostmortem(input({}, { postmortem: { labels: ["postmortem", "SEV1"] } }));
    expect(pm.title).toBe("Postmortem: Fix checkout crash (#12)");
    expect(pm.durations).toEqual({ labelToFirstApproval: 15 * 60, labelToQuorum: 15 * 60, labelToMerge: 45 * 60, openedToMerge: 50 * 60 });
    expect(pm.dueDate).toBe("2024-05-06");
    expect(pm.labels).toEqual(["postmortem", "SEV1"]);
    expect(pm.severity).toEqual(["sev1"]);
    expect(pm.incident).toBe("INC-42 checkout down");
    expect(pm.approvers).toEqual(["lead"]);
    expect(pm.mergeCommitUrl).toBe(`https://github.com/acme/shop/commit/${"b".repeat(40)}`);
    expect(pm.timeline.map((entry) => entry.kind)).toEqual(["opened", "labeled", "approval", "merged"]);
  });

  test("the incident comes from `body.incident_pattern` when configured", () => {
    expect(buildPostmortem(input({}, { body: { incident_pattern: "INC-\\d+" } })).incident).toBe("INC-42");
    expect(buildPostmortem(input({ history: history({ body: "no sections" }) })).incident).toBeNull();
  });

  test("required checks green is on the timeline; checks not green at merge become an action item", () => {
    const checks = [{ name: "ci", kind: "check_run" as const, status: "completed" as const, conclusion: "success", completedAt: "2024-05-01T10:40:00Z" }];
    const green = buildPostmortem(input({ history: history({ headChecks: checks }) }, { required_checks: ["ci"] }));
    expect(green.timeline.find((entry) => entry.kind === "checks_green")).toEqual({ at: "2024-05-01T10:40:00Z", kind: "checks_green", text: "Required checks green: `ci`" });
    const red = buildPostmortem(input({ history: history({ headChecks: [] }) }, { required_checks: ["ci"] }));
    expect(red.actionItems).toContain("Confirm the required checks `ci` pass: they were not green at merge");
  });

  test("actor names: people are mentioned, bots are not", () => {
    expect(actorName({ login: "lead", isBot: false })).toBe("@lead");
    expect(actorName({ login: "github-merge-queue", isBot: true })).toBe("github-merge-queue[bot]");
    expect(actorName({ login: "renovate[bot]", isBot: true })).toBe("renovate[bot]");
    expect(actorName(null)).toBe("a deleted account");
  });
});

describe("revertEntries: the app's revert of the hotfix, from the PRs that mention it", () => {
  const OPENED = "2024-05-02T09:01:00Z";
  const revertPull = (extra: Record<string, unknown> = {}) => ({
    number: 20,
    url: "https://github.com/acme/shop/pull/20",
    body: "Reverts #12\n\nReason: broken\n\n<!-- hotfix-governance:revert:12 -->",
    headRefName: "revert/12",
    createdAt: OPENED,
    mergedAt: null as string | null,
    byApp: true,
    ...extra,
  });
  const order = command("ops", "/revert-emergency still broken", "2024-05-02T09:00:00Z");
  test.each<[string, Parameters<typeof history>[0], string[]]>([
    ["opened and merged, on an accepted order", { referencingPullRequests: [revertPull({ mergedAt: "2024-05-02T09:30:00Z" })], comments: [order] }, [
      "Revert #20 opened by the app on the order of @ops at 2024-05-02 09:00 UTC ([command](https://github.com/acme/shop/pull/1#issuecomment-2024-05-02T09:00:00Z)); reason: still broken",
      "Revert #20 merged: #12 is reverted",
    ]],
    ["a refused order (no 👍) is not who ordered it", { referencingPullRequests: [revertPull()], comments: [{ ...order, appReactions: ["THUMBS_DOWN"] }] }, ["Revert #20 opened by the app"]],
    ["an order after the revert was opened is a repeat", { referencingPullRequests: [revertPull()], comments: [{ ...order, createdAt: "2024-05-02T10:00:00Z" }] }, ["Revert #20 opened by the app"]],
    ["without a reason", { referencingPullRequests: [revertPull()], comments: [{ ...order, body: "/revert-emergency" }] }, [
      "Revert #20 opened by the app on the order of @ops at 2024-05-02 09:00 UTC ([command](https://github.com/acme/shop/pull/1#issuecomment-2024-05-02T09:00:00Z)); no reason given",
    ]],
    ["a PR someone else opened", { referencingPullRequests: [revertPull({ byApp: false })], comments: [order] }, []],
    ["the app's PR of another branch (a backport)", { referencingPullRequests: [revertPull({ headRefName: "backport/12-to-release/1.0" })], comments: [order] }, []],
    ["the revert of another PR", { referencingPullRequests: [revertPull({ headRefName: "revert/13", body: "Reverts #13 <!-- hotfix-governance:revert:13 -->" })], comments: [order] }, []],
    ["history read without the PRs that mention it", { comments: [order] }, []],
  ])("%s", (_name, extra, texts) => {
    expect(revertEntries(history(extra)).map((entry) => entry.text)).toEqual(texts);
  });

  test("the timeline has them in time order, after the merge", () => {
    const pm = buildPostmortem(input({ history: history({ referencingPullRequests: [revertPull({ mergedAt: "2024-05-02T09:30:00Z" })], comments: [command("lead", "/approve-emergency", "2024-05-01T10:20:00Z"), order] }) }));
    expect(pm.timeline.slice(-2).map((entry) => [entry.at, entry.kind])).toEqual([[OPENED, "revert_opened"], ["2024-05-02T09:30:00Z", "revert_merged"]]);
  });
});
