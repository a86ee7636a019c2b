import nock from "nock";
import { HotfixConfig } from "../../src/config/schema.js";
import { grantOf, nextLookup, roleAtLeast, type PersonAccess } from "../../src/governance/approvals/access.js";
import { approverPolicy, describeApprovers, rulePolicy } from "../../src/governance/approvals/policy.js";
import { cachedLookups, gatherAccess, roleFromPermission } from "../../src/github/authorization.js";
import { createMemoryCache } from "../../src/platform/cache.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

const config = (approvals: Record<string, unknown> = {}) => HotfixConfig.parse({ approvals });

describe("approver policies", () => {
  test("plain slugs are teams of the repository's owner; org/slug only when org is the owner (any case)", () => {
    const policy = approverPolicy(config({ teams: ["sre", "ACME/dba", "other/sre", "acme/sre"], users: ["Lead", "lead"] }), "acme");
    expect(policy.teams).toEqual([
      { org: "acme", slug: "sre" },
      { org: "acme", slug: "dba" },
    ]);
    expect(policy.ignoredTeams).toEqual(["other/sre"]);
    expect(policy.users).toEqual(["Lead"]);
  });

  test("a rule without users or teams falls back to the global approvers; otherwise it has no role clause", () => {
    const settings = config({ users: ["lead"], min_permission: "admin" });
    expect(rulePolicy({ paths: ["db/**"], users: [], teams: [], required: 1 }, settings, "acme")).toEqual(approverPolicy(settings, "acme"));
    expect(rulePolicy({ paths: ["db/**"], users: [], teams: ["dba"], required: 1 }, settings, "acme")).toEqual({
      users: [],
      teams: [{ org: "acme", slug: "dba" }],
      ignoredTeams: [],
      minPermission: null,
    });
  });

  test.each([
    [{ users: ["alice"], min_permission: null }, "`alice`"],
    [{ users: ["alice", "bob"], teams: ["sre"] }, "`alice`, `bob`, members of `@acme/sre` or anyone with the `maintain` role or higher"],
    [{ min_permission: "admin" }, "repository admins"],
    [{ min_permission: null, teams: ["x/y"] }, "no one (no approvers are configured)"],
  ])("describeApprovers(%j)", (approvals, expected) => {
    expect(describeApprovers(approverPolicy(config(approvals), "acme"))).toBe(expected);
  });
});

describe("access decisions", () => {
  const policy = approverPolicy(config({ users: ["lead"], teams: ["sre", "ops"] }), "acme");
  const access = (extra: Partial<PersonAccess>): PersonAccess => ({ teams: {}, ...extra });

  test.each<[string, string, PersonAccess, boolean, string]>([
    ["a listed user", "LEAD", access({}), true, "listed in the approvers"],
    ["a maintainer", "x", access({ role: { name: "maintain", base: "maintain" } }), true, "has the `maintain` role"],
    ["an admin", "x", access({ role: { name: "admin", base: "admin" } }), true, "has the `admin` role"],
    ["a custom role on maintain", "x", access({ role: { name: "release-manager", base: "maintain" } }), true, "has the `release-manager` role (base `maintain`)"],
    ["a writer", "x", access({ role: { name: "write", base: "write" } }), false, "has the `write` role, below `maintain`"],
    ["an active member of the second team", "x", access({ teams: { "acme/sre": "none", "acme/ops": "active" } }), true, "member of `@acme/ops`"],
    ["a pending member", "x", access({ teams: { "acme/sre": "pending" } }), false, "the invitation to `@acme/sre` is still pending"],
    ["an invisible team", "x", access({ teams: { "acme/sre": "unknown" } }), false, "the app could not see the members of `@acme/sre`"],
  ])("%s", (_name, login, person, granted, text) => {
    const grant = grantOf(login, policy, person);
    expect(grant.granted).toBe(granted);
    expect(grant.granted ? grant.via : grant.detail).toContain(text);
  });

  test("look-ups stop as soon as one grants: none for listed users, the role first, then each unknown team", () => {
    expect(nextLookup("lead", policy, access({}))).toBeNull();
    expect(nextLookup("x", policy, access({}))).toEqual({ kind: "role" });
    expect(nextLookup("x", policy, access({ role: { name: "admin", base: "admin" } }))).toBeNull();
    expect(nextLookup("x", policy, access({ role: { name: "read", base: "read" } }))).toEqual({ kind: "team", team: { org: "acme", slug: "sre" } });
    expect(nextLookup("x", policy, access({ role: { name: "read", base: "read" }, teams: { "acme/sre": "pending" } }))).toEqual({
      kind: "team",
      team: { org: "acme", slug: "ops" },
    });
    expect(nextLookup("x", policy, access({ role: { name: "read", base: "read" }, teams: { "acme/sre": "none", "acme/ops": "none" } }))).toBeNull();
  });

  test("roleAtLeast ranks GitHub's base roles", () => {
    expect(roleAtLeast({ name: "maintain", base: "maintain" }, "write")).toBe(true);
    expect(roleAtLeast({ name: "write", base: "write" }, "maintain")).toBe(false);
    expect(roleAtLeast({ name: "triage", base: "triage" }, "write")).toBe(false);
    expect(roleAtLeast(undefined, "write")).toBe(false);
  });
});

