import nock from "nock";
import { runReportInProcess } from "../support/report-run.js";
import { writeGovernanceCheck } from "../support/report-history.js";
import { createSimulator, type GitHubSimulator } from "../support/simulator/index.js";
import { appBot, changeLabel } from "../support/simulator/routes-issues.js";
import { markPersonalAccount } from "../support/simulator/routes-report.js";
import { failureComment } from "../../src/backport/messages.js";
import { defaultConfig } from "../../src/config/schema.js";
import { serveThroughNock } from "../support/simulator/nock-serve.js";

/**
 * `--org`: every repository of the organisation, each judged by its own config's label; long
 * timelines and long conversations are read to the end (GitHub pages them by 100).
 */

let sim: GitHubSimulator;
const merge = (repo: string, number: number, at: string) => Object.assign(sim.pull(repo, number), { merged: true, state: "closed", mergedAt: at, closedAt: at, mergedBy: sim.user("lead"), mergeCommitSha: "f".repeat(40) });

beforeAll(() => {
  sim = createSimulator();
  serveThroughNock(sim);
  sim.addRepo("acme/api", { config: "label: emergency\n" });
  sim.addRepo("acme/web");
  sim.addRepo("globex/other");

  // acme/api#1: 30 label events (GitHub pages timelines): `emergency` is the one in force at merge.
  const api = sim.addPull("acme/api", { number: 1, title: "Fix rate limiter", createdAt: "2026-03-02T08:00:00Z" });
  for (let index = 0; index < 29; index++) changeLabel(sim, "acme/api", 1, index % 2 === 0 ? "labeled" : "unlabeled", "bug", "dev", `2026-03-02T08:${String(index).padStart(2, "0")}:30Z`);
  changeLabel(sim, "acme/api", 1, "labeled", "emergency", "dev", "2026-03-02T08:40:00Z");
  writeGovernanceCheck(sim, "acme/api", api, { approvals: [{ login: "alice", at: "2026-03-02T08:50:00Z" }], headSeenAt: "2026-03-02T08:00:10Z", config: { ...defaultConfig(), label: "emergency" } });
  merge("acme/api", 1, "2026-03-02T09:00:00Z");
  // acme/api#2 carries `hotfix`, which is not acme/api's label.
  sim.addPull("acme/api", { number: 2, labels: ["hotfix"], createdAt: "2026-03-03T08:00:00Z" });
  merge("acme/api", 2, "2026-03-03T09:00:00Z");

  // acme/web#5: the default label; 120 comments before the app's failure report.
  sim.addPull("acme/web", { number: 5, title: "Fix CSP", labels: ["hotfix"], createdAt: "2026-03-04T08:00:00Z" });
  merge("acme/web", 5, "2026-03-04T09:00:00Z");
  for (let index = 0; index < 120; index++) sim.addComment("acme/web", 5, "dev", `note ${index}`, { createdAt: "2026-03-04T09:10:00Z" });
  const source = { number: 5, title: "Fix CSP", url: "https://github.com/acme/web/pull/5", baseRef: "main" };
  sim.addComment("acme/web", 5, appBot(sim).login, failureComment(source, [{ target: "release/2", status: "conflict", at: "2026-03-04T09:20:00Z" }]));
  // Someone else's copy of the marker proves nothing.
  sim.addComment("acme/web", 5, "mallory", failureComment(source, [{ target: "release/3", status: "conflict", at: "2026-03-04T09:21:00Z" }]));

  // A personal account's repository: search names its owner `user:`.
  sim.addRepo("bob/tools");
  markPersonalAccount(sim, "bob");
  sim.addPull("bob/tools", { number: 3, labels: ["hotfix"], createdAt: "2026-03-05T08:00:00Z" });
  merge("bob/tools", 3, "2026-03-05T09:00:00Z");

  // Another organisation's hotfix is not in acme's report.
  sim.addPull("globex/other", { number: 1, labels: ["hotfix"], createdAt: "2026-03-04T08:00:00Z" });
  merge("globex/other", 1, "2026-03-04T09:00:00Z");
});
afterAll(() => {
  nock.cleanAll();
  nock.restore();
});

test("an organisation: each repository's own label, every page of timelines and comments", async () => {
  sim.reset();
  const progress: string[] = [];
  const report = await runReportInProcess({ target: { kind: "org", owner: "acme" }, since: "2026-03-01", until: "2026-03-31" }, { progress, now: new Date("2026-03-31T00:00:00Z") });
  expect(sim.unhandled).toEqual([]);
  expect(report.scope).toBe("org:acme");
  expect(report.hotfixes.map((row) => `${row.repository}#${row.number}`)).toEqual(["acme/api#1", "acme/web#5"]);
  expect(report.hotfixes[0]).toMatchObject({ labelled_at: "2026-03-02T08:40:00Z", verdict: "success", approvals: [{ login: "alice", status: "counted" }] });
  expect(report.hotfixes[1]).toMatchObject({ verdict: "missing", backports: [{ target: "release/2", pull_request: null, state: null, failure: "Conflict" }] });
  expect(report.totals).toMatchObject({ hotfixes: 2, merged_pull_requests: 3, outside_governance: 1, open_backport_failures: 1 });
  // One config read per repository with merges; the extra pages of a timeline and of comments.
  expect(sim.requests.filter((request) => request.method === "GET").map((request) => `${request.path} ${request.status}`)).toEqual([
    "/repos/acme/api/contents/.github/hotfix.yml 200",
    "/repos/acme/web/contents/.github/hotfix.yml 404",
    // Probot's config: a repository without the file falls back to the organisation's `.github` repository.
    "/repos/acme/.github/contents/.github/hotfix.yml 404",
  ]);
  const queries = sim.requests.filter((request) => request.path === "/graphql").map((request) => /query (\w+)/.exec(request.body.query)?.[1]);
  expect(queries).toEqual(["ReportTargetOwner", "ReportMergedPullRequests", "ReportLabelEvents", "ReportHotfixes", "ReportComments"]);
});

test("a personal account is searched as user:<login>", async () => {
  sim.reset();
  const report = await runReportInProcess({ target: { kind: "org", owner: "bob" }, since: "2026-03-01", until: "2026-03-31" }, { now: new Date("2026-03-31T00:00:00Z") });
  expect(report.scope).toBe("user:bob");
  expect(report.hotfixes.map((row) => `${row.repository}#${row.number}`)).toEqual(["bob/tools#3"]);
  const search = sim.requests.find((request) => /ReportMergedPullRequests/.test(request.body?.query ?? ""));
  expect(search?.body.variables.search).toBe("is:pr is:merged merged:2026-03-01T00:00:00+00:00..2026-03-31T23:59:59+00:00 user:bob");
});
