import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import hotfixGovernance from "../../src/index.js";
import { testPrivateKey } from "../support/app.js";
import { pullRequestEvent } from "../support/events.js";
import { createSimulator, SIM_APP, type GitHubSimulator } from "../support/simulator/index.js";
import { serveSimulator, type SimulatorServer } from "../support/simulator/server.js";

const SECRET = "webhook-secret-for-tests";
const REPO = "acme/shop";
let server: Server;
let base: string;
let sim: GitHubSimulator;
let github: SimulatorServer;

beforeAll(async () => {
  process.env.APP_ID = String(SIM_APP.id);
  sim = createSimulator();
  github = await serveSimulator(sim);
  sim.addRepo(REPO);
  const probot = new Probot({
    appId: SIM_APP.id,
    privateKey: testPrivateKey(),
    secret: SECRET,
    baseUrl: github.baseUrl,
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((options: any) => ({ ...options, throttle: { enabled: false }, retry: { enabled: false } })),
  });
  const middleware = await createNodeMiddleware(hotfixGovernance, { probot });
  server = createServer((req, res) => {
    void Promise.resolve(middleware(req, res)).then((handled) => {
      if (!handled && !res.headersSent) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await github.close();
});

const deliver = (payload: unknown, signature?: string) => {
  const body = JSON.stringify(payload);
  return fetch(`${base}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": `d-${Math.random()}`,
      ...(signature === undefined ? {} : { "x-hub-signature-256": signature }),
    },
    body,
  });
};
const sign = (payload: unknown) => `sha256=${createHmac("sha256", SECRET).update(JSON.stringify(payload)).digest("hex")}`;

test("a signed delivery is handled and the check appears", async () => {
  const pr = sim.addPull(REPO, { labels: ["hotfix"] });
  const payload = pullRequestEvent(sim, REPO, pr.number, "opened");
  const response = await deliver(payload, sign(payload));
  expect(response.status).toBe(200);
  expect(sim.latestCheck(REPO, pr.head.sha)?.status).toBe("in_progress");
});

test("a bad or missing signature is refused and changes nothing", async () => {
  const pr = sim.addPull(REPO, { labels: ["hotfix"] });
  const payload = pullRequestEvent(sim, REPO, pr.number, "opened");
  const forged = await deliver(payload, `sha256=${"0".repeat(64)}`);
  const unsigned = await deliver(payload);
  expect(forged.status).toBeGreaterThanOrEqual(400);
  expect(unsigned.status).toBeGreaterThanOrEqual(400);
  expect(sim.checkRuns(REPO, pr.head.sha)).toHaveLength(0);
});

test("GET /healthz, /readyz and /metrics", async () => {
  const health = await fetch(`${base}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(200);
  const metrics = await fetch(`${base}/metrics`);
  expect(metrics.status).toBe(200);
  const text = await metrics.text();
  // What the signed delivery above did, as Prometheus sees it.
  expect(text).toMatch(/hotfix_github_requests_total\{method="POST",route="\/graphql",status="200"\} \d+/);
  expect(text).toMatch(/hotfix_github_requests_total\{method="POST",route="\/repos\/\{owner\}\/\{repo\}\/check-runs",status="201"\} \d+/);
  expect(text).toMatch(/hotfix_webhook_deliveries_total\{event="pull_request.opened",outcome="handled"\} [1-9]/);
  expect(text).toMatch(/hotfix_check_conclusions_total\{conclusion="in_progress"\} [1-9]/);
  expect(text).toContain("hotfix_webhook_handling_seconds_bucket");
});
