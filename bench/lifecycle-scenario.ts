/**
 * What happens on (simulated) GitHub before each delivery of the benchmark, and the webhook GitHub
 * would then send. Two scenarios per iteration, each on a PR of its own:
 * - a hotfix lifecycle: opened with the label → push → authorized approval → required check green
 *   → `/merge-emergency` by its author: the app merges it (squash) into release/1.2 past a ruleset
 *   it bypasses → the merge event (forward-port to main, review after merge, postmortem);
 * - an ordinary PR: opened without the label → labelled `hotfix`.
 * Everything is real: commits in a real git repository, PRs computed from it.
 */
import { checkRunEvent, issueCommentEvent, pullRequestEvent } from "../test/support/events.js";
import type { GitRepo } from "../test/support/git/git-repo.js";
import type { GitHubSimulator } from "../test/support/simulator/index.js";
import { changeLabel } from "../test/support/simulator/routes-issues.js";
import { attachGit, identityOf, mergePullFromGit, openPullFromGit } from "../test/support/simulator/routes-git.js";
import { addRuleset, appBypass } from "../test/support/simulator/routes-merge.js";
import { syncPullWithGit } from "../scripts/demo/git-pulls.js";

export const BENCH_REPO = "acme/bench";

export const BENCH_CONFIG = `required_checks: [test]
approvals:
  teams: [oncall]
postmortem:
  assignees: [lead]
`;

