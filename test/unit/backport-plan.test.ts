import { parseBackportCommands } from "../../src/backport/command.js";
import { backportBody, backportTitle, cherryPickMessage, manualCommands, shellQuote, temporaryCommitMessage } from "../../src/backport/messages.js";
import { backportBranch, isBackportCommitOf, leftoverTemporaryBranches, revertTempBranch, staleTempBranches, tempBranch, tempBranchPrefix } from "../../src/backport/naming.js";
import { revertTemporaryMessage } from "../../src/backport/revert-messages.js";
import { decideTarget, type TargetState } from "../../src/backport/plan.js";
import { commandTargets, isValidBranchName, mergeTargets } from "../../src/backport/targets.js";
import { HotfixConfig } from "../../src/config/schema.js";

const config = (backport: Record<string, unknown> = {}) => HotfixConfig.parse({ backport });

describe("mergeTargets", () => {
  test.each([
    { name: "configured targets minus the PR's own base", backport: { targets: ["release/1.0", "main"], forward_port_to_default: false }, labels: [], base: "main", targets: ["release/1.0"] },
    { name: "a hotfix into a release branch is forward-ported to the default branch", backport: {}, labels: [], base: "release/1.0", targets: ["main"] },
    { name: "no forward-port into the default branch itself", backport: {}, labels: [], base: "main", targets: [] },
    { name: "forward_port_to_default: false", backport: { forward_port_to_default: false }, labels: [], base: "release/1.0", targets: [] },
    { name: "labels with the prefix add targets (case of the prefix ignored), once each", backport: { targets: ["release/1.1"] }, labels: ["hotfix", "backport release/1.1", "Backport release/0.9", "backport"], base: "release/1.2", targets: ["release/1.1", "main", "release/0.9"] },
    { name: "a custom prefix", backport: { label_prefix: "port-to:" }, labels: ["port-to:stable", "backport release/1.0"], base: "main", targets: ["stable"] },
  ])("$name", ({ backport, labels, base, targets }) => {
    expect(mergeTargets({ config: config(backport), labels, baseRef: base, defaultBranch: "main" }).targets).toEqual(targets);
  });

  test("invalid names from labels are reported, never used", () => {
    const plan = mergeTargets({ config: config({ forward_port_to_default: false }), labels: ["backport rel;rm -rf ~", "backport ok/1"], baseRef: "main", defaultBranch: "main" });
    expect(plan.targets).toEqual(["ok/1"]);
    expect(plan.ignored).toEqual([{ name: "rel;rm -rf ~", why: "not a valid branch name" }]);
  });
});

test("commandTargets drops the base and invalid names", () => {
  expect(commandTargets(["release/1.0", "main", "a..b", "release/1.0"], "main")).toEqual({
    targets: ["release/1.0"],
    ignored: [
      { name: "main", why: "the pull request was merged into it" },
      { name: "a..b", why: "not a valid branch name" },
    ],
  });
});

test.each([
  ["main", true],
  ["release/1.2", true],
  ["feature/x_y-z", true],
  ["", false],
  ["a..b", false],
  ["-rf", false],
  ["a b", false],
  ["a~1", false],
  ["x.lock", false],
  ["/abs", false],
  ["trailing/", false],
  ["a//b", false],
  ["a/.hidden", false],
  ["has:colon", false],
])("isValidBranchName(%p) = %p", (name, valid) => {
  expect(isValidBranchName(name)).toBe(valid);
});

