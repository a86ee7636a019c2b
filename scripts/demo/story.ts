import type { GitRepo } from "../../test/support/git/git-repo.js";
import { checkRunEvent, issueCommentEvent, pullRequestEvent } from "../../test/support/events.js";
import type { GitHubSimulator } from "../../test/support/simulator/index.js";
import { attachGit, identityOf, mergePullFromGit, openPullFromGit } from "../../test/support/simulator/routes-git.js";
import type { SimCheckRun, SimComment, SimPull } from "../../test/support/simulator/state.js";
import { removeFiles, syncPullWithGit } from "./git-pulls.js";
import { changesSince, checkState, snapshot, type Change } from "./observe.js";

/**
 * The demo's story, played on a simulated GitHub against the real app: a hotfix to `release/1.2`
 * that fails scope, is fixed, is refused a self-approval, is approved by the on-call lead, turns
 * green and is merged; then the forward-port to `main`, a conflicting backport to `release/1.1`
 * and the postmortem. The people's actions change the simulator's state (as they would change
 * GitHub's) and each one is followed by the webhook GitHub would send. The driver decides how the
 * webhook reaches the app: signed over HTTP to `node lib/main.js` (`npm run demo`) or through
 * `probot.receive` (the end-to-end test).
 */

export const DEMO_REPO = "acme/shop";
export const DEMO_TITLE = "Fix checkout crash on an empty cart";

export const DEMO_CONFIG = `# .github/hotfix.yml of the demo repository
base_branches: [main, "release/**"]
scope:
  max_files: 3
body:
  incident_pattern: "INC-\\\\d+"
required_checks: [test]
approvals:
  teams: [oncall]
backport:
  targets: [release/1.1]
postmortem:
  assignees: [maria]
`;

const PR_BODY = `Empty carts crash the checkout with a 500 since v1.2.0.

## Incident
INC-4711: checkout returns 500 for an empty cart (paging since 09:12 UTC).

## Rollback plan
Revert this PR; v1.2.3 is tagged and deployable.
`;

const CHECKOUT_V1 = `export interface Cart { items: Array<{ price: number }> }

/** The amount to charge. */
export function total(cart: Cart): number {
  const first = cart.items[0];
  return cart.items.slice(1).reduce((sum, item) => sum + item.price, first.price);
}
`;

const CHECKOUT_FIXED = `export interface Cart { items: Array<{ price: number }> }

/** The amount to charge. */
export function total(cart: Cart): number {
  if (cart.items.length === 0) return 0;
  return cart.items.reduce((sum, item) => sum + item.price, 0);
}
`;

/** release/1.1 still has the old cart model: the same lines differ, so the fix cannot be cherry-picked cleanly. */
const CHECKOUT_LEGACY = `export interface Cart { lines: Array<{ amount: number }> }

/** The amount to charge. */
export function total(cart: Cart): number {
  let sum = cart.lines[0].amount;
  for (const line of cart.lines.slice(1)) sum += line.amount;
  return sum;
}
`;

const CHECKOUT_TEST = `import { total } from "./checkout";

test("an empty cart costs nothing", () => expect(total({ items: [] })).toBe(0));
`;

export interface Delivered {
  /** The HTTP status the app answered (null when delivered in process). */
  status: number | null;
  /** From sending to the end of the app's handling. */
  ms: number;
  /** When the app answered, if before the end of its handling (Probot answers 202 after 9 s and goes on). */
  answeredMs?: number;
  /** Anything else worth saying about the delivery (a failed handler, a handler still running). */
  note?: string;
}

export interface StoryDriver {
  sim: GitHubSimulator;
  /** Delivers one webhook and resolves once the app has finished handling it. */
  deliver: (name: string, payload: unknown) => Promise<Delivered>;
  /** Moves the clocks forward between human actions (the test fakes time; the real demo lets it pass). */
  advance: (minutes: number) => void;
  /** Called when a step starts (its title) and ends (its record): the CLI prints as it goes. */
  onStepStart?: (index: number, title: string, narration: string[]) => void;
  onStep?: (step: StepRecord) => void;
}

export interface Expectation {
  what: string;
  ok: boolean;
  /** Why it did not happen, when it did not. */
  detail?: string;
}

export interface StepRecord {
  index: number;
  title: string;
  narration: string[];
  event: string;
  delivered: Delivered;
  changes: Change[];
  expectations: Expectation[];
  requests: number;
  writes: number;
  /** The hotfix PR's `Hotfix governance` check after the step (what GitHub shows). */
  check: { sha: string; state: string; title: string; summary: string } | null;
}