/** The event kinds reported, in table order. */
export const EVENT_KINDS = [
  "pull_request.opened (not a hotfix)",
  "pull_request.labeled (becomes a hotfix)",
  "pull_request.opened (hotfix)",
  "pull_request.synchronize (push)",
  "issue_comment.created (approval)",
  "check_run.completed (required check green)",
  "issue_comment.created (/merge-emergency: the app merges)",
  "pull_request.closed (merge: forward-port + postmortem)",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The deliveries of one hotfix's life, from opening to merge. */
export const LIFECYCLE: EventKind[] = [EVENT_KINDS[2], EVENT_KINDS[3], EVENT_KINDS[4], EVENT_KINDS[5], EVENT_KINDS[6], EVENT_KINDS[7]];

export interface Step {
  kind: EventKind;
  /** Changes GitHub's state as people and CI would, and returns the webhook GitHub sends then. */
  act: () => Promise<{ name: string; payload: unknown }>;
}

export interface World {
  sim: GitHubSimulator;
  git: GitRepo;
}

export const createWorld = (sim: GitHubSimulator): World => {
  sim.addRepo(BENCH_REPO, { config: BENCH_CONFIG });
  sim.setPermission(BENCH_REPO, "dev", "write");
  sim.setPermission(BENCH_REPO, "lead", "maintain");
  sim.addTeam("acme", "oncall", { lead: "active" });
  const git = attachGit(sim, BENCH_REPO);
  git.commitFiles("main", { "src/app.ts": "export const app = 1;\n", ".github/hotfix.yml": BENCH_CONFIG }, "Initial", { author: identityOf("dev") });
  git.createBranch("release/1.2", "refs/heads/main");
  // The fast track: release branches ask one approving review; the app bypasses it (SPEC §8).
  addRuleset(sim, BENCH_REPO, { name: "release", branches: ["release/1.2", "main"], requiredApprovingReviewCount: 1, bypassActors: [appBypass("always")] });
  const repo = sim.repo(BENCH_REPO);
  repo.branches.clear();
  for (const [branch, sha] of git.branches()) repo.branches.set(branch, sha);
  return { sim, git };
};

const BODY = "## Incident\nINC-1 checkout is down\n\n## Rollback plan\nRevert this PR.\n";

/** A moment later than anything the app has stamped so far (approvals must be newer than the push it saw). */
const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

export const hotfixLifecycle = ({ sim, git }: World, index: number): Step[] => {
  const branch = `fix/bench-${index}`;
  let number = 0;
  return [
    {
      kind: "pull_request.opened (hotfix)",
      act: async () => {
        git.createBranch(branch, "refs/heads/release/1.2");
        git.commitFiles(branch, { [`src/fix-${index}.ts`]: `export const fixed${index} = true;\n` }, `Fix ${index}`, { author: identityOf("dev") });
        number = openPullFromGit(sim, BENCH_REPO, { head: branch, base: "release/1.2", title: `Hotfix ${index}`, body: BODY, labels: ["hotfix"], author: "dev" }).number;
        return { name: "pull_request", payload: pullRequestEvent(sim, BENCH_REPO, number, "opened") };
      },
    },
    {
      kind: "pull_request.synchronize (push)",
      act: async () => {
        git.commitFiles(branch, { [`src/fix-${index}.ts`]: `export const fixed${index} = true; // reviewed\n` }, `Fix ${index}, take 2`, { author: identityOf("dev") });
        const before = syncPullWithGit(sim, git, BENCH_REPO, number);
        sim.addCheckRun(BENCH_REPO, { headSha: sim.pull(BENCH_REPO, number).head.sha, name: "test", status: "in_progress", app: { id: 15368, slug: "github-actions" } });
        return { name: "pull_request", payload: pullRequestEvent(sim, BENCH_REPO, number, "synchronize", { before }) };
      },
    },
    {
      kind: "issue_comment.created (approval)",
      act: async () => {
        await tick();
        const comment = sim.addComment(BENCH_REPO, number, "lead", "/approve-emergency rollback checked");
        return { name: "issue_comment", payload: issueCommentEvent(sim, BENCH_REPO, comment, "created") };
      },
    },
    {
      kind: "check_run.completed (required check green)",
      act: async () => {
        const pull = sim.pull(BENCH_REPO, number);
        const ci = sim.repo(BENCH_REPO).checkRuns.find((run) => run.name === "test" && run.headSha === pull.head.sha)!;
        Object.assign(ci, { status: "completed", conclusion: "success", completedAt: sim.now() });
        return { name: "check_run", payload: checkRunEvent(sim, BENCH_REPO, ci, "completed", [number]) };
      },
    },
    {
      kind: "issue_comment.created (/merge-emergency: the app merges)",
      act: async () => {
        await tick();
        const comment = sim.addComment(BENCH_REPO, number, "dev", "/merge-emergency checkout is down");
        return { name: "issue_comment", payload: issueCommentEvent(sim, BENCH_REPO, comment, "created") };
      },
    },
    {
      kind: "pull_request.closed (merge: forward-port + postmortem)",
      act: async () => {
        // The app merged it on the command; a human merge stands in only if it did not.
        const merged = sim.pull(BENCH_REPO, number).merged;
        if (!merged) mergePullFromGit(sim, BENCH_REPO, number, "squash", "lead");
        return { name: "pull_request", payload: pullRequestEvent(sim, BENCH_REPO, number, "closed", { sender: merged ? "hotfix-governance[bot]" : "lead" }) };
      },
    },
  ];
};

export const ordinaryThenLabelled = ({ sim, git }: World, index: number): Step[] => {
  const branch = `feature/bench-${index}`;
  let number = 0;
  return [
    {
      kind: "pull_request.opened (not a hotfix)",
      act: async () => {
        git.createBranch(branch, "refs/heads/main");
        git.commitFiles(branch, { [`src/feature-${index}.ts`]: `export const feature${index} = true;\n` }, `Feature ${index}`, { author: identityOf("dev") });
        number = openPullFromGit(sim, BENCH_REPO, { head: branch, base: "main", title: `Feature ${index}`, body: BODY, labels: [], author: "dev" }).number;
        return { name: "pull_request", payload: pullRequestEvent(sim, BENCH_REPO, number, "opened") };
      },
    },
    {
      kind: "pull_request.labeled (becomes a hotfix)",
      act: async () => {
        changeLabel(sim, BENCH_REPO, number, "labeled", "hotfix", "dev");
        return { name: "pull_request", payload: pullRequestEvent(sim, BENCH_REPO, number, "labeled", { label: "hotfix", sender: "dev" }) };
      },
    },
  ];
};

/** What a finished hotfix lifecycle should have left on GitHub: the benchmark refuses to report a run that did less. */
export const lifecycleOutcome = ({ sim }: World, index: number): string[] => {
  const repo = sim.repo(BENCH_REPO);
  const pull = [...repo.pulls.values()].find((candidate) => candidate.head.ref === `fix/bench-${index}`);
  if (!pull) return [`lifecycle ${index}: no PR`];
  const problems: string[] = [];
  const check = [...sim.checkRuns(BENCH_REPO, pull.head.sha)].at(-1);
  if (pull.mergedBy?.login !== "hotfix-governance[bot]") problems.push(`lifecycle ${index}: not fast-track merged by the app (merged by ${pull.mergedBy?.login ?? "nobody"})`);
  if (check?.conclusion !== "success") problems.push(`lifecycle ${index}: the check is ${check?.conclusion ?? check?.status ?? "missing"}, not success`);
  if (![...repo.pulls.values()].some((candidate) => candidate.head.ref === `backport/${pull.number}-to-main`)) problems.push(`lifecycle ${index}: no forward-port PR`);
  if (![...repo.issues.values()].some((issue) => issue.title.endsWith(`(#${pull.number})`))) problems.push(`lifecycle ${index}: no postmortem`);
  return problems;
};
