/**
 * `npm run bench [-- --quick] [-- --latency 0,100] [-- --iterations N] [-- --burst K] [-- --no-org-day]`
 *
 * What one hotfix costs: the app (bench/lifecycle-driver.ts, a Probot of its own in a child
 * process) receives the deliveries of real scenarios (bench/lifecycle-scenario.ts) while this
 * process plays GitHub: the simulator served on loopback with `latencyMs` added to every answer.
 * For each event kind and for the whole lifecycle it reports GitHub requests and writes,
 * sequential round trips on the critical path (from the server's arrival/end times), handling
 * time p50/p99, CPU per delivery (→ deliveries per second on one core) and peak memory; then the
 * same load on a bare Probot with a no-op handler, and the ratio.
 * Throttling (Probot's write spacing) and retries are off: what is measured is the app's own cost.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { disposeAllGitRepos } from "../test/support/git/git-repo.js";
import { createSimulator } from "../test/support/simulator/index.js";
import { serveSimulator, type RequestTiming } from "../test/support/simulator/server.js";
import type { DriverReply, DriverRequest } from "./lifecycle-driver.js";
import { EVENT_KINDS, LIFECYCLE, createWorld, hotfixLifecycle, lifecycleOutcome, ordinaryThenLabelled, type EventKind, type Step, type World } from "./lifecycle-scenario.js";
import { mean, percentile, roundTrips } from "./stats.js";
import { renderOrgDay, runOrgDay } from "./org-day.js";

nock.restore(); // the simulator is served over real HTTP here

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const quick = flag("quick");
const latencies = (option("latency") ?? "0,100").split(",").map(Number);
const iterationsFor = (latency: number) => Number(option("iterations") ?? (quick ? (latency === 0 ? 8 : 3) : latency === 0 ? 40 : 10));
const burstSize = Number(option("burst") ?? (quick ? 4 : 8));
const progress = (line: string) => process.stderr.write(`${line}\n`);

interface Sample {
  kind: EventKind;
  ms: number;
  cpuMs: number;
  requests: number;
  writes: number;
  roundTrips: number;
  /** The same count from the simulator server's arrival/end times (serialised by its single thread at 0 ms). */
  serverRoundTrips: number;
}

interface Run {
  variant: "app" | "bare";
  latency: number;
  iterations: number;
  samples: Sample[];
  lifecycles: Array<Omit<Sample, "kind" | "serverRoundTrips">>;
  burst: { deliveries: number; seconds: number; cpuMs: number };
  memory: { peakHeapMb: number; peakRssMb: number; maxRssMb: number; retainedHeapMb: number };
  /** Mean time the simulator took to answer a request, latency excluded (GitHub's own time at "0 ms"). */
  simMsPerRequest: number;
  /** The app process's CPU over the whole measured sequence (background threads and idle moments included). */
  sequentialCpuMs: number;
  problems: string[];
}

const isWrite = (timing: RequestTiming) => timing.method !== "GET" && !timing.path.endsWith("/graphql") && !timing.path.endsWith("/access_tokens");

