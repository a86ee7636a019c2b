import { HotfixConfig } from "../../src/config/schema.js";
import type { PersonAccess } from "../../src/governance/approvals/access.js";
import { eligibility, type ChangeMakers, type Order } from "../../src/governance/approvals/eligibility.js";
import { approverPolicy, rulePolicy } from "../../src/governance/approvals/policy.js";

const config = HotfixConfig.parse({ approvals: { users: ["lead"], teams: ["sre"], min_permission: "maintain", rules: [{ paths: ["db/**"], teams: ["dba"] }] } });
const global = { id: "approvals", policy: approverPolicy(config, "acme") };
const dba = { id: "approvals:rule:1", policy: rulePolicy(config.approvals.rules[0], config, "acme"), paths: ["db/**"] };
const makers: ChangeMakers = { author: "dev", committers: ["coauthor", "committer"], pushers: ["pusher"] };
const noAccess: PersonAccess = { teams: {} };
const maintainer: PersonAccess = { role: { name: "maintain", base: "maintain" }, teams: {} };
const writer: PersonAccess = { role: { name: "write", base: "write" }, teams: { "acme/sre": "pending" } };
const sre: PersonAccess = { role: { name: "write", base: "write" }, teams: { "acme/sre": "active" } };
const dbaMember: PersonAccess = { role: { name: "write", base: "write" }, teams: { "acme/sre": "none", "acme/dba": "active" } };

type Row = [string, string | null, boolean, Order, PersonAccess, boolean, string];
// [case, login (null: deleted account), bot, order, access, allowed, reason or via]
const rows: Row[] = [
  ["a listed user", "lead", false, "approve", noAccess, true, "listed in the approvers"],
  ["a maintainer", "maria", false, "approve", maintainer, true, "has the `maintain` role"],
  ["an active team member", "sam", false, "backport", sre, true, "member of `@acme/sre`"],
  ["a path rule's team only", "dana", false, "approve", dbaMember, true, "member of `@acme/dba`"],
  ["a writer with a pending invitation", "bob", false, "approve", writer, false, "not_authorized"],
  ["a deleted account", null, false, "approve", noAccess, false, "unknown_author"],
  ["a bot, even listed", "lead", true, "approve", noAccess, false, "bot"],
  ["a [bot] login", "ci[bot]", false, "merge", maintainer, false, "bot"],
  ["the author approving", "dev", false, "approve", maintainer, false, "author"],
  ["the author ordering the merge of their hotfix", "dev", false, "merge", noAccess, true, "author of the pull request"],
  ["the author ordering a backport", "dev", false, "backport", maintainer, false, "author"],
  ["a co-author ordering a backport", "coauthor", false, "backport", maintainer, false, "committer"],
  ["a committer ordering a revert", "committer", false, "revert", maintainer, false, "committer"],
  ["a committer ordering the merge", "Committer", false, "merge", maintainer, false, "committer"],
  ["a pusher approving", "pusher", false, "approve", maintainer, false, "pusher"],
  ["a pusher asked for a review", "pusher", false, "review", noAccess, false, "pusher"],
];

describe("eligibility: one decision for approving and every order", () => {
  test.each(rows)("%s", (_case, login, isBot, order, access, allowed, expected) => {
    const decision = eligibility({
      actor: login === null ? null : { login, isBot },
      order,
      makers,
      allowAuthor: false,
      authorities: order === "approve" ? [global, dba] : [global],
      access,
    });
    expect(decision.allowed).toBe(allowed);
    if (decision.allowed) expect(decision.via).toBe(expected);
    else expect(decision.reason).toBe(expected);
  });

  test("with allow_author the makers are judged like anyone else", () => {
    const base = { order: "backport" as const, makers, allowAuthor: true, authorities: [global] };
    expect(eligibility({ ...base, actor: { login: "pusher", isBot: false }, access: maintainer })).toMatchObject({ allowed: true });
    expect(eligibility({ ...base, actor: { login: "dev", isBot: false }, access: writer })).toMatchObject({ allowed: false, reason: "not_authorized" });
  });

  test("refusals say why and who may", () => {
    const refused = eligibility({ actor: { login: "bob", isBot: false }, order: "backport", makers, allowAuthor: false, authorities: [global], access: writer });
    expect(refused).toEqual({
      allowed: false,
      reason: "not_authorized",
      why:
        "only people who may approve emergency changes can order a backport, and `bob` is not allowed to approve (has the `write` role, below `maintain`; the invitation to `@acme/sre` is still pending). " +
        "Only `lead`, members of `@acme/sre` or anyone with the `maintain` role or higher can approve this emergency change.",
    });
    const pusher = eligibility({ actor: { login: "pusher", isBot: false }, order: "approve", makers, allowAuthor: false, authorities: [global], access: maintainer });
    expect(pusher).toMatchObject({ why: "`pusher` pushed commits to this pull request, and whoever pushed to it cannot approve it (`approvals.allow_author` is false)" });
  });

  test("grants list every requirement the person may approve for", () => {
    const both: PersonAccess = { role: { name: "admin", base: "admin" }, teams: { "acme/dba": "active" } };
    expect(eligibility({ actor: { login: "ada", isBot: false }, order: "approve", makers, allowAuthor: false, authorities: [global, dba], access: both })).toEqual({
      allowed: true,
      via: "has the `admin` role",
      grants: ["approvals", "approvals:rule:1"],
    });
  });
});
