import { createHmac } from "node:crypto";
import { Writable } from "node:stream";
import { Probot, ProbotOctokit, Server } from "probot";
import hotfixGovernance from "../../src/index.js";
import { createLogger } from "../../src/platform/logging.js";
import { createMetrics } from "../../src/platform/metrics.js";
import { testPrivateKey } from "../support/app.js";
import { pullRequestEvent } from "../support/events.js";
import { freePort } from "../support/free-port.js";
import { duplicateKeys } from "../support/log-lines.js";
import { createSimulator, SIM_APP, type GitHubSimulator } from "../support/simulator/index.js";
import { serveSimulator, type SimulatorServer } from "../support/simulator/server.js";

/**
 * The log as an operator reads it: the app's logger (`npm start` builds it) inside Probot's own
 * server (what `run` starts), over HTTP, with the simulator behind it.
 */

const SECRET = "webhook-secret-for-logging-tests";
const REPO = "acme/shop";
const lines: string[] = [];
let clock = Date.parse("2026-11-30T10:00:00Z");
let server: Server;
let base: string;
let sim: GitHubSimulator;
let github: SimulatorServer;
let logger: Awaited<ReturnType<typeof createLogger>>;
/** The process's metrics, as `npm start` hands them to the logger. */
const metrics = createMetrics();

const records = () => lines.map((line) => JSON.parse(line) as Record<string, any>);
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

beforeAll(async () => {
  process.env.APP_ID = String(SIM_APP.id);
  sim = createSimulator();
  github = await serveSimulator(sim);
  sim.addRepo(REPO);
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  logger = await createLogger({ LOG_FORMAT: "json", LOG_LEVEL: "info" }, { destination, now: () => clock, metrics });
  const port = await freePort();
  server = new Server({
    host: "127.0.0.1",
    port,
    log: logger,
    Probot: Probot.defaults({
      appId: SIM_APP.id,
      privateKey: testPrivateKey(),
      secret: SECRET,
      baseUrl: github.baseUrl,
      log: logger,
      Octokit: ProbotOctokit.defaults((options: any) => ({ ...options, throttle: { enabled: false }, retry: { enabled: false } })),
    }),
  });
  await server.load(hotfixGovernance);
  // A handler that fails (a bug, a crash): what does the log say?
  await server.load((app) => app.on("issues.pinned", async () => {
    throw new TypeError("handler crashed");
  }));
  await server.start();
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server.stop();
  await github.close();
});

beforeEach(() => {
  lines.length = 0;
});

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${base}/api/github/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "pull_request", ...headers },
    body,
  });
const sign = (body: string) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

test("a handled delivery: each key once per line, the delivery id once (as `delivery`), no request headers", async () => {
  const pr = sim.addPull(REPO, { labels: ["hotfix"] });
  logger.level = "debug"; // every line the app and Probot write for a delivery
  try {
    const body = JSON.stringify(pullRequestEvent(sim, REPO, pr.number, "opened"));
    const response = await post(body, { "x-github-delivery": "delivery-logging-1", "x-hub-signature-256": sign(body), authorization: "token should-never-be-logged" });
    expect(response.status).toBe(200);
    await settle();
  } finally {
    logger.level = "info";
  }
  expect(sim.latestCheck(REPO, pr.head.sha)?.status).toBe("in_progress");
  expect(lines.length).toBeGreaterThan(3);
  for (const line of lines) expect({ line, duplicates: duplicateKeys(line) }).toEqual({ line, duplicates: [] });
  const app = records().filter((record) => record.delivery === "delivery-logging-1");
  expect(app.length).toBeGreaterThan(0);
  expect(app.filter((record) => "id" in record)).toEqual([]);
  expect(app.map((record) => record.repository)).toContain(REPO);
  expect(lines.join("\n")).not.toContain("should-never-be-logged");
  expect(records().filter((record) => record.req?.headers !== undefined)).toEqual([]);
});

