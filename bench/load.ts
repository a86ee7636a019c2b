/**
 * npm run bench:load [-- --deliveries 2000 --seconds 60 --prs 50]
 * Prints deliveries per second, p50/p99 handling time, memory over time, and what was lost or
 * duplicated (nothing, or the run fails).
 */
import { cpus } from "node:os";
import { runLoad } from "./load-driver.js";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};

const result = await runLoad({
  deliveries: arg("deliveries", 2000),
  seconds: arg("seconds", 60),
  pullRequests: arg("prs", 50),
  redeliveryRate: arg("redelivery", 0.05),
  log: (line) => console.error(line),
});

console.log(`## Load test (${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.version})\n`);
console.log("| deliveries (+ redelivered) | seconds | deliveries/s | p50 ms | p99 ms | handled | duplicates skipped | failed |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
console.log(
  `| ${result.sent} (+${result.redelivered}) | ${result.seconds.toFixed(1)} | ${result.deliveriesPerSecond.toFixed(1)} | ${result.p50Ms.toFixed(1)} | ${result.p99Ms.toFixed(1)} | ${result.handled} | ${result.duplicates} | ${result.failed} |`,
);
console.log(`\nMemory (RSS / heap used, MB): ${result.memory.map((sample) => `${sample.atSecond}s ${sample.rssMb}/${sample.heapMb}`).join(", ")}`);
if (result.problems.length > 0 || result.failed > 0) {
  console.log(`\nPROBLEMS:\n${result.problems.map((problem) => `- ${problem}`).join("\n")}`);
  process.exitCode = 1;
} else {
  console.log("\nNothing lost, nothing duplicated.");
}