describe("decideTarget", () => {
  const tip = "t".repeat(40);
  const side = { commit: "h".repeat(40), tree: "e".repeat(40), workflows: null, entries: new Map() };
  const base: TargetState = { target: "release/1.0", head: { oid: "h".repeat(40), tree: "e".repeat(40) }, pullRequests: [], branch: null, requiresSignatures: false, side };
  const pull = { number: 9, url: "https://github.com/acme/shop/pull/9", state: "OPEN" as const, baseRefName: "release/1.0", isCrossRepository: false, authorIsBot: true, labels: ["backport"] };
  test.each([
    { name: "nothing yet: port", state: base, expected: { kind: "port", head: base.head, side } },
    { name: "the target is missing", state: { ...base, head: null }, expected: { kind: "missing_branch" } },
    { name: "an existing backport PR wins, even merged with its branch deleted", state: { ...base, head: null, pullRequests: [{ ...pull, state: "MERGED" as const }] }, expected: { kind: "exists", pullRequest: { number: 9, url: pull.url }, missingLabels: [] } },
    { name: "the app's open PR without its labels gets them", state: { ...base, pullRequests: [{ ...pull, labels: [] }] }, expected: { kind: "exists", pullRequest: { number: 9, url: pull.url }, missingLabels: ["backport"] } },
    { name: "a PR from a fork with the same branch name is not ours", state: { ...base, pullRequests: [{ ...pull, isCrossRepository: true }] }, expected: { kind: "port", head: base.head, side } },
    { name: "an earlier attempt's branch: open its PR", state: { ...base, branch: { oid: "b".repeat(40), message: `Fix\n\n(cherry picked from commit ${tip})\n` } }, expected: { kind: "open_pull_request", branchHead: "b".repeat(40) } },
    { name: "someone else's branch of that name is left alone", state: { ...base, branch: { oid: "b".repeat(40), message: "wip" } }, expected: { kind: "foreign_branch", branchHead: "b".repeat(40) } },
  ])("$name", ({ state, expected }) => {
    expect(decideTarget(state, (message) => isBackportCommitOf(message, tip), ["backport"])).toEqual(expected);
  });
});

describe("names", () => {
  test("branches and markers", () => {
    expect(backportBranch(42, "release/1.2")).toBe("backport/42-to-release/1.2");
    expect(tempBranch(42, new Date(1_000), "abcd")).toBe("hotfix-governance/tmp/backport-42/1000-abcd");
    expect(isBackportCommitOf("Fix (#42)\n\n(cherry picked from commit abc)\n", "abc")).toBe(true);
    expect(isBackportCommitOf("Fix (#42)\n\n(cherry picked from commit abc)\n\nCo-authored-by: Dev <dev@example.com>\n", "abc")).toBe(true);
    expect(isBackportCommitOf("Fix (#42)\n\nsee (cherry picked from commit abc) elsewhere", "abc")).toBe(false);
  });

  test("only temporary branches of attempts older than 15 minutes are stale", () => {
    const now = new Date(Date.UTC(2024, 0, 1, 12));
    const fresh = tempBranch(7, new Date(now.getTime() - 60_000), "a1");
    const old = tempBranch(7, new Date(now.getTime() - 16 * 60_000), "b2");
    const otherPr = tempBranch(70, new Date(0), "c3");
    expect(staleTempBranches([fresh, old, otherPr, `${tempBranchPrefix(7)}garbage`], 7, now)).toEqual([old, `${tempBranchPrefix(7)}garbage`]);
  });
});

describe("leftoverTemporaryBranches: what the sweep deletes", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const ours = temporaryCommitMessage(7, "release/1.0");
  test.each<[string, { name: string; committedAt: string | null; message: string }, boolean]>([
    ["a backport's, name and commit 20 minutes old", { name: tempBranch(7, ago(20), "a1"), committedAt: ago(20).toISOString(), message: ours }, true],
    ["a revert's, as old", { name: revertTempBranch(7, ago(20), "a1"), committedAt: ago(20).toISOString(), message: revertTemporaryMessage(7) }, true],
    ["a port in progress: both 1 minute old", { name: tempBranch(7, ago(1), "a1"), committedAt: ago(1).toISOString(), message: ours }, false],
    ["an old name on a fresh commit (a clock behind): kept", { name: tempBranch(7, ago(60), "a1"), committedAt: ago(2).toISOString(), message: ours }, false],
    ["a fresh name on an old commit (a clock ahead): kept", { name: tempBranch(7, ago(2), "a1"), committedAt: ago(60).toISOString(), message: ours }, false],
    ["no start time in the name: kept", { name: `${tempBranchPrefix(7)}garbage`, committedAt: ago(60).toISOString(), message: ours }, false],
    ["no commit date: kept", { name: tempBranch(7, ago(60), "a1"), committedAt: null, message: ours }, false],
    ["someone else's commit under the prefix: kept", { name: tempBranch(7, ago(60), "a1"), committedAt: ago(60).toISOString(), message: "wip" }, false],
    ["outside the app's root: kept", { name: `backport/7-to-release/1.0`, committedAt: ago(60).toISOString(), message: ours }, false],
  ])("%s", (_name, branch, deleted) => {
    expect(leftoverTemporaryBranches([branch], now)).toEqual(deleted ? [branch.name] : []);
  });
});

