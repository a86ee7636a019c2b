import { defaultConfig, HotfixConfig } from "../../src/config/schema.js";
import { approverPolicy } from "../../src/governance/approvals/policy.js";
import { parseMergeCommand } from "../../src/governance/merge/command.js";
import { commitMessage, fastTrackNote, mergeRecord } from "../../src/governance/merge/messages.js";
import { mergeReadiness } from "../../src/governance/merge/readiness.js";
import { adviceFor, describeRefusal } from "../../src/governance/merge/refusals.js";
import {
  candidateReviews,
  dueAt,
  isReviewDone,
  readReviewDue,
  reviewDoneMarker,
  reviewDueMarker,
  reviewersToMention,
} from "../../src/governance/merge/review-after-merge.js";
import { pass, pending } from "../../src/governance/rule-result.js";
import { buildPostmortem } from "../../src/postmortem/build-postmortem.js";
import { renderDefaultBody } from "../../src/postmortem/render-postmortem.js";
import { command, history, input } from "./postmortem-fixtures.js";

describe("parseMergeCommand", () => {
  test.each([
    ["/merge-emergency", { reason: null, text: "/merge-emergency" }],
    ["  /MERGE-EMERGENCY checkout is down  ", { reason: "checkout is down", text: "/MERGE-EMERGENCY checkout is down" }],
    ["Green now.\n/merge-emergency INC-42", { reason: "INC-42", line: 2 }],
    ["/merge-emergency first\n/merge-emergency second", { reason: "first", line: 1 }],
  ])("%j is a command", (body, expected) => {
    expect(parseMergeCommand(body)).toMatchObject(expected);
  });

  test.each([
    ["please /merge-emergency"],
    ["> /merge-emergency"],
    ["```\n/merge-emergency\n```"],
    ["`/merge-emergency`"],
    ["/merge-emergencyy"],
    ["/merge-emergenc\u212A"],
    [""],
  ])("%j is not a command", (body) => {
    expect(parseMergeCommand(body)).toBeNull();
  });
});

describe("mergeReadiness", () => {
  const base = { number: 7, state: "OPEN" as const, isDraft: false, isHotfix: true, label: "hotfix", outcome: "success" as const, results: [], headSha: "a".repeat(40) };
  test.each([
    [{}, true, null],
    [{ state: "MERGED" as const }, false, "merged"],
    [{ state: "CLOSED" as const }, false, "closed"],
    [{ isDraft: true }, false, "draft"],
    [{ isHotfix: false }, false, "not_hotfix"],
    [{ outcome: "in_progress" as const, results: [pass("scope", "Scope", "ok"), pending("approvals", "Emergency approvals", "0 of 1")] }, false, "not_green"],
    [{ outcome: null }, false, "not_green"],
  ])("%j → ready %s (%s)", (change, ready, reason) => {
    const readiness = mergeReadiness({ ...base, ...change });
    expect(readiness.ready).toBe(ready);
    if (!readiness.ready) expect(readiness.reason).toBe(reason);
  });

  test("not green lists only what is missing", () => {
    const readiness = mergeReadiness({ ...base, outcome: "in_progress", results: [pass("scope", "Scope", "ok"), pending("approvals", "Emergency approvals", "0 of 1")] });
    expect(readiness.ready || readiness.why).toBe("the `Hotfix governance` check on aaaaaaa is still waiting. Still missing:\n\n- ⏳ Emergency approvals: 0 of 1");
  });
});

describe("GitHub's refusals and what to configure", () => {
  test.each([
    [405, "Repository rule violations found\n\nAt least 1 approving review is required by reviewers with write access.\n\n", /mode "Always allow".*`bypass_pull_request_allowances\.apps`/s],
    [405, "At least 2 approving reviews are required by reviewers with write access.", /Bypass list → Add bypass/],
    [405, 'Required status check "ci" is expected.', /skips the review requirement only: the required status checks must pass first/],
    [405, "Squash merges are not allowed on this repository.", /Allow the `squash` method/],
    [405, "Pull Request is not mergeable", /resolve the conflicts/],
    [405, "Pull Request is still a draft", /ready for review/],
    [409, "Head branch was modified. Review and try the merge again.", /A push arrived after the verdict/],
    [422, "Invalid request.", /was invalid/],
  ])("%i %j", (status, message, advice) => {
    expect(adviceFor({ status, message }, "squash")).toMatch(advice);
  });

  test("GitHub's words are quoted on one line", () => {
    expect(describeRefusal({ status: 405, message: "Repository rule violations found\n\nAt least 1 approving review is required by reviewers with write access.\n\n" }, "squash")).toContain(
      '(405): "Repository rule violations found — At least 1 approving review is required by reviewers with write access.".',
    );
  });
});

