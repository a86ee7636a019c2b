import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { createNodeMiddleware, Probot, ProbotOctokit, type ApplicationFunction } from "probot";
import hotfixGovernance from "../../src/index.js";
import { RedisCoordination } from "../../src/platform/redis-coordination.js";
import { createRuntime, type Runtime } from "../../src/platform/runtime.js";
import { testPrivateKey } from "../support/app.js";
import { pullRequestEvent } from "../support/events.js";
import { describeWithRedis, startRedis } from "../support/redis.js";
import { createSimulator, SIM_APP } from "../support/simulator/index.js";
import { serveSimulator } from "../support/simulator/server.js";

const REPO = "acme/shop";

describeWithRedis("Redis going away while the app serves", () => {
  test("deliveries are still handled, and /readyz says the app runs degraded until Redis is back", async () => {
    const redis = await startRedis({ private: true });
    const sim = createSimulator();
    const github = await serveSimulator(sim);
    sim.addRepo(REPO);
    const runtime: Runtime = { ...createRuntime(pino({ level: "silent" }), {}), coordination: new RedisCoordination(redis.url, pino({ level: "silent" })), appId: SIM_APP.id, now: () => new Date() };
    const app: ApplicationFunction = (probot, options) => hotfixGovernance(probot, { ...options, runtime });
    const probot = new Probot({
      appId: SIM_APP.id,
      privateKey: testPrivateKey(),
      baseUrl: github.baseUrl,
      logLevel: "fatal",
      Octokit: ProbotOctokit.defaults((options: any) => ({ ...options, throttle: { enabled: false }, retry: { enabled: false } })),
    });
    const middleware = await createNodeMiddleware(app, { probot });
    const server: Server = createServer((req, res) => void middleware(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      await redis.stop();

      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: "not ready", detail: expect.stringMatching(/degraded to single-process/) });

      const pr = sim.addPull(REPO, { labels: ["hotfix"] });
      await probot.receive({ id: "during-outage", name: "pull_request", payload: pullRequestEvent(sim, REPO, pr.number, "opened") });
      expect(sim.latestCheck(REPO, pr.head.sha)?.status).toBe("in_progress");
    } finally {
      await runtime.coordination.close();
      await new Promise((resolve) => server.close(resolve));
      await github.close();
    }
  }, 30_000);
});