export interface StoryResult {
  steps: StepRecord[];
  repoName: string;
  pr: number;
  git: GitRepo;
  ok: boolean;
  missed: Array<{ step: string; what: string; detail?: string }>;
}

const APP_LOGIN = "hotfix-governance[bot]";

/** The repository, its people and its history: main, release/1.2 (cut from main) and release/1.1 (older, diverged). */
export const setUpWorld = (sim: GitHubSimulator): GitRepo => {
  sim.addRepo(DEMO_REPO, { config: DEMO_CONFIG });
  sim.setPermission(DEMO_REPO, "dev", "write");
  sim.setPermission(DEMO_REPO, "maria", "maintain");
  sim.addTeam("acme", "oncall", { maria: "active", dev: "active" });
  const git = attachGit(sim, DEMO_REPO);
  const dev = identityOf("dev");
  git.commitFiles("main", { "src/checkout.ts": CHECKOUT_V1, "README.md": "# shop\n", ".github/hotfix.yml": DEMO_CONFIG }, "Checkout service", { author: dev });
  git.createBranch("release/1.1", "refs/heads/main");
  git.commitFiles("release/1.1", { "src/checkout.ts": CHECKOUT_LEGACY }, "1.1: legacy cart model", { author: dev });
  git.commitFiles("main", { "README.md": "# shop\n\nThe checkout service.\n" }, "Docs", { author: dev });
  git.createBranch("release/1.2", "refs/heads/main");
  // The simulator's branch list follows git; file contents (the config) are read from the default branch.
  const repo = sim.repo(DEMO_REPO);
  repo.branches.clear();
  for (const [branch, sha] of git.branches()) repo.branches.set(branch, sha);
  return git;
};

const appComments = (sim: GitHubSimulator, pr: number): SimComment[] =>
  sim.repo(DEMO_REPO).issueComments.filter((comment) => comment.issueNumber === pr && comment.user.login === APP_LOGIN);
const reactionsOn = (sim: GitHubSimulator, comment: SimComment): string[] =>
  sim.repo(DEMO_REPO).reactions.filter((reaction) => reaction.subject === "comment" && reaction.subjectId === comment.id && reaction.user.login === APP_LOGIN).map((reaction) => reaction.content);
const checkOf = (sim: GitHubSimulator, pull: SimPull) => sim.latestCheck(DEMO_REPO, pull.head.sha);
const row = (run: SimCheckRun | undefined, title: string): string | undefined => run?.output.text?.split("\n").find((line) => line.includes(`**${title}**`));

const expectation = (what: string, ok: boolean, detail?: string): Expectation => ({ what, ok, ...(ok ? {} : { detail }) });

