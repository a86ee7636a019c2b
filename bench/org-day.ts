/**
 * The organisation day (issue 14): the app is a required check on every PR of an organisation,
 * so it pays for every CI event of every PR. One installation, 10 repositories; a peak hour of
 * `prs` PRs (default 150), each with 20 check runs of another CI app, that app's check suite,
 * 5 commit statuses, one ordinary comment and the app's own suite completing; 2 % are hotfixes
 * (opened with the label, approved by a comment). Deliveries go one at a time to the app in its
 * own process (bench/lifecycle-driver.ts), so each one's requests are exactly those made while
 * it ran; GraphQL points are scored as GitHub does (test/support/simulator/graphql-cost.ts).
 * The day is the peak hour's per-PR cost times `dayPrs` (default 1,000).
 * Then: irrelevant deliveries (a comment without a command, a `star`) side by side with a bare
 * Probot, and a burst of 50 events for one hotfix PR at once.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { checkRunEvent, checkSuiteEvent, issueCommentEvent, pullRequestEvent, statusEvent, INSTALLATION_ID } from "../test/support/events.js";
import { createSimulator, SIM_APP, type GitHubSimulator } from "../test/support/simulator/index.js";
import { serveSimulator } from "../test/support/simulator/server.js";
import type { DriverReply, DriverRequest } from "./lifecycle-driver.js";
import { mean, percentile } from "./stats.js";
import { summarizeProfile, type CpuProfile, type ProfileSummary } from "./cpu-profile.js";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const REPOS = Array.from({ length: 10 }, (_unused, index) => `acme/svc-${index}`);
const CONFIG = "required_checks: [build, ci/deploy]\napprovals:\n  users: [lead]\n";
const CI_APP = { id: 15368, slug: "github-actions" };
const CHECK_NAMES = ["build", "lint", ...Array.from({ length: 18 }, (_unused, index) => `job-${index + 3}`)];
const STATUS_CONTEXTS = ["ci/deploy", "ci/coverage", "ci/security", "ci/license", "ci/docs"];
/** GitHub's hourly budgets of one installation (the minimum; large organisations get up to 12,500). */
const HOURLY_BUDGET = 5000;

type Kind =
  | "pull_request.opened (not a hotfix)"
  | "check/suite/status on a non-hotfix PR"
  | "the app's own check_suite.completed"
  | "issue_comment.created (no command)"
  | "pull_request.opened (hotfix)"
  | "check/suite/status on a hotfix"
  | "issue_comment.created (approval)";

interface Sample {
  kind: Kind;
  rest: number;
  points: number;
  writes: number;
  cpuMs: number;
  ms: number;
  error?: string;
}

export interface OrgDayResult {
  prs: number;
  dayPrs: number;
  samples: Sample[];
  irrelevant: Array<{ kind: string; appCpuMs: number; bareCpuMs: number }>;
  burst: { events: number; evaluations: number; failed: number; verdict: string };
  /** BENCH_CPU_PROF: the app process's profile over the recorded hour (not start-up or warm-up). */
  profile?: ProfileSummary & { file: string };
  problems: string[];
}

interface Driver {
  deliver: (name: string, payload: unknown) => Promise<Extract<DriverReply, { type: "delivered" }>>;
  profile: (action: "start" | "stop", file?: string) => Promise<void>;
  close: () => void;
}

