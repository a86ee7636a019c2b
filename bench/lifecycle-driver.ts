/**
 * The process under measurement (forked by bench/lifecycle.ts): one Probot, in process, loaded
 * either with Hotfix Governance (BENCH_VARIANT=app) or with a no-op handler (BENCH_VARIANT=bare),
 * its GitHub client pointed at the simulator server (BENCH_BASE_URL). Throttling (write spacing)
 * and retries are off, so what is measured is the app's own cost plus GitHub's (simulated) time.
 * Deliveries arrive over IPC and go through `verifyAndReceive` (HMAC check and JSON parsing
 * included), as a webhook from the HTTP server would.
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";

export type DriverRequest =
  | { type: "deliver"; id: number; name: string; payload: unknown }
  | { type: "stats"; collect?: boolean }
  /** V8's CPU profiler around the deliveries that matter (not start-up or warm-up); `stop` writes it to `file`. */
  | { type: "profile"; action: "start" | "stop"; file?: string };

export type DriverReply =
  | { type: "ready" }
  | { type: "delivered"; id: number; ms: number; cpuMs: number; requests: Array<{ start: number; end: number }>; error?: string }
  | { type: "profiled"; file?: string }
  | { type: "stats"; peakHeapMb: number; peakRssMb: number; maxRssMb: number; cpuMs: number; retainedHeapMb?: number };

const send = (message: DriverReply) => process.send!(message);

const variant = process.env.BENCH_VARIANT === "bare" ? "bare" : "app";
const secret = "bench-webhook-secret";
const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

// Production logs decisions at info: the cost of writing them is part of the app's, the output is not kept.
const log = pino({ level: "info" }, pino.destination({ dest: "/dev/null", sync: false }));
const probot = new Probot({
  appId: Number(process.env.APP_ID ?? 1),
  privateKey,
  secret,
  baseUrl: process.env.BENCH_BASE_URL,
  log,
  Octokit: ProbotOctokit.defaults((options: any) => ({ ...options, throttle: { enabled: false }, retry: { enabled: false } })).plugin((octokit: any) => {
    // When the app sent each request and when it had the answer: its own view of the critical path.
    octokit.hook.wrap("request", async (request: (options: unknown) => Promise<unknown>, options: unknown) => {
      const start = performance.now();
      try {
        return await request(options);
      } finally {
        current?.push({ start, end: performance.now() });
      }
    });
  }),
});

if (variant === "app") {
  const { default: hotfixGovernance } = await import("../src/index.js");
  await probot.load(hotfixGovernance, { cwd: process.cwd(), addHandler: () => {} });
} else {
  await probot.load((app) => app.onAny(async () => {}), { cwd: process.cwd(), addHandler: () => {} });
}

let peakHeap = 0;
let peakRss = 0;
const sample = () => {
  const memory = process.memoryUsage();
  peakHeap = Math.max(peakHeap, memory.heapUsed);
  peakRss = Math.max(peakRss, memory.rss);
};
// Peak heap, sampled (peak RSS comes from the kernel: resourceUsage().maxRSS). Sampling costs CPU: not too often.
setInterval(sample, 50).unref();

/** The requests of the delivery being measured (deliveries measured one at a time; bursts are not split up). */
let current: Array<{ start: number; end: number }> | undefined;

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

let profiler: Session | undefined;

process.on("message", async (message: DriverRequest) => {
  if (message.type === "profile") {
    if (message.action === "start") {
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      // Every 100 µs (V8's default is 1 ms): a delivery of a few ms gets enough samples.
      await profiler.post("Profiler.setSamplingInterval", { interval: 100 });
      await profiler.post("Profiler.start");
      send({ type: "profiled" });
      return;
    }
    const { profile } = await profiler!.post("Profiler.stop");
    profiler!.disconnect();
    profiler = undefined;
    if (message.file) await writeFile(message.file, JSON.stringify(profile));
    send({ type: "profiled", file: message.file });
    return;
  }
  if (message.type === "stats") {
    sample();
    const mb = (bytes: number) => bytes / 1024 / 1024;
    const cpu = cpuMs(process.cpuUsage());
    // What stays after a full collection at the end (the driver runs with --expose-gc): a leak would show here.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (message.collect && gc) gc();
    const retained = message.collect && gc ? { retainedHeapMb: mb(process.memoryUsage().heapUsed) } : {};
    send({ type: "stats", peakHeapMb: mb(peakHeap), peakRssMb: mb(peakRss), maxRssMb: process.resourceUsage().maxRSS / 1024, cpuMs: cpu, ...retained });
    return;
  }
  const body = JSON.stringify(message.payload);
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const requests: Array<{ start: number; end: number }> = [];
  current = requests;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let error: string | undefined;
  try {
    await probot.webhooks.verifyAndReceive({ id: `bench-${message.id}`, name: message.name as any, payload: body, signature });
  } catch (caught) {
    error = String((caught as Error).message ?? caught).slice(0, 500);
  }
  const ms = performance.now() - started;
  const cpuSpent = cpuMs(process.cpuUsage(cpu));
  if (current === requests) current = undefined;
  send({ type: "delivered", id: message.id, ms, cpuMs: cpuSpent, requests, ...(error ? { error } : {}) });
});

// A normal exit on SIGINT (e.g. for `node --cpu-prof` run by hand).
process.on("SIGINT", () => process.exit(0));

send({ type: "ready" });