const runOnce = async (variant: "app" | "bare", latency: number, iterations: number): Promise<Run> => {
  const sim = createSimulator();
  const world: World = createWorld(sim);
  const timings: RequestTiming[] = [];
  const server = await serveSimulator(sim, { latencyMs: latency, onRequest: (timing) => timings.push(timing) });
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_VARIANT: variant, BENCH_BASE_URL: server.baseUrl, APP_ID: "1", POSTMORTEM_REMINDER_INTERVAL_MINUTES: "0" };
  delete env.REDIS_URL;
  const child: ChildProcess = fork(fileURLToPath(new URL("./lifecycle-driver.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx", "--expose-gc"],
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, (reply: DriverReply) => void>();
  let onStats: ((reply: Extract<DriverReply, { type: "stats" }>) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the ${variant} driver exited with ${code}`)));
    child.on("message", (reply: DriverReply) => {
      if (reply.type === "ready") resolve();
      else if (reply.type === "delivered") waiting.get(reply.id)?.(reply);
      else if (reply.type === "stats") onStats?.(reply);
    });
  });
  await ready;
  let nextId = 0;
  const deliver = (name: string, payload: unknown) =>
    new Promise<Extract<DriverReply, { type: "delivered" }>>((resolve) => {
      const id = ++nextId;
      waiting.set(id, (reply) => {
        waiting.delete(id);
        resolve(reply as Extract<DriverReply, { type: "delivered" }>);
      });
      child.send({ type: "deliver", id, name, payload } satisfies DriverRequest);
    });
  const stats = (collect = false) =>
    new Promise<Extract<DriverReply, { type: "stats" }>>((resolve) => {
      onStats = resolve;
      child.send({ type: "stats", collect } satisfies DriverRequest);
    });

  const problems: string[] = [];
  const samples: Sample[] = [];
  let simBusy = 0;
  let simRequests = 0;
  /** One scenario, one delivery at a time: each delivery's requests are exactly those made while it ran. */
  const play = async (steps: Step[], record: boolean): Promise<Sample[]> => {
    const played: Sample[] = [];
    for (const step of steps) {
      const { name, payload } = await step.act();
      timings.length = 0;
      const reply = await deliver(name, payload);
      const requests = timings.splice(0);
      if (reply.error) problems.push(`${step.kind}: ${reply.error}`);
      simBusy += requests.reduce((sum, request) => sum + Math.max(0, request.end - request.start - latency), 0);
      simRequests += requests.length;
      const sample = {
        kind: step.kind,
        ms: reply.ms,
        cpuMs: reply.cpuMs,
        requests: requests.filter((request) => !request.path.endsWith("/access_tokens")).length,
        writes: requests.filter(isWrite).length,
        roundTrips: roundTrips(reply.requests),
        serverRoundTrips: roundTrips(requests),
      };
      if (record) played.push(sample);
    }
    return played;
  };

  // Warm-up (not recorded): installation token, JIT, caches.
  await play(hotfixLifecycle(world, 0), false);
  await play(ordinaryThenLabelled(world, 0), false);
  const lifecycles: Run["lifecycles"] = [];
  const cpuAtStart = (await stats()).cpuMs;
  for (let index = 1; index <= iterations; index++) {
    const lifecycle = await play(hotfixLifecycle(world, index), true);
    samples.push(...lifecycle, ...(await play(ordinaryThenLabelled(world, index), true)));
    const sum = (key: keyof Omit<Sample, "kind" | "serverRoundTrips">) => lifecycle.reduce((total, sample) => total + sample[key], 0);
    lifecycles.push({ ms: sum("ms"), cpuMs: sum("cpuMs"), requests: sum("requests"), writes: sum("writes"), roundTrips: sum("roundTrips") });
    if (variant === "app") problems.push(...lifecycleOutcome(world, index));
  }

  // Every CPU millisecond of the app process while the deliveries above were measured, idle moments included.
  const sequentialCpuMs = (await stats()).cpuMs - cpuAtStart;

  // Burst: `burstSize` hotfixes live at once, their deliveries interleaved (one app process, one core).
  const cpuBefore = (await stats()).cpuMs;
  const started = performance.now();
  const chains = Array.from({ length: burstSize }, (_unused, offset) => hotfixLifecycle(world, iterations + 1 + offset));
  let burstDeliveries = 0;
  await Promise.all(
    chains.map(async (steps) => {
      for (const step of steps) {
        const { name, payload } = await step.act();
        const reply = await deliver(name, payload);
        if (reply.error) problems.push(`burst ${step.kind}: ${reply.error}`);
        burstDeliveries += 1;
      }
    }),
  );
  const burstSeconds = (performance.now() - started) / 1000;
  const final = await stats(true);
  if (variant === "app") for (let offset = 0; offset < burstSize; offset++) problems.push(...lifecycleOutcome(world, iterations + 1 + offset));
  timings.length = 0;

  child.kill();
  await server.close();
  disposeAllGitRepos();
  return {
    variant,
    latency,
    iterations,
    samples,
    lifecycles,
    burst: { deliveries: burstDeliveries, seconds: burstSeconds, cpuMs: final.cpuMs - cpuBefore },
    memory: { peakHeapMb: final.peakHeapMb, peakRssMb: final.peakRssMb, maxRssMb: final.maxRssMb, retainedHeapMb: final.retainedHeapMb ?? 0 },
    simMsPerRequest: simRequests ? simBusy / simRequests : 0,
    sequentialCpuMs,
    problems,
  };
};

// ---- report ----------------------------------------------------------------------------------------

const f0 = (value: number) => value.toFixed(0);
const f1 = (value: number) => value.toFixed(1);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : "—");

const render = (runs: Run[]): string => {
  const date = new Date().toISOString().slice(0, 10);
  const cpu = cpus()[0]?.model?.trim() ?? "unknown CPU";
  const out: string[] = [
    `## Benchmark (${date}; ${cpus().length} cores, ${cpu}; Node ${process.version}${quick ? "; --quick" : ""})`,
    "",
    "The app in its own process (one Probot, in process, webhooks through `verifyAndReceive`: signature and JSON parsing included; info logs written to /dev/null), the simulated GitHub in another, served on loopback with the latency added to every answer. " +
      "Probot's throttling (1 s between writes, 3 s between comments/issues/PRs) and retries are **off**: the figures are the app's own cost; in production the write spacing adds about 1 s per write and 3 s per comment, issue or PR. " +
      "A hotfix PR targets `release/1.2`: its merge ports it forward to `main` through the git-data API and opens the postmortem. " +
      "Round trips: requests in order of start, a new one each time a request starts after all earlier ones ended (at latency L a delivery lasts at least round trips × L); " +
      "the start and end of each request are taken where the app sends it and receives the answer (the simulator server records them too, and agrees once there is latency; at 0 ms its single thread serialises concurrent requests). " +
      "Deliveries/s per core = 1000 / CPU ms of the app process per delivery.",
    "",
  ];
  for (const latency of latencies) {
    const app = runs.find((run) => run.variant === "app" && run.latency === latency)!;
    const bare = runs.find((run) => run.variant === "bare" && run.latency === latency)!;
    out.push(
      `### GitHub latency ${latency} ms per request (${app.iterations} lifecycles + ${app.iterations} labelled PRs; the simulator's own time: ${f1(app.simMsPerRequest)} ms per request)`,
      "",
      "| Event | GitHub requests | writes | round trips | p50 ms | p99 ms | CPU ms | deliveries/s per core | bare Probot p50 ms | CPU ms vs bare |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const kind of EVENT_KINDS) {
      const ours = app.samples.filter((sample) => sample.kind === kind);
      const theirs = bare.samples.filter((sample) => sample.kind === kind);
      const cpuMs = mean(ours.map((sample) => sample.cpuMs));
      const bareCpu = mean(theirs.map((sample) => sample.cpuMs));
      out.push(
        `| ${kind} | ${f1(mean(ours.map((sample) => sample.requests)))} | ${f1(mean(ours.map((sample) => sample.writes)))} | ${f1(mean(ours.map((sample) => sample.roundTrips)))} | ${f1(percentile(ours.map((sample) => sample.ms), 50))} | ${f1(percentile(ours.map((sample) => sample.ms), 99))} | ${f1(cpuMs)} | ${f0(1000 / cpuMs)} | ${f1(percentile(theirs.map((sample) => sample.ms), 50))} | ${ratio(cpuMs, bareCpu)} |`,
      );
    }
    const serverView = mean(app.samples.map((sample) => sample.serverRoundTrips));
    const clientView = mean(app.samples.map((sample) => sample.roundTrips));
    const life = app.lifecycles;
    const bareLife = bare.samples.filter((sample) => LIFECYCLE.includes(sample.kind));
    const bareLifeCpu = (bareLife.reduce((sum, sample) => sum + sample.cpuMs, 0) / Math.max(bare.lifecycles.length, 1)) || 0;
    const lifeCpu = mean(life.map((item) => item.cpuMs));
    out.push(
      `| **whole lifecycle** (${LIFECYCLE.length} deliveries) | ${f1(mean(life.map((item) => item.requests)))} | ${f1(mean(life.map((item) => item.writes)))} | ${f1(mean(life.map((item) => item.roundTrips)))} | ${f1(percentile(life.map((item) => item.ms), 50))} | ${f1(percentile(life.map((item) => item.ms), 99))} | ${f1(lifeCpu)} | ${f1(1000 / lifeCpu)} lifecycles | ${f1(percentile(bare.lifecycles.map((item) => item.ms), 50))} | ${ratio(lifeCpu, bareLifeCpu)} |`,
      "",
      `Round trips per delivery, mean: ${f1(clientView)} as the app saw them, ${f1(serverView)} from the simulator server's records. ` +
        `CPU: ${f1(mean(app.samples.map((sample) => sample.cpuMs)))} ms per delivery inside the deliveries; ${f1(app.sequentialCpuMs / Math.max(app.samples.length, 1))} ms per delivery counting all the app process's CPU over the run (GC and background threads included: the figure to size a core by, ≈ ${f0((1000 * app.samples.length) / Math.max(app.sequentialCpuMs, 1))} deliveries/s); bare Probot ${f1(bare.sequentialCpuMs / Math.max(bare.samples.length, 1))} ms.`,
      "",
      `Burst: ${burstSize} hotfix lifecycles at once, deliveries interleaved: app ${app.burst.deliveries} deliveries in ${f1(app.burst.seconds)} s = ${f1(app.burst.deliveries / app.burst.seconds)} deliveries/s with the app's core ${f0((app.burst.cpuMs / 1000 / app.burst.seconds) * 100)}% busy (the simulator, one thread that also runs git, is the limit here; the app's own limit is the CPU figure above); bare Probot ${f1(bare.burst.deliveries / bare.burst.seconds)} deliveries/s.`,
      "",
      `Peak memory: app heap ${f1(app.memory.peakHeapMb)} MB (${f1(app.memory.retainedHeapMb)} MB left after a full GC at the end), RSS ${f1(app.memory.maxRssMb)} MB; bare Probot heap ${f1(bare.memory.peakHeapMb)} MB (${f1(bare.memory.retainedHeapMb)} MB after GC), RSS ${f1(bare.memory.maxRssMb)} MB (${ratio(app.memory.maxRssMb, bare.memory.maxRssMb)} RSS).`,
      "",
    );
  }
  return out.join("\n");
};

const runs: Run[] = [];
for (const latency of latencies) {
  for (const variant of ["app", "bare"] as const) {
    const iterations = iterationsFor(latency);
    progress(`bench: ${variant === "app" ? "Hotfix Governance" : "bare Probot"}, ${latency} ms latency, ${iterations} lifecycles …`);
    runs.push(await runOnce(variant, latency, iterations));
  }
}
const problems = runs.flatMap((run) => run.problems.map((problem) => `${run.variant} @ ${run.latency} ms: ${problem}`));
// The organisation day (bench/org-day.ts): what the app costs an installation at org scale.
let orgDay = "";
if (!flag("no-org-day")) {
  progress(`bench: organisation day, ${quick ? 30 : 150} PRs …`);
  const result = await runOrgDay({ prs: quick ? 30 : 150 });
  orgDay = `\n${renderOrgDay(result)}`;
  problems.push(...result.problems.map((problem) => `organisation day: ${problem}`));
}
const markdown = render(runs) + orgDay + (problems.length ? `\n**Problems (the figures above are not trustworthy):**\n\n${problems.slice(0, 30).map((problem) => `- ${problem}`).join("\n")}\n` : "");
console.log(markdown);
mkdirSync(new URL("../reports/", import.meta.url), { recursive: true });
writeFileSync(new URL("../reports/bench.md", import.meta.url), markdown);
progress("bench: written to reports/bench.md");
process.exit(problems.length ? 1 : 0);
