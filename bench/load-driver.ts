/**
 * Load test of one app instance (issue 6): signed webhook deliveries over loopback HTTP to the
 * real app process (`src/main.ts`, the `npm start` code path), backed by the simulated GitHub
 * served on loopback. Bounded in count and time; talks to 127.0.0.1 only.
 */
import "../test/support/polyfills.js";
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { checkRunEvent, pullRequestEvent, statusEvent } from "../test/support/events.js";
import { createSimulator, type GitHubSimulator } from "../test/support/simulator/index.js";
import { serveSimulator } from "../test/support/simulator/server.js";
import { freePort } from "../test/support/free-port.js";

export interface LoadOptions {
  deliveries: number;
  seconds: number;
  pullRequests: number;
  /** Share of deliveries sent a second time with the same delivery id (GitHub's redelivery). */
  redeliveryRate: number;
  log?: (line: string) => void;
}

export interface LoadResult {
  sent: number;
  redelivered: number;
  failed: number;
  seconds: number;
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  handled: number;
  duplicates: number;
  memory: Array<{ atSecond: number; rssMb: number; heapMb: number }>;
  problems: string[];
}

const SECRET = "load-test-secret";
const REPO = "acme/load";


const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
};

const metricValue = (text: string, name: string, labels: Record<string, string> = {}) =>
  text
    .split("\n")
    .filter((line) => line.startsWith(name) && Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);

