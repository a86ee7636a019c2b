import { Redis } from "ioredis";
import type { TestApp } from "../support/app.js";
import { startReplicas, type Replicas } from "../support/replicas.js";
import { issueCommentEvent, pullRequestEvent } from "../support/events.js";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { REPO, seedHistory } from "../support/git/scenario.js";
import { describeWithRedis, startRedis, type TestRedis } from "../support/redis.js";
import { attachGit, openPullFromGit, syncBranches } from "../support/simulator/routes-git.js";
import { addRuleset, appBypass } from "../support/simulator/routes-merge.js";
import type { SimPull } from "../support/simulator/state.js";

const APP = "hotfix-governance[bot]";
const CONFIG = "approvals:\n  users: [lead]\npostmortem:\n  enabled: false\n";

const opened: Replicas[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((replicas) => replicas.stop()));
});
afterAll(() => disposeAllGitRepos());

/** Two replicas (two Probot instances, two coordinations) on one GitHub and one Redis, and a hotfix PR by `dev`. */
const twoReplicas = async (redisUrl: string, approved: boolean): Promise<{ a: TestApp; b: TestApp; pr: SimPull }> => {
  const replicas = await startReplicas(redisUrl);
  const { a, b } = replicas;
  opened.push(replicas);
  a.sim.addRepo(REPO, { config: CONFIG });
  const git = attachGit(a.sim, REPO);
  a.sim.setPermission(REPO, "dev", "write");
  a.sim.setPermission(REPO, "lead", "maintain");
  addRuleset(a.sim, REPO, { name: "main", requiredApprovingReviewCount: 1, bypassActors: [appBypass("always")] });
  seedHistory(git);
  git.createBranch("fix", "main");
  git.commitFiles("fix", { "src/cart.ts": "export const cart: string[] = [];\n" }, "Type the cart");
  syncBranches(a.sim.repo(REPO));
  const pr = openPullFromGit(a.sim, REPO, { head: "fix", labels: ["hotfix"], author: "dev" });
  await a.receive("pull_request", pullRequestEvent(a.sim, REPO, pr.number, "labeled", { label: "hotfix" }));
  await new Promise((resolve) => setTimeout(resolve, 5));
  if (approved) {
    const approval = a.sim.addComment(REPO, pr.number, "lead", "/approve-emergency");
    await a.receive("issue_comment", issueCommentEvent(a.sim, REPO, approval, "created"));
  }
  return { a, b, pr };
};

const merges = (t: TestApp) => t.sim.requests.filter((request) => request.method === "PUT" && /\/pulls\/\d+\/merge$/.test(request.path));

describeWithRedis("/merge-emergency on two replicas", () => {
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

  test("the same command at both replicas at once, under two delivery ids: one merge, one 👍", async () => {
    const { a, b, pr } = await twoReplicas(redis.url, true);
    const order = a.sim.addComment(REPO, pr.number, "dev", "/merge-emergency");
    const event = issueCommentEvent(a.sim, REPO, order, "created");
    await Promise.all([a.receive("issue_comment", event, "merge-a"), b.receive("issue_comment", event, "merge-b")]);
    expect(merges(a)).toHaveLength(1);
    expect(a.sim.pull(REPO, pr.number).merged).toBe(true);
    expect(a.sim.repo(REPO).reactions.filter((reaction) => reaction.subjectId === order.id && reaction.user.login === APP).map((reaction) => reaction.content)).toEqual(["+1"]);
  });

  test("a refused command at both replicas at once: one 👎, one reply, nothing merged", async () => {
    const { a, b, pr } = await twoReplicas(redis.url, false);
    const order = a.sim.addComment(REPO, pr.number, "dev", "/merge-emergency");
    const event = issueCommentEvent(a.sim, REPO, order, "created");
    await Promise.all([a.receive("issue_comment", event, "merge-a"), b.receive("issue_comment", event, "merge-b")]);
    expect(merges(a)).toHaveLength(0);
    const replies = a.sim.repo(REPO).issueComments.filter((item) => item.body.includes(`hotfix-governance:merge-reply comment=${order.id} `));
    expect(replies).toHaveLength(1);
  });
});
