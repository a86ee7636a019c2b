import { Redis } from "ioredis";
import type { TestApp } from "../support/app.js";
import { startReplicas, type Replicas } from "../support/replicas.js";
import { checkRunEvent, pullRequestEvent, statusEvent } from "../support/events.js";
import { mergeHotfix, REPO, seedHistory, type Scenario } from "../support/git/scenario.js";
import { describeWithRedis, startRedis, type TestRedis } from "../support/redis.js";
import { attachGit } from "../support/simulator/routes-git.js";

const CONFIG = `
approvals:
  users: [lead]
backport:
  targets: [release/1.0]
postmortem:
  enabled: true
`;

/** Two replicas of the app (two Probot instances, two coordinations) on one GitHub and one Redis. */
const twoReplicas = async (redisUrl: string): Promise<{ a: TestApp; b: TestApp; s: Scenario }> => {
  const replicas = await startReplicas(redisUrl);
  const { a, b } = replicas;
  opened.push(replicas);
  a.sim.addRepo(REPO, { config: CONFIG });
  const git = attachGit(a.sim, REPO);
  a.sim.setPermission(REPO, "dev", "write");
  a.sim.setPermission(REPO, "lead", "maintain");
  const s = { t: a, git };
  seedHistory(git);
  git.createBranch("fix", "main");
  git.commitFiles("fix", { "src/cart.ts": "export const cart: string[] = [];\n" }, "Type the cart");
  return { a, b, s };
};

const backportPulls = (t: TestApp) => [...t.sim.repo(REPO).pulls.values()].filter((pull) => pull.head.ref.startsWith("backport/"));
const postmortems = (t: TestApp) => [...t.sim.repo(REPO).issues.values()].filter((issue) => issue.title.startsWith("Postmortem:"));

const opened: Replicas[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((replicas) => replicas.stop()));
});

describeWithRedis("several replicas on one Redis", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  beforeEach(async () => {
    const admin = new Redis(redis.url);
    await admin.flushdb();
    admin.disconnect();
  });
  afterAll(async () => {
    await redis.stop();
  });

  test("the same merge delivery at both replicas at the same moment: one backport PR per target, one postmortem", async () => {
    const { a, b, s } = await twoReplicas(redis.url);
    const { pr } = mergeHotfix(s, { head: "fix", base: "main", method: "squash" });
    const event = pullRequestEvent(a.sim, REPO, pr.number, "closed", { sender: "lead" });
    await Promise.all([a.receive("pull_request", event, "merge-delivery-1"), b.receive("pull_request", event, "merge-delivery-1")]);
    expect(backportPulls(a).map((pull) => pull.base.ref)).toEqual(["release/1.0"]);
    expect(postmortems(a)).toHaveLength(1);
  });

  test("two different deliveries of the same merge at once (two replicas): still exactly one of each", async () => {
    const { a, b, s } = await twoReplicas(redis.url);
    const { pr } = mergeHotfix(s, { head: "fix", base: "main", method: "squash" });
    const event = pullRequestEvent(a.sim, REPO, pr.number, "closed", { sender: "lead" });
    await Promise.all([a.receive("pull_request", event, "merge-a"), b.receive("pull_request", event, "merge-b")]);
    expect(backportPulls(a)).toHaveLength(1);
    expect(postmortems(a)).toHaveLength(1);
    const linkComments = a.sim.repo(REPO).issueComments.filter((comment) => comment.issueNumber === pr.number && /postmortem/i.test(comment.body));
    expect(linkComments).toHaveLength(1);
  });

  test("a delivery handled by one replica is skipped by the other (GitHub's redelivery keeps the id)", async () => {
    const { a, b } = await twoReplicas(redis.url);
    const pr = a.sim.addPull(REPO, { labels: ["hotfix"] });
    const event = pullRequestEvent(a.sim, REPO, pr.number, "opened");
    await a.receive("pull_request", event, "opened-1");
    a.sim.reset();
    await b.receive("pull_request", event, "opened-1");
    expect(a.sim.requests).toHaveLength(0);
  });
  test("a burst of 50 events for one hotfix PR over both replicas, arriving while evaluations run: one correct verdict, none dropped, at most 3 evaluations", async () => {
    const replicas = await startReplicas(redis.url);
    const { a, b } = replicas;
    opened.push(replicas);
    const repo = "acme/burst";
    a.sim.addRepo(repo, { config: "required_checks: [build, ci/deploy]\napprovals:\n  users: [lead]\n" });
    a.sim.setPermission(repo, "lead", "maintain");
    const pr = a.sim.addPull(repo, { labels: ["hotfix"], author: "dev" });
    await a.receive("pull_request", pullRequestEvent(a.sim, repo, pr.number, "opened"));
    expect(a.sim.latestCheck(repo, pr.head.sha)?.status).toBe("in_progress");
    a.sim.addComment(repo, pr.number, "lead", "/approve-emergency rollback tested");
    const build = a.sim.addCheckRun(repo, { headSha: pr.head.sha, name: "build", conclusion: "success", app: { id: 15368, slug: "github-actions" } });
    const deploy = a.sim.addStatus(repo, { sha: pr.head.sha, context: "ci/deploy", state: "success" });
    a.sim.reset();

    // GitHub takes its time: the first two evaluations' facts queries are answered only when the test says so.
    const started: number[] = [];
    const gate = () => {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      return { promise, resolve };
    };
    const gates = [gate(), gate()];
    const handle = a.sim.handle.bind(a.sim);
    a.sim.handle = async (method, url, body, headers) => {
      if (method === "POST" && /query PullRequestFacts/.test((body as { query?: string })?.query ?? "")) {
        started.push(Date.now());
        await gates[started.length - 1]?.promise;
      }
      return handle(method, url, body, headers);
    };
    const until = async (condition: () => boolean) => {
      for (let waited = 0; !condition(); waited += 10) {
        if (waited > 10_000) throw new Error("timed out");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const settle = () => new Promise((resolve) => setTimeout(resolve, 400));
    const event = (index: number) =>
      index % 3 === 0
        ? (["check_run", checkRunEvent(a.sim, repo, build, "completed", [pr.number])] as const)
        : index % 3 === 1
          ? (["status", statusEvent(a.sim, repo, deploy)] as const)
          : (["pull_request", pullRequestEvent(a.sim, repo, pr.number, "edited")] as const);
    const send = (from: number, to: number) =>
      Array.from({ length: to - from }, (_unused, offset) => {
        const [name, payload] = event(from + offset);
        return (offset % 2 === 0 ? a : b).receive(name, payload, `burst-${from + offset}`);
      });

    // 25 events while the first evaluation reads GitHub, 25 more while the second does, spread over both replicas.
    const first = send(0, 25);
    await until(() => started.length === 1);
    await settle();
    gates[0].resolve();
    await until(() => started.length === 2);
    const second = send(25, 50);
    await settle();
    gates[1].resolve();
    const results = await Promise.allSettled([...first, ...second]);

    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    const checkWrites = a.sim.requests.filter((request) => /\/check-runs/.test(request.path) && request.method !== "GET").length;
    expect(a.sim.latestCheck(repo, pr.head.sha)).toMatchObject({ status: "completed", conclusion: "success" });
    // The first evaluation, one for the events that came while it ran, one for those during the second.
    expect(started.length).toBeLessThanOrEqual(3);
    expect(checkWrites).toBe(1);
  });
});