/** Plays the story; never throws for an app that does less than expected: each expectation says what did not happen. */
export const playStory = async (driver: StoryDriver): Promise<StoryResult> => {
  const { sim } = driver;
  const git = setUpWorld(sim);
  const steps: StepRecord[] = [];
  let pull: SimPull | undefined;

  const step = async (
    title: string,
    narration: string[],
    act: () => { name: string; payload: unknown },
    expect: () => Expectation[],
  ): Promise<void> => {
    const index = steps.length + 1;
    driver.onStepStart?.(index, title, narration);
    const { name, payload } = act();
    const before = snapshot(sim.repo(DEMO_REPO));
    const firstRequest = sim.requests.length;
    const action = (payload as { action?: string }).action;
    const delivered = await driver.deliver(name, payload);
    const requests = sim.requests.slice(firstRequest);
    const run = pull ? checkOf(sim, pull) : undefined;
    const record: StepRecord = {
      index,
      title,
      narration,
      event: action ? `${name}.${action}` : name,
      delivered,
      changes: changesSince(sim, DEMO_REPO, before),
      expectations: expect(),
      requests: requests.filter((request) => !/\/access_tokens$/.test(request.path)).length,
      writes: requests.filter((request) => request.method !== "GET" && request.path !== "/graphql" && !/\/access_tokens$/.test(request.path)).length +
        requests.filter((request) => request.path === "/graphql" && /^\s*mutation/.test(String(request.body?.query ?? ""))).length,
      check: run ? { sha: run.headSha, state: checkState(run), title: run.output.title ?? "", summary: run.output.summary ?? "" } : null,
    };
    steps.push(record);
    driver.onStep?.(record);
  };

  // 1. A hotfix that does too much.
  let firstComment: SimComment | undefined;
  await step(
    "@dev opens a hotfix PR to release/1.2 — with debugging leftovers",
    ["@dev fixes the crash on branch `fix/empty-cart`, but also commits a debug helper, a repro script, notes and a log switch: 6 files.", "He opens the PR to `release/1.2` with the `hotfix` label."],
    () => {
      git.createBranch("fix/empty-cart", "refs/heads/release/1.2");
      git.commitFiles(
        "fix/empty-cart",
        {
          "src/checkout.ts": CHECKOUT_FIXED,
          "src/checkout.test.ts": CHECKOUT_TEST,
          "src/debug.ts": "export const debug = (...args: unknown[]) => console.log('[cart]', ...args);\n",
          "scripts/repro.sh": "#!/bin/sh\ncurl -X POST localhost:3000/checkout -d '{\"items\":[]}'\n",
          "NOTES.md": "- empty cart → items[0] undefined\n",
          "config/logging.json": "{ \"level\": \"debug\" }\n",
        },
        "Fix checkout crash on an empty cart",
        { author: identityOf("dev") },
      );
      pull = openPullFromGit(sim, DEMO_REPO, { head: "fix/empty-cart", base: "release/1.2", title: DEMO_TITLE, body: PR_BODY, labels: ["hotfix"], author: "dev" });
      return { name: "pull_request", payload: pullRequestEvent(sim, DEMO_REPO, pull.number, "opened") };
    },
    () => {
      const run = checkOf(sim, pull!);
      return [
        expectation("the `Hotfix governance` check fails", run?.conclusion === "failure", `the check is ${run ? checkState(run) : "missing"}`),
        expectation("the check says the scope is exceeded", Boolean(row(run, "Changed files within scope")?.startsWith("- ❌")), "no failing scope row in the check"),
        expectation("the PR gets the app's status comment", appComments(sim, pull!.number).some((comment) => comment.body.includes("hotfix-governance:status")), "no status comment"),
        expectation("reviews are requested from the on-call team", sim.pull(DEMO_REPO, pull!.number).requestedTeams.includes("oncall"), "no review request"),
      ];
    },
  );

  // 2. The fix is trimmed down.
  driver.advance(4);
  await step(
    "@dev removes the leftovers and pushes",
    ["@dev deletes the four extra files and pushes (a `synchronize` event); CI starts `test` on the new commit."],
    () => {
      removeFiles(git, "fix/empty-cart", ["src/debug.ts", "scripts/repro.sh", "NOTES.md", "config/logging.json"], "Remove debugging leftovers");
      const before = syncPullWithGit(sim, git, DEMO_REPO, pull!.number);
      sim.addCheckRun(DEMO_REPO, { headSha: pull!.head.sha, name: "test", status: "in_progress", app: { id: 15368, slug: "github-actions" } });
      return { name: "pull_request", payload: pullRequestEvent(sim, DEMO_REPO, pull!.number, "synchronize", { before }) };
    },
    () => {
      const run = checkOf(sim, pull!);
      return [
        expectation("a new check on the new commit waits (in progress) instead of failing", run?.status === "in_progress", `the check is ${run ? checkState(run) : "missing"}`),
        expectation("the scope now holds", Boolean(row(run, "Changed files within scope")?.startsWith("- ✅")), "the scope row does not pass"),
      ];
    },
  );

  // 3. Self-approval.
  driver.advance(3);
  await step(
    "@dev tries to approve his own hotfix",
    ["@dev comments `/approve-emergency tested locally` on his own PR."],
    () => {
      firstComment = sim.addComment(DEMO_REPO, pull!.number, "dev", "/approve-emergency tested locally");
      return { name: "issue_comment", payload: issueCommentEvent(sim, DEMO_REPO, firstComment, "created") };
    },
    () => {
      const replies = appComments(sim, pull!.number).filter((comment) => comment.body.includes(`hotfix-governance:reply:comment:${firstComment!.id}`));
      return [
        expectation("the command gets a 👎", reactionsOn(sim, firstComment!).includes("-1"), `reactions: ${reactionsOn(sim, firstComment!).join(", ") || "none"}`),
        expectation("one reply says why it was refused", replies.length === 1, `${replies.length} replies`),
        expectation("the check still waits", checkOf(sim, pull!)?.status === "in_progress", "the check is not in progress"),
      ];
    },
  );

  // 4. The on-call lead approves.
  driver.advance(6);
  let approval: SimComment | undefined;
  await step(
    "@maria, the on-call lead, approves",
    ["@maria (team `oncall`) reviews the diff and comments `/approve-emergency rollback plan checked`."],
    () => {
      approval = sim.addComment(DEMO_REPO, pull!.number, "maria", "Looked at the diff and the rollback plan.\n/approve-emergency rollback plan checked");
      return { name: "issue_comment", payload: issueCommentEvent(sim, DEMO_REPO, approval, "created") };
    },
    () => {
      const run = checkOf(sim, pull!);
      return [
        expectation("the approval gets a 👍", reactionsOn(sim, approval!).includes("+1"), `reactions: ${reactionsOn(sim, approval!).join(", ") || "none"}`),
        expectation("the check counts it", Boolean(row(run, "Emergency approvals")?.startsWith("- ✅")), "the approvals row does not pass"),
        expectation("the check still waits for `test`", run?.status === "in_progress", `the check is ${run ? checkState(run) : "missing"}`),
      ];
    },
  );

  // 5. CI turns green.
  driver.advance(2);
  await step(
    "CI finishes: `test` passes",
    ["GitHub Actions completes the `test` check run on the head commit (a `check_run.completed` event)."],
    () => {
      const ci = sim.repo(DEMO_REPO).checkRuns.find((run) => run.name === "test" && run.headSha === pull!.head.sha)!;
      Object.assign(ci, { status: "completed", conclusion: "success", completedAt: sim.now(), output: { title: "12 tests passed", summary: "All green.", text: null } });
      return { name: "check_run", payload: checkRunEvent(sim, DEMO_REPO, ci, "completed", [pull!.number]) };
    },
    () => {
      const run = checkOf(sim, pull!);
      return [expectation("the `Hotfix governance` check passes", run?.conclusion === "success", `the check is ${run ? checkState(run) : "missing"}`)];
    },
  );

  // 6. Merge, then the follow-ups.
  driver.advance(5);
  await step(
    "@maria merges the hotfix (squash)",
    ["@maria squash-merges #1 into `release/1.2` (a `pull_request.closed` event with `merged: true`).", "The app should port it forward to `main` and back to `release/1.1`, and open the postmortem."],
    () => {
      mergePullFromGit(sim, DEMO_REPO, pull!.number, "squash", "maria");
      return { name: "pull_request", payload: pullRequestEvent(sim, DEMO_REPO, pull!.number, "closed", { sender: "maria" }) };
    },
    () => mergeExpectations(sim, pull!),
  );

  const missed = steps.flatMap((record) => record.expectations.filter((item) => !item.ok).map((item) => ({ step: record.title, what: item.what, detail: item.detail })));
  return { steps, repoName: DEMO_REPO, pr: pull!.number, git, ok: missed.length === 0, missed };
};

