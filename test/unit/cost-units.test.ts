import { parse } from "graphql";
import { Coalescer } from "../../src/platform/coalesce.js";
import { RateBudget } from "../../src/platform/rate-budget.js";
import { groupMembers, mergeGroupCheckOutput, parseMergeGroupRef, type GroupMember } from "../../src/governance/merge-group.js";
import { touchesGithubFolder } from "../../src/handlers/push.js";
import { HotfixConfig } from "../../src/config/schema.js";
import { queryCost } from "../support/simulator/graphql-cost.js";
import { knownCommitPullRequests, rememberCommitPullRequests } from "../../src/flows/commit-pull-requests.js";
import { MemoryCoordination } from "../../src/platform/coordination.js";

describe("what the app remembers about a commit", () => {
  const repo = { owner: "acme", repo: "shop" };
  test("an evaluation's answer wins; a look-up never replaces it (it may have read the labels earlier)", async () => {
    const coordination = new MemoryCoordination();
    await rememberCommitPullRequests(coordination, repo, "abc", [{ number: 5, hotfix: true }]);
    await rememberCommitPullRequests(coordination, repo, "abc", [{ number: 5, hotfix: false }, { number: 6, hotfix: false }], { ifAbsent: true });
    expect(await knownCommitPullRequests(coordination, repo, "abc")).toEqual([{ number: 5, hotfix: true }, { number: 6, hotfix: false }]);
    await rememberCommitPullRequests(coordination, repo, "abc", [{ number: 5, hotfix: false }]);
    expect((await knownCommitPullRequests(coordination, repo, "abc"))![0]).toEqual({ number: 5, hotfix: false });
    expect(await knownCommitPullRequests(coordination, repo, "other")).toBeNull();
  });
});

describe("coalescing evaluations of one PR", () => {
  test("callers waiting together share the next evaluation; one already running is not joined", async () => {
    const coalescer = new Coalescer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const job = (options: { rerun: boolean }) =>
      coalescer.run("pr", options, (a, b) => ({ rerun: a.rerun || b.rerun }), async (started) => {
        await gate; // the lock
        const merged = started();
        runs += 1;
        return merged;
      });
    const first = job({ rerun: false });
    const joined = [job({ rerun: false }), job({ rerun: true })];
    release();
    const results = await Promise.all([first, ...joined]);
    expect(runs).toBe(1); // none had started: all three share one evaluation
    expect(results.every((result) => result.rerun)).toBe(true);
    // Once it has started, a newcomer gets an evaluation of its own.
    let hold!: () => void;
    const running = coalescer.run("pr", 1, (a) => a, async (started) => {
      started();
      await new Promise<void>((resolve) => (hold = resolve));
      return "first";
    });
    await new Promise((resolve) => setImmediate(resolve));
    const later = coalescer.run("pr", 2, (a) => a, async (started) => (started(), "second"));
    hold();
    expect(await running).toBe("first");
    expect(await later).toBe("second");
  });
});

describe("rate-limit budget per installation", () => {
  test.each([
    [{ remaining: "4000", limit: "5000", resource: "core" }, []],
    [{ remaining: "499", limit: "5000", resource: "core" }, ["core"]],
    [{ remaining: "100", limit: "5000", resource: "graphql" }, ["graphql"]],
  ])("%o → low: %o", (headers, low) => {
    const budget = new RateBudget(() => 1000);
    budget.record(7, { "x-ratelimit-remaining": headers.remaining, "x-ratelimit-limit": headers.limit, "x-ratelimit-resource": headers.resource, "x-ratelimit-reset": "4600" });
    expect(budget.low(7).map((state) => state.resource)).toEqual(low);
    expect(budget.low(8)).toEqual([]);
  });

  test("a budget past its reset is not low", () => {
    const budget = new RateBudget(() => 5000);
    budget.record(7, { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000", "x-ratelimit-reset": "4600" });
    expect(budget.low(7)).toEqual([]);
  });
});

describe("merge groups", () => {
  const config = HotfixConfig.parse({});
  const member = (number: number, labels: string[], conclusion: string | null = null, status = "completed"): GroupMember & { position: number | null } => ({
    number,
    labels,
    verdict: conclusion || status !== "completed" ? { status, conclusion, title: "t" } : null,
    position: null,
  });

  test.each([
    ["refs/heads/gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64", { baseBranch: "main", number: 104 }],
    ["refs/heads/gh-readonly-queue/release/1.2/pr-7-929f8209d40f77f4abc622a499c93a83babdbe64", { baseBranch: "release/1.2", number: 7 }],
    ["refs/heads/main", null],
  ])("%s", (ref, expected) => {
    const parsed = parseMergeGroupRef(ref);
    expect(parsed && { baseBranch: parsed.baseBranch, number: parsed.number }).toEqual(expected);
  });

  test("the group holds the named PR and those ahead of it, not those behind", () => {
    const entries = [1, 2, 3].map((number, index) => ({ number, position: index + 1 }));
    expect(groupMembers<{ number: number; position: number | null }>({ number: 2, position: 2 }, entries)!.map((entry) => entry.number)).toEqual([1, 2]);
    expect(groupMembers<{ number: number; position: number | null }>({ number: 9, position: null }, entries)).toBeNull();
  });

  test.each([
    ["no hotfix", [member(1, [])], "success"],
    ["a green hotfix", [member(1, ["hotfix"], "success"), member(2, [])], "success"],
    ["a failing hotfix", [member(1, ["hotfix"], "failure"), member(2, [])], "failure"],
    ["a hotfix still waiting", [member(1, ["Hotfix"], null, "in_progress")], "failure"],
    ["a hotfix with no verdict", [member(1, ["hotfix"])], "failure"],
  ])("%s → %s", (_name, members, conclusion) => {
    const output = mergeGroupCheckOutput(members, config, members.at(-1)!.number);
    expect(output.conclusion).toBe(conclusion);
    if (conclusion === "failure") expect(output.title).toContain("#1");
  });

  test("unknown position fails closed", () => {
    expect(mergeGroupCheckOutput(null, config, 5)).toMatchObject({ conclusion: "failure", title: expect.stringContaining("#5") });
  });
});

describe("the config cache ends on a push touching .github/", () => {
  test.each([
    [[{ modified: [".github/hotfix.yml"] }], true],
    [[{ added: ["src/a.ts"] }, { removed: [".github/postmortem.md"] }], true],
    [[{ modified: ["src/a.ts"] }], false],
    [[], true],
  ])("%j → %s", (commits, expected) => {
    expect(touchesGithubFolder(commits)).toBe(expected);
  });
});

describe("GitHub's GraphQL points", () => {
  test.each([
    ["query { viewer { login } }", {}, 1],
    ["query { repository(owner: \"a\", name: \"b\") { issues(first: 100) { nodes { labels(first: 100) { nodes { name } } } } } }", {}, 1],
    ["query($n: Int!) { search(query: \"x\", type: ISSUE, first: $n) { nodes { ... on Issue { labels(first: 100) { nodes { name } } comments(first: 100) { totalCount } } } } }", { n: 100 }, 2],
  ])("%s", (query, variables, points) => {
    expect(queryCost(parse(query), variables).points).toBe(points);
  });
});