const startDriver = async (variant: "app" | "bare", baseUrl: string): Promise<Driver> => {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_VARIANT: variant, BENCH_BASE_URL: baseUrl, APP_ID: String(SIM_APP.id), POSTMORTEM_REMINDER_INTERVAL_MINUTES: "0", RECONCILE_INTERVAL_MINUTES: "0" };
  delete env.REDIS_URL;
  const child: ChildProcess = fork(fileURLToPath(new URL("./lifecycle-driver.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, (reply: DriverReply) => void>();
  let onProfiled: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the ${variant} driver exited with ${code}`)));
    child.on("message", (reply: DriverReply) => {
      if (reply.type === "ready") resolve();
      else if (reply.type === "delivered") waiting.get(reply.id)?.(reply);
      else if (reply.type === "profiled") onProfiled?.();
    });
  });
  let nextId = 0;
  return {
    deliver: (name, payload) =>
      new Promise((resolve) => {
        const id = ++nextId;
        waiting.set(id, (reply) => {
          waiting.delete(id);
          resolve(reply as Extract<DriverReply, { type: "delivered" }>);
        });
        child.send({ type: "deliver", id, name, payload } satisfies DriverRequest);
      }),
    profile: (action, file) =>
      new Promise((resolve) => {
        onProfiled = resolve;
        child.send({ type: "profile", action, file } satisfies DriverRequest);
      }),
    close: () => {
      child.kill("SIGTERM");
    },
  };
};

const isWrite = (method: string, path: string) => method !== "GET" && path !== "/graphql" && !path.endsWith("/access_tokens");

export const runOrgDay = async (options: { prs?: number; dayPrs?: number; latencyMs?: number; hotfixEvery?: number; ci?: boolean } = {}): Promise<OrgDayResult> => {
  const prs = options.prs ?? 150;
  /** One PR in this many is a hotfix (50: 2 %). */
  const hotfixEvery = options.hotfixEvery ?? 50;
  const dayPrs = options.dayPrs ?? 1000;
  const sim: GitHubSimulator = createSimulator();
  for (const name of REPOS) {
    sim.addRepo(name, { config: CONFIG });
    sim.setPermission(name, "lead", "maintain");
  }
  const server = await serveSimulator(sim, { latencyMs: options.latencyMs ?? 0 });
  const app = await startDriver("app", server.baseUrl);
  const problems: string[] = [];
  const samples: Sample[] = [];

  const measure = async (kind: Kind | null, name: string, payload: unknown): Promise<Sample> => {
    sim.requests.length = 0;
    const reply = await app.deliver(name, payload);
    const made = sim.requests.filter((request) => !request.path.endsWith("/access_tokens"));
    const sample: Sample = {
      kind: kind ?? ("warm-up" as Kind),
      rest: made.filter((request) => request.path !== "/graphql").length,
      points: made.filter((request) => request.path === "/graphql").reduce((sum, request) => sum + (request.points ?? 1), 0),
      writes: made.filter((request) => isWrite(request.method, request.path)).length,
      cpuMs: reply.cpuMs,
      ms: reply.ms,
      ...(reply.error ? { error: reply.error } : {}),
    };
    if (reply.error) problems.push(`${sample.kind}: ${reply.error}`);
    if (kind) samples.push(sample);
    return sample;
  };

  /** One PR's hour: opened, CI, statuses, a comment, the app's own suite; a hotfix is approved too. */
  const playPullRequest = async (index: number, record: boolean) => {
    const repoName = REPOS[index % REPOS.length];
    const hotfix = index % hotfixEvery === 0;
    const pr = sim.addPull(repoName, { labels: hotfix ? ["hotfix"] : [], author: "dev" });
    const k = (kind: Kind): Kind | null => (record ? kind : null);
    await measure(k(hotfix ? "pull_request.opened (hotfix)" : "pull_request.opened (not a hotfix)"), "pull_request", pullRequestEvent(sim, repoName, pr.number, "opened"));
    await measure(k("the app's own check_suite.completed"), "check_suite", checkSuiteEvent(sim, repoName, pr.head.sha, "completed", "hotfix-governance[bot]", { app: SIM_APP, pullNumbers: [pr.number] }));
    const ciKind: Kind = hotfix ? "check/suite/status on a hotfix" : "check/suite/status on a non-hotfix PR";
    for (const name of options.ci === false ? [] : CHECK_NAMES) {
      const run = sim.addCheckRun(repoName, { headSha: pr.head.sha, name, conclusion: "success", app: CI_APP });
      await measure(k(ciKind), "check_run", checkRunEvent(sim, repoName, run, "completed", [pr.number]));
    }
    await measure(k(ciKind), "check_suite", checkSuiteEvent(sim, repoName, pr.head.sha, "completed", "dev", { app: CI_APP, pullNumbers: [pr.number] }));
    for (const context of STATUS_CONTEXTS) {
      const status = sim.addStatus(repoName, { sha: pr.head.sha, context, state: "success" });
      await measure(k(ciKind), "status", statusEvent(sim, repoName, status));
    }
    const chatter = sim.addComment(repoName, pr.number, "reviewer", "Looks good to me, one nit below.");
    await measure(k("issue_comment.created (no command)"), "issue_comment", issueCommentEvent(sim, repoName, chatter, "created"));
    if (hotfix) {
      const approval = sim.addComment(repoName, pr.number, "lead", "/approve-emergency rollback tested");
      await measure(k("issue_comment.created (approval)"), "issue_comment", issueCommentEvent(sim, repoName, approval, "created"));
      const verdict = sim.latestCheck(repoName, pr.head.sha);
      if (record && verdict?.conclusion !== "success") problems.push(`hotfix ${repoName}#${pr.number} ended ${verdict?.status}/${verdict?.conclusion}: ${verdict?.output.title}`);
    } else if (record && sim.latestCheck(repoName, pr.head.sha)?.conclusion !== "neutral") {
      problems.push(`${repoName}#${pr.number} has no neutral check`);
    }
  };

  // Warm-up (not recorded): token, JIT, config caches.
  for (let index = 1; index <= 5; index++) await playPullRequest(index, false);
  const profileDir = process.env.BENCH_CPU_PROF;
  if (profileDir) await app.profile("start");
  for (let index = 0; index < prs; index++) await playPullRequest(100 + index, true);
  let profile: OrgDayResult["profile"];
  if (profileDir) {
    const file = join(profileDir, `org-day-${Date.now()}.cpuprofile`);
    await app.profile("stop", file);
    profile = { file, ...summarizeProfile(JSON.parse(await readFile(file, "utf8")) as CpuProfile) };
  }

  // Irrelevant deliveries, side by side with a bare Probot.
  const bare = await startDriver("bare", server.baseUrl);
  const repoName = REPOS[0];
  const pr = sim.addPull(repoName);
  const star = { action: "created", starred_at: new Date().toISOString(), repository: (pullRequestEvent(sim, repoName, pr.number, "opened") as any).repository, sender: { login: "fan", id: 7, type: "User" }, installation: { id: INSTALLATION_ID } };
  const irrelevant: OrgDayResult["irrelevant"] = [];
  for (const [kind, name, payloadOf] of [
    ["issue_comment.created (no command)", "issue_comment", () => issueCommentEvent(sim, repoName, sim.addComment(repoName, pr.number, "reviewer", "Thanks!"), "created")],
    ["star.created", "star", () => star],
  ] as const) {
    const appCpu: number[] = [];
    const bareCpu: number[] = [];
    for (let round = 0; round < 60; round++) {
      const payload = payloadOf();
      appCpu.push((await app.deliver(name, payload)).cpuMs);
      bareCpu.push((await bare.deliver(name, payload)).cpuMs);
    }
    // The first rounds warm both up.
    irrelevant.push({ kind, appCpuMs: percentile(appCpu.slice(10), 50), bareCpuMs: percentile(bareCpu.slice(10), 50) });
  }
  bare.close();

  // A burst: 50 events for one hotfix PR at once (its required check finishing, edits, statuses).
  const burstRepo = REPOS[1];
  const hot = sim.addPull(burstRepo, { labels: ["hotfix"] });
  sim.setPermission(burstRepo, "lead", "maintain");
  await app.deliver("pull_request", pullRequestEvent(sim, burstRepo, hot.number, "opened"));
  sim.addComment(burstRepo, hot.number, "lead", "/approve-emergency");
  const build = sim.addCheckRun(burstRepo, { headSha: hot.head.sha, name: "build", conclusion: "success", app: CI_APP });
  const deploy = sim.addStatus(burstRepo, { sha: hot.head.sha, context: "ci/deploy", state: "success" });
  sim.requests.length = 0;
  const burstPayloads = Array.from({ length: 50 }, (_unused, index) =>
    index % 3 === 0
      ? (["check_run", checkRunEvent(sim, burstRepo, build, "completed", [hot.number])] as const)
      : index % 3 === 1
        ? (["status", statusEvent(sim, burstRepo, deploy)] as const)
        : (["pull_request", pullRequestEvent(sim, burstRepo, hot.number, "edited")] as const),
  );
  const replies = await Promise.all(burstPayloads.map(([name, payload]) => app.deliver(name, payload)));
  const evaluations = sim.requests.filter((request) => request.path === "/graphql" && /query PullRequestFacts/.test(request.body?.query ?? "")).length;
  const final = sim.latestCheck(burstRepo, hot.head.sha);
  const burst = { events: 50, evaluations, failed: replies.filter((reply) => reply.error).length, verdict: `${final?.status}/${final?.conclusion ?? "-"}` };
  if (burst.failed) problems.push(`burst: ${burst.failed} deliveries failed`);

  app.close();
  await server.close();
  return { prs, dayPrs, samples, irrelevant, burst, ...(profile ? { profile } : {}), problems };
};