/** The follow-ups of the merge, each said separately so a missing capability is named, not hidden. */
const mergeExpectations = (sim: GitHubSimulator, pull: SimPull): Expectation[] => {
  const repo = sim.repo(DEMO_REPO);
  const n = pull.number;
  const forward = [...repo.pulls.values()].find((other) => other.number !== n && other.base.ref === "main" && other.head.ref === `backport/${n}-to-main`);
  const toOld = [...repo.pulls.values()].find((other) => other.number !== n && other.base.ref === "release/1.1");
  const conflict = appComments(sim, n).find((comment) => comment.body.includes("release/1.1") && /cherry-pick/i.test(comment.body));
  const postmortem = [...repo.issues.values()].find((issue) => issue.title === `Postmortem: ${DEMO_TITLE} (#${n})`);
  const body = postmortem?.body ?? "";
  return [
    expectation(
      "the forward-port PR to `main` is opened",
      Boolean(forward && forward.title === `[Backport main] ${DEMO_TITLE}` && (forward.body ?? "").includes(`Backport of #${n}`)),
      forward ? `found #${forward.number} “${forward.title}” but not in the expected form` : `no PR from \`backport/${n}-to-main\` to \`main\``,
    ),
    expectation(
      "the backport to `release/1.1` conflicts and is reported on the PR (no PR, no branch left behind)",
      Boolean(conflict) && !toOld && !repo.branches.has(`backport/${n}-to-release/1.1`),
      toOld ? `a PR to release/1.1 was opened (#${toOld.number})` : conflict ? "a branch was left behind" : "no comment on the PR names `release/1.1` with the git commands",
    ),
    expectation("the postmortem issue is opened", Boolean(postmortem), "no issue titled `Postmortem: …`"),
    expectation("the postmortem has its timeline (approval, merge)", /Emergency approval by @maria/.test(body) && /Merged by @maria/.test(body), "the timeline lacks the approval or the merge"),
    expectation("the postmortem lists the failed backport as an action item", /- \[ \][^\n]*release\/1\.1/.test(body), "no action item names `release/1.1`"),
    expectation(
      "the PR links the postmortem",
      Boolean(postmortem) && appComments(sim, n).some((comment) => comment.body.includes(`#${postmortem!.number}`) && comment.body.includes("hotfix-governance:postmortem-comment")),
      "no link comment",
    ),
  ];
};
