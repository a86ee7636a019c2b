import nock from "nock";
import { readFileSync } from "node:fs";
import { buildLargeHistory, HISTORY_REPO, LARGE_SINCE, LARGE_UNTIL } from "../support/report-history.js";
import { runReportInProcess } from "../support/report-run.js";
import { graphqlUsage } from "../support/simulator/graphql-cost.js";
import { serveThroughNock } from "../support/simulator/nock-serve.js";

/**
 * What the report costs on a busy repository: 200 hotfixes among 5,000 PRs merged in six months.
 * GitHub's search returns at most 1,000 results per query, so the period is read in shorter
 * windows; the hotfixes' details come 25 per query. The figures are the README's.
 */
export const COST = { merged: 5000, hotfixes: 200 };

test("200 hotfixes among 5,000 merged PRs: the requests and GraphQL points the README states", async () => {
  const sim = buildLargeHistory(COST);
  serveThroughNock(sim);
  const [owner, name] = HISTORY_REPO.split("/");
  const progress: string[] = [];
  const report = await runReportInProcess({ target: { kind: "repo", owner, name }, since: LARGE_SINCE, until: LARGE_UNTIL }, { progress, now: new Date("2026-07-01T00:00:00Z") });
  nock.cleanAll();
  nock.restore();
  expect(sim.unhandled).toEqual([]);
  expect(report.totals).toMatchObject({ hotfixes: 200, merged_pull_requests: 5000, emergency_rate: 0.04, emergency_rate_flagged: false, backports: 100, backport_failures: 50 });
  const graphql = sim.requests.filter((request) => request.path === "/graphql").length;
  const rest = sim.requests.length - graphql;
  const { points } = graphqlUsage(sim);
  expect({ graphql, rest, points }).toEqual({ graphql: 64, rest: 1, points: 80 });
  expect(progress.at(-1)).toBe("reading hotfix details: 200 of 200");
  const readme = readFileSync("README.md", "utf8");
  expect(readme).toContain(`${graphql + rest} requests (${graphql} GraphQL queries, ${rest} REST read) and ${points} GraphQL points`);
}, 120_000);