describe("the merge record", () => {
  const record = mergeRecord({
    order: { kind: "command", login: "dev", reason: "checkout down", commentUrl: "https://github.com/acme/shop/pull/7#issuecomment-9" },
    headSha: "b".repeat(40),
    approvals: [{ login: "lead", commitSha: "b".repeat(40), at: "2026-11-30T10:05:00.000Z" }],
    number: 7,
  });

  test("says who ordered it, why, on which verdict and which approvals (login, commit, time)", () => {
    expect(record).toEqual(expect.arrayContaining(["Fast-track merged by hotfix-governance on behalf of @dev", "Reason: checkout down", `- @lead on ${"b".repeat(40)} at 2026-11-30 10:05:00 UTC`]));
  });

  test("squash and merge commits carry it (logins not mentioned in git); a rebase has no commit of its own", () => {
    expect(commitMessage("squash", record)).toContain(`- lead on ${"b".repeat(40)}`);
    expect(commitMessage("merge", record)).toContain("on behalf of @dev");
    expect(commitMessage("rebase", record)).toBeUndefined();
  });
});

describe("fastTrackNote", () => {
  const config = (merge: object) => HotfixConfig.parse({ approvals: { users: ["lead"] }, merge });
  test.each([
    [{}, /once this check passes, the author \(`dev`\) or `lead`.* may comment `\/merge-emergency <reason>`.*\(`squash`\).*within 24 h/],
    [{ auto: true }, /`merge\.auto` is on: the app merges this pull request \(`squash`\) as soon as this check passes/],
    [{ method: "rebase" }, /\(`rebase`\)/],
  ])("%j", (merge, text) => {
    const settings = config(merge);
    expect(fastTrackNote(settings, approverPolicy(settings, "acme"), "dev")).toMatch(text);
  });

  test("off when neither the command nor auto mode is on", () => {
    const settings = config({ command: false });
    expect(fastTrackNote(settings, approverPolicy(settings, "acme"), "dev")).toBeNull();
  });
});

describe("review after merge", () => {
  const review = (login: string, state: string, isBot = false) => ({ kind: "review" as const, id: 1, author: { login, isBot }, body: "", createdAt: "2026-11-30T10:00:00Z", lastEditedAt: null, commitSha: null, state });
  const makers = { author: "dev", committers: ["dev", "pair"], pushers: [] };

  test("only APPROVED reviews of people other than the author and committers are candidates", () => {
    const reviews = [review("dev", "APPROVED"), review("pair", "APPROVED"), review("ops", "COMMENTED"), review("ops", "CHANGES_REQUESTED"), review("ci[bot]", "APPROVED", true), review("lead", "APPROVED")];
    expect(candidateReviews(reviews, makers).map((candidate) => candidate.author!.login)).toEqual(["lead"]);
  });

  test("the deadline is within_hours after the merge, written into and read back from the postmortem body", () => {
    const due = dueAt("2026-11-30T10:10:00Z", 24);
    expect(due).toBe("2026-12-01T10:10:00.000Z");
    expect(readReviewDue(`x\n${reviewDueMarker(7, due)}\ny`)).toEqual({ pr: 7, dueAt: due });
    expect(readReviewDue("<!-- hotfix-governance:review-after-merge-due pr=7 at=soon -->")).toBeNull();
    expect(isReviewDone([reviewDoneMarker(7)], 7)).toBe(true);
    expect(isReviewDone([reviewDoneMarker(71)], 7)).toBe(false);
  });

  test("the approvers are mentioned, never the PR's makers", () => {
    const settings = { ...defaultConfig(), approvals: { ...defaultConfig().approvals, users: ["dev", "lead"], teams: ["sre"] } };
    expect(reviewersToMention(approverPolicy(settings, "acme"), makers)).toEqual(["@lead", "@acme/sre"]);
  });
});

describe("the postmortem of a fast-tracked hotfix", () => {
  const bot = { login: "hotfix-governance", isBot: true };
  const merged = (pm: ReturnType<typeof buildPostmortem>) => pm.timeline.find((entry) => entry.kind === "merged")!.text;

  test.each([
    ["the app merged on an accepted /merge-emergency", { mergedBy: bot, comments: [command("lead", "/approve-emergency", "2024-05-01T10:20:00Z"), command("dev", "/merge-emergency down", "2024-05-01T10:40:00Z")] }, {}, /^Fast-track merged by the app on behalf of @dev \(\[command\]\(/],
    ["a refused command is not what merged it", { mergedBy: bot, comments: [command("eve", "/merge-emergency", "2024-05-01T10:40:00Z", { appReactions: ["THUMBS_DOWN"] })] }, {}, /^Merged by hotfix-governance\[bot\]/],
    ["merge.auto: the app merged on no command", { mergedBy: bot }, { merge: { auto: true } }, /^Fast-track merged by the app \(`merge\.auto`\)/],
    ["a person merged it", {}, {}, /^Merged by @lead/],
  ])("%s", (_name, change, config, text) => {
    expect(merged(buildPostmortem(input({ history: history(change) }, config)))).toMatch(text);
  });

  test("a review after merge still due is an action item and a deadline marker in the body", () => {
    const pm = buildPostmortem(input({ reviewAfterMerge: { dueAt: "2024-05-02T10:50:00.000Z" } }));
    expect(pm.actionItems).toContain("Review #12 after the merge: it was merged without an approving review (due 2024-05-02 10:50 UTC)");
    expect(readReviewDue(renderDefaultBody(pm))).toEqual({ pr: 12, dueAt: "2024-05-02T10:50:00.000Z" });
    expect(readReviewDue(renderDefaultBody(buildPostmortem(input())))).toBeNull();
  });
});