test("a bad signature: one warn line without the payload, nothing at error, counted", async () => {
  const before = (await metrics.signatureRefusals.get()).values[0]?.value ?? 0;
  const body = JSON.stringify({ action: "opened", marker: "ATTACKER-CONTROLLED-PAYLOAD" });
  const response = await post(body, { "x-github-delivery": "forged-1", "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
  expect(response.status).toBe(400);
  await settle();
  const logged = records();
  expect(logged.filter((record) => record.level >= 50)).toEqual([]);
  expect(logged.filter((record) => record.level === 40)).toEqual([
    expect.objectContaining({ outcome: "signature-refused", delivery: "forged-1", event: "pull_request", msg: expect.stringContaining("does not match WEBHOOK_SECRET") }),
  ]);
  expect(lines.join("\n")).not.toContain("ATTACKER-CONTROLLED-PAYLOAD");
  // The access line of a refused request is debug: anyone can send them.
  expect(logged.filter((record) => record.name === "http")).toEqual([]);
  const after = (await metrics.signatureRefusals.get()).values[0]?.value ?? 0;
  expect(after - before).toBe(1);
});

test("no signature at all: one warn line saying so, counted", async () => {
  const before = (await metrics.signatureRefusals.get()).values[0]?.value ?? 0;
  const response = await post(JSON.stringify({ action: "opened", marker: "UNSIGNED-PAYLOAD" }), { "x-github-delivery": "unsigned-1" });
  expect(response.status).toBe(400);
  await settle();
  expect(records()).toEqual([expect.objectContaining({ level: 40, outcome: "signature-refused", delivery: "unsigned-1", msg: "webhook refused (400): it has no signature (X-Hub-Signature-256)" })]);
  expect(lines.join("\n")).not.toContain("UNSIGNED-PAYLOAD");
  const after = (await metrics.signatureRefusals.get()).values[0]?.value ?? 0;
  expect(after - before).toBe(1);
});

test("a flood of bad signatures: at most 10 warn lines a minute, then one saying how many were not logged", async () => {
  clock += 120_000; // a fresh minute
  const body = JSON.stringify({ action: "opened", marker: "flood" });
  for (let i = 0; i < 25; i++) await post(body, { "x-github-delivery": `flood-${i}`, "x-hub-signature-256": `sha256=${"1".repeat(64)}` });
  await settle();
  expect(records().filter((record) => record.level === 40)).toHaveLength(10);
  lines.length = 0;
  clock += 60_000;
  await post(body, { "x-github-delivery": "flood-next-minute", "x-hub-signature-256": `sha256=${"1".repeat(64)}` });
  await settle();
  expect(records()).toEqual([expect.objectContaining({ level: 40, delivery: "flood-next-minute", suppressed: 15, msg: expect.stringContaining("15 more refused") })]);
});

test("health probes and metric scrapes are debug lines, without headers", async () => {
  for (const path of ["/healthz", "/readyz", "/metrics"]) expect((await fetch(`${base}${path}`, { headers: { authorization: "Bearer probe-secret" } })).status).toBe(200);
  await settle();
  expect(lines).toEqual([]);
  logger.level = "debug";
  try {
    await fetch(`${base}/healthz`, { headers: { authorization: "Bearer probe-secret" } });
    await settle();
  } finally {
    logger.level = "info";
  }
  expect(records()).toEqual([expect.objectContaining({ level: 20, name: "http", msg: expect.stringMatching(/^GET \/healthz 200/) })]);
  expect(lines.join("\n")).not.toContain("probe-secret");
});

test("a failed handler: one error line, without the payload", async () => {
  const body = JSON.stringify({ action: "pinned", marker: "PAYLOAD-OF-A-FAILED-DELIVERY", issue: { number: 1 }, repository: { owner: { login: "acme" }, name: "shop" }, installation: { id: 1 } });
  const response = await post(body, { "x-github-event": "issues", "x-github-delivery": "failing-1", "x-hub-signature-256": sign(body) });
  expect(response.status).toBe(500);
  await settle();
  const errors = records().filter((record) => record.level >= 50);
  expect(errors).toEqual([expect.objectContaining({ id: "failing-1", err: expect.objectContaining({ type: "TypeError", message: "handler crashed" }) })]);
  expect(lines.join("\n")).not.toContain("PAYLOAD-OF-A-FAILED-DELIVERY");
});
