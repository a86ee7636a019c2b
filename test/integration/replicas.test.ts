import { Redis } from "ioredis";
import type { TestApp } from "../support/app.js";
import { startReplicas, type Replicas } from "../support/replicas.js";
import { pullRequestEvent } from "../support/events.js";
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
});
