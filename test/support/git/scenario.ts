import type { Logger } from "pino";
import { createTestApp, type TestApp } from "../app.js";
import { issueCommentEvent, pullRequestEvent } from "../events.js";
import type { SimPull } from "../simulator/state.js";
import { attachGit, mergePullFromGit, openPullFromGit, syncBranches } from "../simulator/routes-git.js";
import type { GitRepo } from "./git-repo.js";

export const REPO = "acme/shop";

/** A repository whose git endpoints are a real git repository, with people and a config. */
export interface Scenario {
  t: TestApp;
  git: GitRepo;
}

export const BACKPORT_CONFIG = `
approvals:
  users: [lead, ops]
backport:
  targets: [release/1.0]
postmortem:
  enabled: false
review_after_merge:
  required: false
`;

export const createScenario = async (config = BACKPORT_CONFIG, options: { retry?: boolean; workflowsPermission?: boolean; log?: Logger } = {}): Promise<Scenario> => {
  // One simulator answers at a time, even when a test builds several scenarios.
  const { stopServingThroughNock } = await import("../simulator/nock-serve.js");
  stopServingThroughNock();
  const t = await createTestApp({ retry: options.retry, log: options.log });
  t.sim.addRepo(REPO, { config });
  const git = attachGit(t.sim, REPO, { workflowsPermission: options.workflowsPermission });
  t.sim.setPermission(REPO, "dev", "write");
  t.sim.setPermission(REPO, "lead", "maintain");
  t.sim.setPermission(REPO, "ops", "write");
  return { t, git };
};

/** A hotfix PR from `head` into `base`, merged the way GitHub's button does with `method`. */
export const mergeHotfix = (
  s: Scenario,
  options: { head: string; base?: string; method: "merge" | "squash" | "rebase"; labels?: string[]; title?: string; body?: string; author?: string; fromFork?: string; headRef?: string },
): { pr: SimPull; mergeSha: string } => {
  syncBranches(s.t.sim.repo(REPO));
  const pr = openPullFromGit(s.t.sim, REPO, {
    head: options.head,
    base: options.base,
    labels: options.labels ?? ["hotfix"],
    title: options.title ?? "Fix the checkout outage",
    body: options.body,
    author: options.author ?? "dev",
    fromFork: options.fromFork,
    headRef: options.headRef,
  });
  const mergeSha = mergePullFromGit(s.t.sim, REPO, pr.number, options.method);
  return { pr, mergeSha };
};

/** The history, and a branch `fix` off main with one commit that fixes the cart: the hotfix most tests port or merge. */
export const cartFix = (s: Scenario): void => {
  seedHistory(s.git);
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['fixed'];\n" }, "Fix the cart");
};

/** The hotfix PR from `fix` by `dev`, opened and labelled `hotfix`, and the app has seen the label. */
export const openLabelledHotfix = async (s: Scenario, options: { draft?: boolean } = {}): Promise<SimPull> => {
  syncBranches(s.t.sim.repo(REPO));
  const pr = openPullFromGit(s.t.sim, REPO, { head: "fix", labels: ["hotfix"], title: "Fix the checkout outage", author: "dev" });
  pr.draft = options.draft ?? false;
  await s.t.receive("pull_request", pullRequestEvent(s.t.sim, REPO, pr.number, "labeled", { label: "hotfix" }));
  return pr;
};

export const receiveMerge = (s: Scenario, number: number): Promise<void> =>
  s.t.receive("pull_request", pullRequestEvent(s.t.sim, REPO, number, "closed", { sender: "lead" }));

export const comment = async (s: Scenario, number: number, author: string, body: string) => {
  const created = s.t.sim.addComment(REPO, number, author, body);
  await s.t.receive("issue_comment", issueCommentEvent(s.t.sim, REPO, created, "created"));
  return created;
};

export const backportPulls = (s: Scenario): SimPull[] => [...s.t.sim.repo(REPO).pulls.values()].filter((pull) => pull.head.ref.startsWith("backport/"));

/** The app's comments on PR #`number`. */
export const appComments = (s: Scenario, number: number) =>
  s.t.sim.repo(REPO).issueComments.filter((item) => item.issueNumber === number && item.user.login.endsWith("[bot]"));

/** Requests of the backport work: everything but the token and the config read. */
export const backportRequests = (s: Scenario) =>
  s.t.sim.requests.filter((request) => !/\/access_tokens$/.test(request.path) && !request.path.includes("/contents/.github/hotfix.yml"));

/** A small history: main and release/1.0 share src/checkout.ts, then both move on. */
export const seedHistory = (git: GitRepo): void => {
  git.commitFiles(
    "main",
    {
      "src/checkout.ts": ["export const total = (items) =>", "  items.reduce((sum, item) => sum + item.price, 0);", "", "export const currency = 'EUR';", ""].join("\n"),
      "src/cart.ts": "export const cart = [];\n",
      "README.md": "# Shop\n",
    },
    "Shop",
  );
  git.createBranch("release/1.0", "main");
  git.commitFiles("release/1.0", { "CHANGELOG.md": "## 1.0\n" }, "Release 1.0");
  git.commitFiles("main", { "src/search.ts": "export const search = () => [];\n", "README.md": "# Shop\n\nNow with search.\n" }, "Search");
};
