import nock from "nock";
import { createTestApp, type TestApp } from "./app.js";
import { clockAt, fakeDateOnly } from "./clock.js";
import { issueCommentEvent, pullRequestEvent } from "./events.js";
import type { SimComment, SimPermission, SimPull } from "./simulator/state.js";

export const REPO = "acme/shop";
export const APP = "hotfix-governance[bot]";
export const T0 = Date.parse("2024-05-01T10:00:00.000Z");

/**
 * What the approvals suites share: a fresh app per test on one clock that the app and the
 * simulator both read (`at(minute)` after `t0`), and the steps and readings every approvals test
 * is written in. Call at a test file's top level; `t` is always the running test's app.
 */
export const approvalsHarness = (t0 = T0) => {
  let current: TestApp | undefined;
  const t = new Proxy({} as TestApp, {
    get: (_target, key) => {
      if (!current) throw new Error("no test app yet: use `t` inside a test or a hook");
      return current[key as keyof TestApp];
    },
  });
  const at = clockAt(t0, () => t.sim);
  fakeDateOnly();
  beforeEach(async () => {
    current = await createTestApp();
    at(0);
  });
  afterEach(() => nock.cleanAll());

  /**
   * A repository with `config` and people with `roles`, and a hotfix PR the app has seen labelled
   * at minute 0; then the clock is at minute 5 and the requests so far are forgotten.
   */
  const start = async (options: { config: string; roles: Record<string, SimPermission>; setup?: () => void; pull?: Parameters<TestApp["sim"]["addPull"]>[1] }): Promise<SimPull> => {
    t.sim.addRepo(REPO, { config: options.config });
    for (const [login, role] of Object.entries(options.roles)) t.sim.setPermission(REPO, login, role);
    options.setup?.();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"], ...options.pull });
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "labeled", { label: "hotfix" }));
    at(5);
    t.sim.reset();
    return pr;
  };
  /** `login` writes `body` on the PR, and the app hears of it. */
  const comment = async (pr: SimPull, login: string, body: string): Promise<SimComment> => {
    const created = t.sim.addComment(REPO, pr.number, login, body);
    await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, created, "created"));
    return created;
  };
  /** The newest `Hotfix governance` run on the PR's head now. */
  const check = (pr: SimPull) => t.sim.latestCheck(REPO, t.sim.pull(REPO, pr.number).head.sha)!;
  /** The app's replies to commands. */
  const replies = () => t.sim.repo(REPO).issueComments.filter((item) => item.user.login === APP && item.body.includes("hotfix-governance:reply"));
  /** Every request since the last `sim.reset()`, as `METHOD /path`. */
  const calls = () => t.sim.requests.map((request) => `${request.method} ${request.path}`);
  return { t, at, start, comment, check, replies, calls };
};