describe("texts", () => {
  const pr = { number: 4, title: "Fix checkout", url: "https://github.com/acme/shop/pull/4", baseRef: "main" };
  const squash = { method: "squash" as const, parent: "p".repeat(40), tip: "abcdef1".padEnd(40, "0"), commits: 1 };

  test("title and body", () => {
    expect(backportTitle("release/1.0", pr.title)).toBe("[Backport release/1.0] Fix checkout");
    const body = backportBody(pr, "release/1.0", squash);
    expect(body.startsWith("Backport of #4")).toBe(true);
    expect(body).toContain("https://github.com/acme/shop/pull/4");
    expect(body).toContain(`https://github.com/acme/shop/commit/${squash.tip}`);
  });

  test.each([
    { name: "squash keeps its message", change: squash, expected: `Fix checkout (#4)\n\n* a\n\n(cherry picked from commit ${squash.tip})\n` },
    { name: "merge commit: the PR's title", change: { ...squash, method: "merge" as const }, expected: `Fix checkout (#4)\n\n(cherry picked from commit ${squash.tip})\n` },
    { name: "rebase: the title and every subject", change: { ...squash, method: "rebase" as const, commits: 2 }, expected: `Fix checkout (#4)\n\n* one\n* two\n\n(cherry picked from commit ${squash.tip})\n` },
  ])("commit message: $name", ({ change, expected }) => {
    expect(cherryPickMessage({ pr, change, mergeMessage: "Fix checkout (#4)\n\n* a\n", commitMessages: ["one\n\nbody", "two"] })).toBe(expected);
  });

  test("manual commands pick the change the way it was merged, quoting odd names", () => {
    expect(manualCommands(pr, "release/1.0", squash).split("\n")).toEqual([
      "git fetch origin release/1.0 main",
      "git checkout -b backport/4-to-release/1.0 origin/release/1.0",
      `git cherry-pick -x ${squash.tip}`,
      "git push origin backport/4-to-release/1.0",
    ]);
    expect(manualCommands(pr, "rel", { ...squash, method: "merge" })).toContain(`git cherry-pick -x -m 1 ${squash.tip}`);
    expect(manualCommands(pr, "rel", { ...squash, method: "rebase", commits: 3 })).toContain(`git cherry-pick -x ${squash.parent}..${squash.tip}`);
    expect(shellQuote("it's$x")).toBe(`'it'\\''s$x'`);
    expect(shellQuote("release/1.0")).toBe("release/1.0");
  });
});

describe("parseBackportCommands", () => {
  test.each([
    { body: "/backport release/1.0 release/0.9", expected: [["release/1.0", "release/0.9"]] },
    { body: "  /BACKPORT main", expected: [["main"]] },
    { body: "please\n/backport a\n/backport b", expected: [["a"], ["b"]] },
    { body: "/backport", expected: [[]] },
    { body: "/backports main", expected: [] },
    { body: "we should /backport main", expected: [] },
    { body: "> /backport main", expected: [] },
    { body: "```\n/backport main\n```", expected: [] },
    { body: "    /backport main", expected: [] },
    { body: "`/backport main`", expected: [] },
  ])("$body", ({ body, expected }) => {
    expect(parseBackportCommands(body).map((command) => command.branches)).toEqual(expected);
  });
});
