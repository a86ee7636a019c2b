/**
 * `npm run bench:org [-- --prs 150] [-- --day 1000] [-- --latency 0] [-- --hotfix-every 50]`: the organisation day alone
 * (bench/org-day.ts); `npm run bench` runs it after the lifecycle figures.
 * With BENCH_CPU_PROF=<dir> the app's process writes a V8 CPU profile of the recorded hour there (not start-up or
 * warm-up; sampled every 100 µs) and the report lists its top entries.
 */
import nock from "nock";
import { renderOrgDay, runOrgDay } from "./org-day.js";

nock.restore(); // the simulator is served over real HTTP here
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const result = await runOrgDay({ prs: Number(option("prs") ?? 150), dayPrs: Number(option("day") ?? 1000), latencyMs: Number(option("latency") ?? 0), hotfixEvery: Number(option("hotfix-every") ?? 50), ci: !args.includes("--no-ci") });
console.log(renderOrgDay(result));
process.exit(result.problems.length ? 1 : 0);