const f1 = (value: number) => value.toFixed(1);
const f2 = (value: number) => value.toFixed(2);
const pct = (value: number) => `${((100 * value) / HOURLY_BUDGET).toFixed(1)} %`;

export const renderOrgDay = (result: OrgDayResult): string => {
  const kinds = [...new Set(result.samples.map((sample) => sample.kind))];
  const sum = (samples: Sample[], key: "rest" | "points" | "writes") => samples.reduce((total, sample) => total + sample[key], 0);
  const hourRest = sum(result.samples, "rest");
  const hourPoints = sum(result.samples, "points");
  const scale = result.dayPrs / result.prs;
  const relevant = result.samples.filter((sample) => sample.kind.startsWith("pull_request.opened") || sample.kind === "issue_comment.created (approval)" || (sample.kind === "check/suite/status on a hotfix" && sample.points > 0));
  const lines = [
    `### Organisation day (one installation, ${REPOS.length} repositories; peak hour of ${result.prs} PRs, 2 % hotfixes; each PR: 20 check runs + 1 suite of another CI app, 5 statuses, 1 comment, the app's own suite)`,
    "",
    "| Delivery | count | REST requests (mean) | GraphQL points (mean) | writes (mean) | CPU ms p50 | CPU ms mean |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...kinds.map((kind) => {
      const of = result.samples.filter((sample) => sample.kind === kind);
      return `| ${kind} | ${of.length} | ${f2(sum(of, "rest") / of.length)} | ${f2(sum(of, "points") / of.length)} | ${f2(sum(of, "writes") / of.length)} | ${f1(percentile(of.map((sample) => sample.cpuMs), 50))} | ${f1(mean(of.map((sample) => sample.cpuMs)))} |`;
    }),
    "",
    `Peak hour, one installation: **${hourRest} REST requests (${pct(hourRest)} of ${HOURLY_BUDGET}) and ${hourPoints} GraphQL points (${pct(hourPoints)} of ${HOURLY_BUDGET})**, ${result.samples.length} deliveries. ` +
      `Day of ${result.dayPrs} PRs (the same mix): ≈ ${Math.round(hourRest * scale)} REST requests and ${Math.round(hourPoints * scale)} GraphQL points, spread over the day's hours.`,
    "",
    `CPU per relevant delivery (an evaluation: opened, the approval, a hotfix's required check): p50 ${f1(percentile(relevant.map((sample) => sample.cpuMs), 50))} ms, mean ${f1(mean(relevant.map((sample) => sample.cpuMs)))} ms.`,
    "",
    `Irrelevant deliveries, CPU ms p50, app vs bare Probot in the same run: ${result.irrelevant.map((entry) => `${entry.kind} ${f2(entry.appCpuMs)} vs ${f2(entry.bareCpuMs)} (${(entry.appCpuMs / Math.max(entry.bareCpuMs, 0.01)).toFixed(1)}×)`).join("; ")}.`,
    "",
    `Burst: ${result.burst.events} events for one hotfix PR at once → ${result.burst.evaluations} evaluations (full facts reads), ${result.burst.failed} failed deliveries, final verdict ${result.burst.verdict}.`,
    "",
  ];
  if (result.profile) {
    const { profile } = result;
    lines.push(
      `CPU profile of the app process over the recorded hour (${profile.file}), busy ${Math.round(profile.busyMs)} ms. Top entries, inclusive (file or package) and self (function):`,
      "",
      "| inclusive | | self | |",
      "| --- | --- | --- | --- |",
      ...profile.inclusive.map((entry, index) => `| \`${entry.entry}\` | ${f1(entry.percent)} % | \`${profile.self[index]?.entry ?? ""}\` | ${profile.self[index] ? `${f1(profile.self[index].percent)} %` : ""} |`),
      "",
    );
  }
  if (result.problems.length) lines.push("**Problems:**", "", ...result.problems.slice(0, 20).map((problem) => `- ${problem}`), "");
  return lines.join("\n");
};
