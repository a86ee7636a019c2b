import nock from "nock";
import pino from "pino";
import { createTestApp, type TestApp } from "../support/app.js";
import { fixture, INSTALLATION_ID, pullRequestEvent } from "../support/events.js";
import { ghError } from "../support/simulator/index.js";

const REPO = "acme/shop";
let t: TestApp;

const latest = (number: number) => t.sim.latestCheck(REPO, t.sim.pull(REPO, number).head.sha);
const graphqlCalls = () => t.sim.requests.filter((request) => request.path === "/graphql").length;

afterEach(() => {
  delete process.env.GITHUB_REQUEST_TIMEOUT_MS;
  nock.cleanAll();
});
afterAll(() => nock.restore());

describe("GitHub failures are retried, then fail closed", () => {
  test("502, 503 and a connection reset are retried with backoff, and the verdict is the real one", async () => {
    t = await createTestApp({ retry: true });
    t.sim.addRepo(REPO);
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.fail("POST", /^\/graphql$/, ghError(502, "Bad Gateway"));
    t.sim.fail("POST", /^\/graphql$/, ghError(503, "Service Unavailable"));
    t.sim.fail("POST", /^\/graphql$/, "reset");
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(graphqlCalls()).toBe(4);
    expect(latest(pr.number)).toMatchObject({ status: "in_progress", output: { title: "Hotfix waiting for: Emergency approvals" } });
  });

  test("when retries do not help, the check says nothing was verified", async () => {
    t = await createTestApp({ retry: true });
    t.sim.addRepo(REPO);
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.fail("POST", /^\/graphql$/, ghError(502, "Bad Gateway"), 10);
    await expect(t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"))).rejects.toThrow();
    expect(latest(pr.number)).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "Hotfix governance could not be evaluated" } });
  });

  test("a request that hangs times out and is retried", async () => {
    // Long enough that an answered request is never cut short on a loaded machine, short enough
    // to keep the test quick: only the hung request may time out.
    process.env.GITHUB_REQUEST_TIMEOUT_MS = "1500";
    t = await createTestApp({ retry: true });
    t.sim.addRepo(REPO);
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.fail("POST", /^\/graphql$/, "hang");
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(graphqlCalls()).toBe(2);
    expect(latest(pr.number)?.status).toBe("in_progress");
  });
});

describe("rate limits are waited out, not hammered", () => {
  test("a secondary rate limit (403 with retry-after) is retried once after the wait", async () => {
    t = await createTestApp({ throttle: true });
    t.sim.addRepo(REPO);
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    t.sim.fail("POST", /^\/graphql$/, {
      ...ghError(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."),
      headers: { "retry-after": "3" },
    });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(graphqlCalls()).toBe(2);
    expect(latest(pr.number)?.status).toBe("in_progress");
  });

  test("a primary rate limit (remaining 0) waits for the reset, gives up after two tries, and fails closed", async () => {
    t = await createTestApp({ throttle: true });
    t.sim.addRepo(REPO);
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    const limited = {
      ...ghError(403, "API rate limit exceeded for installation ID 4242."),
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 2) },
    };
    t.sim.fail("POST", /^\/graphql$/, limited, 5);
    await expect(t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"))).rejects.toThrow();
    expect(graphqlCalls()).toBe(3);
    expect(latest(pr.number)?.conclusion).toBe("failure");
  });
});

describe("odd input", () => {
  test("a PR that vanished (404) is skipped quietly", async () => {
    t = await createTestApp();
    t.sim.addRepo(REPO);
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    const event = pullRequestEvent(t.sim, REPO, pr.number, "opened");
    t.sim.repo(REPO).pulls.delete(pr.number);
    await t.receive("pull_request", event);
    expect(t.sim.writes()).toHaveLength(0);
  });

  test("unknown events and actions are ignored without a request", async () => {
    t = await createTestApp();
    t.sim.addRepo(REPO);
    const pr = t.sim.addPull(REPO);
    await t.receive("pull_request", { ...pullRequestEvent(t.sim, REPO, pr.number, "opened"), action: "assigned" });
    await t.receive("star", { ...fixture("status"), action: "created", installation: { id: INSTALLATION_ID } });
    expect(t.sim.requests).toHaveLength(0);
  });

  test("a payload larger than usual: 100 labels and a 5 000-line body", async () => {
    t = await createTestApp();
    t.sim.addRepo(REPO);
    const labels = ["hotfix", ...Array.from({ length: 99 }, (_, i) => `label-${i}`)];
    const body = `## Incident\nINC-1\n## Rollback plan\nrevert\n${"line of text\n".repeat(5000)}`;
    const pr = t.sim.addPull(REPO, { labels, body });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
    expect(latest(pr.number)?.status).toBe("in_progress");
  });
});

describe("audit log", () => {
  test("one line per decision with repository, PR, delivery, actor and outcome; no token, key or secret", async () => {
    const lines: string[] = [];
    const log = pino({ level: "debug" }, { write: (line: string) => lines.push(line) });
    t = await createTestApp({ log });
    t.sim.addRepo(REPO);
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"), "audit-delivery-1");
    const decision = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "hotfix governance evaluated");
    expect(decision).toMatchObject({ repository: REPO, pr: pr.number, delivery: "audit-delivery-1", actor: "dev", outcome: "in_progress" });
    const all = lines.join("\n");
    expect(all).not.toContain("ghs_simulated");
    expect(all).not.toContain("PRIVATE KEY");
    expect(all).not.toMatch(/authorization/i);
  });
});