const waitFor = async (url: string, child: ChildProcess) => {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app did not answer ${url}`);
};

/** Each PR in its own installation: Probot spaces writes per installation, as GitHub asks. */
const installationOf = (number: number) => 10_000 + number;

const buildEvent = (sim: GitHubSimulator, number: number, kind: number): { name: string; payload: any } => {
  const pull = sim.pull(REPO, number);
  const withInstallation = (payload: any) => ({ ...payload, installation: { id: installationOf(number), node_id: "I" } });
  switch (kind % 4) {
    case 0:
      return { name: "pull_request", payload: withInstallation(pullRequestEvent(sim, REPO, number, "edited")) };
    case 1:
      return { name: "pull_request", payload: withInstallation(pullRequestEvent(sim, REPO, number, "labeled", { label: "hotfix" })) };
    case 2: {
      const build = sim.repo(REPO).checkRuns.find((run) => run.headSha === pull.head.sha && run.name === "build")!;
      return { name: "check_run", payload: withInstallation(checkRunEvent(sim, REPO, build, "completed", [number])) };
    }
    default: {
      const status = sim.repo(REPO).statuses.find((candidate) => candidate.sha === pull.head.sha)!;
      return { name: "status", payload: withInstallation(statusEvent(sim, REPO, status)) };
    }
  }
};

export const runLoad = async (options: LoadOptions): Promise<LoadResult> => {
  const log = options.log ?? (() => {});
  const sim = createSimulator("http://127.0.0.1");
  sim.addRepo(REPO, { config: "required_checks: [build, ci/lint]\n" });
  for (let number = 1; number <= options.pullRequests; number++) {
    const pull = sim.addPull(REPO, { number, labels: ["hotfix"] });
    sim.addCheckRun(REPO, { headSha: pull.head.sha, name: "build", conclusion: "success" });
    sim.addStatus(REPO, { sha: pull.head.sha, context: "ci/lint", state: "success" });
  }
  const github = await serveSimulator(sim);
  const port = await freePort();
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const app = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: <NodeJS.ProcessEnv>{
      PATH: process.env.PATH,
      NODE_ENV: "production",
      APP_ID: "1",
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: "127.0.0.1",
      GHE_HOST: github.host,
      GHE_PROTOCOL: "http",
      LOG_LEVEL: process.env.LOAD_APP_LOG_LEVEL ?? "warn",
      LOG_FORMAT: "json",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  app.stderr!.on("data", (chunk) => (stderr += chunk));
  app.stdout!.on("data", (chunk) => (stderr += chunk));
  const base = `http://127.0.0.1:${port}`;
  const problems: string[] = [];
  try {
    await waitFor(`${base}/healthz`, app);
    const memory: LoadResult["memory"] = [];
    const sampleMemory = async (atSecond: number) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      memory.push({
        atSecond,
        rssMb: Math.round(metricValue(text, "process_resident_memory_bytes") / 1e5) / 10,
        heapMb: Math.round(metricValue(text, "nodejs_heap_size_used_bytes") / 1e5) / 10,
      });
    };
    await sampleMemory(0);
    const latencies: number[] = [];
    let failed = 0;
    let redelivered = 0;
    const deliver = async (name: string, payload: unknown, id: string) => {
      const body = JSON.stringify(payload);
      const started = performance.now();
      const response = await fetch(`${base}/api/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": name,
          "x-github-delivery": id,
          "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
        },
        body,
      });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      if (!response.ok) failed += 1;
    };
    const started = performance.now();
    const interval = (options.seconds * 1000) / options.deliveries;
    const inFlight: Array<Promise<void>> = [];
    let nextSample = 1;
    for (let index = 0; index < options.deliveries; index++) {
      const due = started + index * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const number = (index % options.pullRequests) + 1;
      const { name, payload } = buildEvent(sim, number, Math.floor(index / options.pullRequests));
      const id = randomUUID();
      inFlight.push(deliver(name, payload, id));
      if (Math.random() < options.redeliveryRate) {
        redelivered += 1;
        inFlight.push(deliver(name, payload, id));
      }
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= nextSample * (options.seconds / 4)) {
        await sampleMemory(Math.round(elapsed));
        nextSample += 1;
      }
    }
    await Promise.all(inFlight);
    // Probot answers 202 when handling takes over 9 s and goes on: wait until every delivery is done.
    let metricsText = "";
    for (let attempt = 0; attempt < 600; attempt++) {
      metricsText = await (await fetch(`${base}/metrics`)).text();
      const done = ["handled", "duplicate", "error"].reduce((sum, outcome) => sum + metricValue(metricsText, "hotfix_webhook_deliveries_total", { outcome }), 0);
      if (done >= options.deliveries + redelivered) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    if (process.env.LOAD_DEBUG) {
      (await import("node:fs")).writeFileSync("/tmp/load-app.log", stderr);
      log(metricsText.split("\n").filter((line) => line.startsWith("hotfix_webhook_deliveries")).join("\n"));
    }
    await sampleMemory(Math.round(seconds));
    const handled = metricValue(metricsText, "hotfix_webhook_deliveries_total", { outcome: "handled" });
    const duplicates = metricValue(metricsText, "hotfix_webhook_deliveries_total", { outcome: "duplicate" });

    // Nothing lost, nothing duplicated: every PR ends with exactly one check run and the right verdict.
    for (let number = 1; number <= options.pullRequests; number++) {
      const runs = sim.checkRuns(REPO, sim.pull(REPO, number).head.sha);
      if (runs.length !== 1) problems.push(`PR #${number}: ${runs.length} check runs`);
      else if (runs[0].status !== "in_progress" || !runs[0].output.text?.includes("✅ **Required check `build` succeeded**")) {
        problems.push(`PR #${number}: unexpected check ${runs[0].status} ${runs[0].output.title}`);
      }
      const statusComments = sim.repo(REPO).issueComments.filter((comment) => comment.issueNumber === number && comment.body.includes("hotfix-governance:status"));
      if (statusComments.length > 1) problems.push(`PR #${number}: ${statusComments.length} status comments`);
    }
    if (handled + duplicates !== options.deliveries + redelivered) {
      problems.push(`deliveries: ${handled} handled + ${duplicates} duplicates != ${options.deliveries + redelivered} sent`);
    }
    if (duplicates > redelivered) problems.push(`more duplicates (${duplicates}) than redeliveries (${redelivered})`);
    log(`sent ${options.deliveries} (+${redelivered} redelivered) in ${seconds.toFixed(1)} s`);
    return {
      sent: options.deliveries,
      redelivered,
      failed,
      seconds,
      deliveriesPerSecond: (options.deliveries + redelivered) / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      handled,
      duplicates,
      memory,
      problems,
    };
  } catch (error) {
    throw new Error(`${(error as Error).message}\napp stderr:\n${stderr.slice(-2000)}`);
  } finally {
    app.kill("SIGTERM");
    await github.close();
  }
};