describe("roleFromPermission (GET /repos/{owner}/{repo}/collaborators/{username}/permission)", () => {
  test.each<[string, Parameters<typeof roleFromPermission>[0], string, string]>([
    ["maintain is only visible in role_name (permission says write)", { permission: "write", role_name: "maintain" }, "maintain", "maintain"],
    ["triage reads as read in permission", { permission: "read", role_name: "triage" }, "triage", "triage"],
    [
      "a custom role is judged by the permissions hash",
      { permission: "write", role_name: "security-lead", user: { permissions: { admin: false, maintain: true, push: true, triage: true, pull: true } } },
      "security-lead",
      "maintain",
    ],
    ["a custom role without the hash falls back to the legacy permission", { permission: "write", role_name: "release" }, "release", "write"],
    ["no role_name (older GitHub Enterprise): the legacy permission", { permission: "admin" }, "admin", "admin"],
    ["nothing at all", {}, "none", "none"],
  ])("%s", (_name, data, name, base) => {
    expect(roleFromPermission(data)).toEqual({ name, base });
  });
});

describe("the authorization gateway", () => {
  const repo = { owner: "acme", repo: "shop" };
  const httpError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });
  const fakeOctokit = (answers: { role?: (login: string) => unknown; team?: (slug: string, login: string) => unknown }) => {
    const roleCalls: string[] = [];
    const teamCalls: string[] = [];
    const octokit = {
      rest: {
        repos: {
          getCollaboratorPermissionLevel: async ({ username }: { username: string }) => {
            roleCalls.push(username);
            const answer = answers.role?.(username);
            if (answer instanceof Error) throw answer;
            return { data: answer };
          },
        },
        teams: {
          getMembershipForUserInOrg: async ({ team_slug, username }: { team_slug: string; username: string }) => {
            teamCalls.push(`${team_slug}:${username}`);
            const answer = answers.team?.(team_slug, username);
            if (answer instanceof Error) throw answer;
            return { data: answer };
          },
        },
      },
    };
    return { octokit: octokit as any, roleCalls, teamCalls };
  };

  let cache = createMemoryCache();
  beforeEach(() => (cache = createMemoryCache()));

  test("404s mean no role and no membership; 403 means the team could not be seen; both are cached", async () => {
    const { octokit, roleCalls, teamCalls } = fakeOctokit({ role: () => httpError(404), team: (slug) => httpError(slug === "sre" ? 404 : 403) });
    const policy = approverPolicy(config({ teams: ["sre", "ops"] }), "acme");
    const lookups = cachedLookups(octokit, repo, cache);
    const first = await gatherAccess(lookups, [{ login: "Ghost", policies: [policy] }]);
    expect(first.get("ghost")).toEqual({ role: { name: "none", base: "none" }, teams: { "acme/sre": "none", "acme/ops": "unknown" } });
    await gatherAccess(lookups, [{ login: "ghost", policies: [policy] }]);
    expect(roleCalls).toEqual(["Ghost"]);
    expect(teamCalls).toEqual(["sre:Ghost", "ops:Ghost"]);
  });

  test("other errors are thrown (the check fails closed) and never cached", async () => {
    let fail = true;
    const { octokit, roleCalls } = fakeOctokit({ role: () => (fail ? httpError(502) : { permission: "admin", role_name: "admin" }) });
    const lookups = cachedLookups(octokit, repo, cache);
    const policy = approverPolicy(config(), "acme");
    await expect(gatherAccess(lookups, [{ login: "alice", policies: [policy] }])).rejects.toMatchObject({ status: 502 });
    fail = false;
    expect((await gatherAccess(lookups, [{ login: "alice", policies: [policy] }])).get("alice")!.role).toEqual({ name: "admin", base: "admin" });
    expect(roleCalls).toEqual(["alice", "alice"]);
  });

  test("entries expire after their time to live", async () => {
    let now = 0;
    cache = createMemoryCache({ now: () => now });
    const { octokit, roleCalls } = fakeOctokit({ role: () => ({ permission: "admin", role_name: "admin" }) });
    const lookups = cachedLookups(octokit, repo, cache);
    await lookups.role("alice");
    now = 59_000;
    await lookups.role("alice");
    now = 61_000;
    await lookups.role("alice");
    expect(roleCalls).toEqual(["alice", "alice"]);
  });

  test("the memory cache stays bounded", async () => {
    const cache = createMemoryCache({ maxEntries: 2 });
    await cache.set("a", "1", 60);
    await cache.set("b", "2", 60);
    await cache.set("c", "3", 60);
    expect([await cache.get("a"), await cache.get("b"), await cache.get("c")]).toEqual([undefined, "2", "3"]);
    await cache.clear();
    expect(await cache.get("c")).toBeUndefined();
  });
});

