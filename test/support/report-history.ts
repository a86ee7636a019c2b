import { failureComment } from "../../src/backport/messages.js";
import type { BackportOutcome } from "../../src/backport/outcome.js";
import { defaultConfig, type HotfixConfig } from "../../src/config/schema.js";
import { evaluateApprovals } from "../../src/governance/approvals/evaluate-approvals.js";
import type { PersonAccess } from "../../src/governance/approvals/access.js";
import { hotfixCheckOutput } from "../../src/governance/check-output.js";
import { evaluateHotfix } from "../../src/governance/evaluate-hotfix.js";
import type { CommandSource } from "../../src/governance/facts.js";
import { dueMarker, postmortemMarker } from "../../src/postmortem/markers.js";
import { pullRequestFacts } from "./facts.js";
import { createSimulator, sha, SIM_APP, type GitHubSimulator } from "./simulator/index.js";
import { addInstallation } from "./simulator/routes-apps.js";
import { addIssue, appBot, changeLabel } from "./simulator/routes-issues.js";
import { setMergeCommitMessage } from "./simulator/routes-report.js";
import type { SimPull } from "./simulator/state.js";

/**
 * A repository's history for the hotfix report, written straight into the simulator's state
 * with the texts the app itself writes: the `Hotfix governance` check output is rendered by the
 * app's own rules from the approvals given, failure comments by the backport messages, and the
 * postmortem carries the app's markers. Times are fixed, so the report is the same every run.
 */
export const HISTORY_REPO = "acme/shop";
export const HISTORY_SINCE = "2026-03-02";
export const HISTORY_UNTIL = "2026-03-29";
/** The report is generated on the last day of the period. */
export const HISTORY_NOW = new Date("2026-03-29T09:00:00Z");

const BODY = "## Incident\nINC-4711 checkout is down\n\n## Rollback plan\nRevert this PR.";
const CONFIG = "label: hotfix\nbody:\n  incident_pattern: \"INC-\\\\d+\"\nbackport:\n  targets: [release/1.2]\n";

export const historyConfig = (): HotfixConfig => ({ ...defaultConfig(), body: { ...defaultConfig().body, incident_pattern: "INC-\\d+" } });

interface Approval {
  login: string;
  at: string;
  kind?: "comment" | "review";
}

/** The check run the app writes on `head`, rendered by the app's rules from these approvals. */
export const writeGovernanceCheck = (
  sim: GitHubSimulator,
  repoName: string,
  pull: SimPull,
  options: { approvals: Approval[]; headSeenAt: string; config?: HotfixConfig; app?: { id: number; slug: string } },
): void => {
  const config = options.config ?? historyConfig();
  const [owner, repo] = repoName.split("/");
  let id = 1;
  const source = (approval: Approval): CommandSource => ({
    kind: approval.kind ?? "comment",
    id: id++,
    author: { login: approval.login, isBot: false },
    body: "/approve-emergency",
    createdAt: approval.at,
    lastEditedAt: null,
    commitSha: approval.kind === "review" ? pull.head.sha : null,
    state: approval.kind === "review" ? "COMMENTED" : undefined,
  });
  const facts = pullRequestFacts({
    owner,
    repo,
    number: pull.number,
    title: pull.title,
    body: pull.body ?? "",
    headSha: pull.head.sha,
    author: { login: pull.user.login, isBot: false },
    commits: pull.commits.map((commit) => ({ sha: commit.sha, authorLogins: commit.authorLogins, committerLogin: commit.committerLogin })),
    comments: options.approvals.filter((approval) => (approval.kind ?? "comment") === "comment").map(source),
    reviews: options.approvals.filter((approval) => approval.kind === "review").map(source),
    ownCheckRuns: [{ id: 1, status: "in_progress", conclusion: null, startedAt: options.headSeenAt, title: null, summary: null, text: null }],
  });
  const access = new Map<string, PersonAccess>(options.approvals.map((approval) => [approval.login.toLowerCase(), { role: { name: "maintain", base: "maintain" }, teams: {} }]));
  const approvals = evaluateApprovals({ facts, config, access, now: new Date(options.headSeenAt) });
  const output = hotfixCheckOutput(evaluateHotfix(facts, config, approvals.results));
  sim.addCheckRun(repoName, {
    headSha: pull.head.sha,
    name: "Hotfix governance",
    app: options.app ?? SIM_APP,
    status: output.status,
    conclusion: output.conclusion,
    startedAt: options.headSeenAt,
    completedAt: output.status === "completed" ? options.headSeenAt : null,
    output: { title: output.title, summary: output.summary, text: output.text },
  });
};

const merge = (sim: GitHubSimulator, pull: SimPull, at: string, by = "lead"): void => {
  pull.merged = true;
  pull.state = "closed";
  pull.mergedAt = at;
  pull.closedAt = at;
  pull.mergedBy = sim.user(by);
  pull.mergeCommitSha = sha(`merge:${pull.number}:${at}`);
};

/** The app's postmortem issue of `pull`, with its markers and the link GitHub cross-references. */
const postmortem = (sim: GitHubSimulator, repoName: string, pull: SimPull, options: { number: number; due: string; closedAt?: string }) =>
  addIssue(sim, repoName, {
    number: options.number,
    title: `Postmortem: ${pull.title} (#${pull.number})`,
    body: `${postmortemMarker(pull.number)}\n${dueMarker(options.due)}\n\nPostmortem of https://github.com/${repoName}/pull/${pull.number}.`,
    labels: ["postmortem"],
    createdAt: pull.mergedAt!,
    state: options.closedAt ? "closed" : "open",
    closedAt: options.closedAt ?? null,
  });

const failures = (sim: GitHubSimulator, repoName: string, pull: SimPull, outcomes: Array<Pick<BackportOutcome, "target" | "status" | "reason">>, at: string) => {
  const source = { number: pull.number, title: pull.title, url: `https://github.com/${repoName}/pull/${pull.number}`, baseRef: pull.base.ref };
  sim.addComment(repoName, pull.number, appBot(sim).login, failureComment(source, outcomes.map((outcome) => ({ ...outcome, at }))), { createdAt: at, updatedAt: at });
};

const backportPull = (sim: GitHubSimulator, repoName: string, source: SimPull, number: number, target: string, createdAt: string, author = appBot(sim).login) =>
  sim.addPull(repoName, {
    number,
    title: `[Backport ${target}] ${source.title}`,
    body: `Backport of #${source.number} to \`${target}\`.`,
    head: `backport/${source.number}-to-${target}`,
    base: target,
    author,
    labels: ["backport"],
    createdAt,
  });

/** Fills `count` ordinary merged PRs, spread evenly over [from, to). */
export const addPlainMergedPulls = (sim: GitHubSimulator, repoName: string, count: number, from: string, to: string, firstNumber: number): void => {
  const start = Date.parse(from);
  const step = (Date.parse(to) - start) / count;
  for (let index = 0; index < count; index++) {
    const at = new Date(start + Math.floor(index * step)).toISOString();
    const pull = sim.addPull(repoName, { number: firstNumber + index, title: `Change ${index + 1}`, body: "Routine change.", createdAt: at, author: "dev" });
    merge(sim, pull, new Date(Date.parse(at) + 3_600_000).toISOString());
  }
};

/** The simulator holding the history; `installationId` is the app's installation on `acme`. */
export const buildReportHistory = (sim: GitHubSimulator = createSimulator()): GitHubSimulator => {
  const R = HISTORY_REPO;
  sim.addRepo(R, { config: CONFIG });
  addInstallation(sim, { id: 42, account: { login: "acme", type: "Organization" } });
  for (const login of ["alice", "bob", "carol", "dave", "erin", "lead"]) sim.setPermission(R, login, "maintain");

  // #101: approved, merged by a lead; one backport merged, one conflict; postmortem closed on time; reviewed after merge.
  const h1 = sim.addPull(R, { number: 101, title: "Fix checkout timeout", body: BODY, labels: ["hotfix"], createdAt: "2026-03-03T09:00:00Z" });
  writeGovernanceCheck(sim, R, h1, { approvals: [{ login: "alice", at: "2026-03-03T09:20:00Z" }], headSeenAt: "2026-03-03T09:00:30Z" });
  merge(sim, h1, "2026-03-03T09:40:00Z");
  sim.addReview(R, 101, "bob", "Looks right.", { state: "APPROVED", createdAt: "2026-03-03T11:00:00Z", updatedAt: "2026-03-03T11:00:00Z" });
  const b120 = backportPull(sim, R, h1, 120, "release/1.2", "2026-03-03T09:41:00Z");
  merge(sim, b120, "2026-03-04T10:00:00Z");
  failures(sim, R, h1, [{ target: "release/1.1", status: "conflict", reason: "The change does not apply cleanly to `release/1.1`." }], "2026-03-03T09:41:30Z");
  postmortem(sim, R, h1, { number: 130, due: "2026-03-08", closedAt: "2026-03-06T15:00:00Z" });

  // #102: fast-tracked by the app on behalf of carol; postmortem overdue; no review after merge.
  const h2 = sim.addPull(R, { number: 102, title: "Fix login loop", body: BODY, createdAt: "2026-03-09T08:00:00Z" });
  changeLabel(sim, R, 102, "labeled", "hotfix", "carol", "2026-03-09T08:30:00Z");
  writeGovernanceCheck(sim, R, h2, {
    approvals: [
      { login: "alice", at: "2026-03-09T08:50:00Z", kind: "review" },
      { login: "bob", at: "2026-03-09T09:00:00Z" },
    ],
    headSeenAt: "2026-03-09T08:00:30Z",
  });
  sim.addReview(R, 102, "alice", "/approve-emergency", { state: "COMMENTED", createdAt: "2026-03-09T08:50:00Z" });
  merge(sim, h2, "2026-03-09T10:30:00Z", appBot(sim).login);
  setMergeCommitMessage(h2, "Fix login loop (#102)\n\nFast-track merged by hotfix-governance on behalf of @carol\nApprovals: alice, bob");
  postmortem(sim, R, h2, { number: 131, due: "2026-03-14" });

  // #103: merged while its check failed (outside governance); a revert opened; postmortem closed late.
  const h3 = sim.addPull(R, { number: 103, title: "Hotfix payment rounding", body: "## Incident\nINC-4720 rounding\n", labels: ["hotfix"], createdAt: "2026-03-10T10:00:00Z" });
  writeGovernanceCheck(sim, R, h3, { approvals: [], headSeenAt: "2026-03-10T10:00:30Z" });
  // A look-alike run of another app proves nothing.
  sim.addCheckRun(R, { headSha: h3.head.sha, name: "Hotfix governance", app: { id: 99, slug: "impostor" }, conclusion: "success" });
  merge(sim, h3, "2026-03-10T11:00:00Z");
  sim.addPull(R, { number: 121, title: 'Revert "Hotfix payment rounding"', body: "Reverts #103\n\nINC-4720", head: "revert/103", labels: ["hotfix"], createdAt: "2026-03-11T09:00:00Z", author: appBot(sim).login });
  postmortem(sim, R, h3, { number: 132, due: "2026-03-15", closedAt: "2026-03-20T10:00:00Z" });

  // #104: no check at all (the app was not running): outside governance; approved by review before merge; no postmortem.
  const h4 = sim.addPull(R, { number: 104, title: "Patch cache stampede", body: BODY, createdAt: "2026-03-16T09:00:00Z" });
  changeLabel(sim, R, 104, "labeled", "hotfix", "dev", "2026-03-16T10:00:00Z");
  sim.addReview(R, 104, "dave", "LGTM", { state: "APPROVED", createdAt: "2026-03-16T11:00:00Z" });
  merge(sim, h4, "2026-03-16T12:00:00Z");
  changeLabel(sim, R, 104, "unlabeled", "hotfix", "dev", "2026-03-17T08:00:00Z");

  // #105: alice approved before the last push (stale), erin after; a backport PR still open; reviewed late.
  const h5 = sim.addPull(R, { number: 105, title: "Fix null deref in search", body: BODY, labels: ["hotfix"], createdAt: "2026-03-23T09:00:00Z" });
  sim.push(R, 105);
  writeGovernanceCheck(sim, R, h5, {
    approvals: [
      { login: "alice", at: "2026-03-23T09:10:00Z" },
      { login: "erin", at: "2026-03-23T09:30:00Z" },
    ],
    headSeenAt: "2026-03-23T09:15:00Z",
  });
  merge(sim, h5, "2026-03-24T09:00:00Z");
  sim.addReview(R, 105, "bob", "Fine.", { state: "APPROVED", createdAt: "2026-03-25T12:00:00Z" });
  backportPull(sim, R, h5, 122, "release/1.2", "2026-03-24T09:01:00Z");
  postmortem(sim, R, h5, { number: 133, due: "2026-03-29", closedAt: "2026-03-26T10:00:00Z" });

  // #106: the target branch was missing, then a backport PR made by hand; already on release/1.2; review after merge pending.
  const h6 = sim.addPull(R, { number: 106, title: "Fix header injection", body: BODY, createdAt: "2026-03-28T10:00:00Z" });
  changeLabel(sim, R, 106, "labeled", "hotfix", "dev", "2026-03-28T10:30:00Z");
  writeGovernanceCheck(sim, R, h6, { approvals: [{ login: "bob", at: "2026-03-28T11:00:00Z" }], headSeenAt: "2026-03-28T10:00:30Z" });
  merge(sim, h6, "2026-03-28T12:00:00Z");
  failures(
    sim,
    R,
    h6,
    [
      { target: "release/1.0", status: "missing_branch", reason: "The branch `release/1.0` does not exist." },
      { target: "release/1.2", status: "already_applied", reason: "The change is already on `release/1.2`." },
    ],
    "2026-03-28T12:01:00Z",
  );
  backportPull(sim, R, h6, 123, "release/1.0", "2026-03-28T15:00:00Z", "dev");
  postmortem(sim, R, h6, { number: 134, due: "2026-04-02" });

  // Not hotfixes: labelled only after the merge; labelled, then unlabelled before the merge.
  const late = sim.addPull(R, { number: 107, title: "Tidy logging", body: "", createdAt: "2026-03-05T09:00:00Z" });
  merge(sim, late, "2026-03-05T10:00:00Z");
  changeLabel(sim, R, 107, "labeled", "hotfix", "dev", "2026-03-05T11:00:00Z");
  const dropped = sim.addPull(R, { number: 108, title: "Speed up search", body: "", labels: ["hotfix"], createdAt: "2026-03-12T09:00:00Z" });
  changeLabel(sim, R, 108, "unlabeled", "hotfix", "lead", "2026-03-12T09:30:00Z");
  merge(sim, dropped, "2026-03-12T10:00:00Z");
  // Outside the period, or never merged.
  const before = sim.addPull(R, { number: 99, title: "Old hotfix", body: BODY, labels: ["hotfix"], createdAt: "2026-02-27T09:00:00Z" });
  merge(sim, before, "2026-03-01T23:59:59Z");
  sim.addPull(R, { number: 109, title: "Open hotfix", body: BODY, labels: ["hotfix"], createdAt: "2026-03-20T09:00:00Z" });

  // Ordinary changes: with #107, #108 and the merged backport #120, 24 non-hotfix merges; 30 in all.
  addPlainMergedPulls(sim, R, 21, "2026-03-02T08:00:00Z", "2026-03-29T08:00:00Z", 200);
  return sim;
};

/**
 * A busy repository for the cost figure: `merged` PRs merged evenly over the first half of 2026,
 * every `merged / hotfixes`-th of them a hotfix with the app's check, approvals, a postmortem and,
 * for every fourth hotfix, an open backport PR and a conflict reported on the PR.
 */
export const LARGE_SINCE = "2026-01-01";
export const LARGE_UNTIL = "2026-06-30";

export const buildLargeHistory = (options: { merged: number; hotfixes: number }, sim: GitHubSimulator = createSimulator()): GitHubSimulator => {
  const R = HISTORY_REPO;
  sim.addRepo(R, { config: CONFIG });
  addInstallation(sim, { id: 42, account: { login: "acme", type: "Organization" } });
  const start = Date.parse(`${LARGE_SINCE}T00:00:00Z`);
  const step = (Date.parse(`${LARGE_UNTIL}T23:00:00Z`) - start) / options.merged;
  const every = Math.floor(options.merged / options.hotfixes);
  let backportNumber = options.merged + 1000;
  let issueNumber = options.merged + 5000;
  for (let index = 0; index < options.merged; index++) {
    const opened = new Date(start + Math.floor(index * step)).toISOString().replace(/\.\d{3}Z$/, "Z");
    const mergedAt = new Date(Date.parse(opened) + 1_800_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const isHotfix = index % every === every - 1 && Math.floor(index / every) < options.hotfixes;
    const pull = sim.addPull(R, { number: index + 1, title: isHotfix ? `Hotfix ${index + 1}` : `Change ${index + 1}`, body: isHotfix ? BODY : "Routine change.", labels: isHotfix ? ["hotfix"] : [], createdAt: opened });
    if (isHotfix) {
      const approvedAt = new Date(Date.parse(opened) + 600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
      writeGovernanceCheck(sim, R, pull, { approvals: [{ login: "alice", at: approvedAt }], headSeenAt: opened });
      sim.addComment(R, pull.number, "alice", "/approve-emergency", { createdAt: approvedAt, updatedAt: approvedAt });
    }
    merge(sim, pull, mergedAt);
    if (!isHotfix) continue;
    postmortem(sim, R, pull, { number: issueNumber++, due: dueDateOf(mergedAt, 5) });
    if (Math.floor(index / every) % 4 === 0) {
      backportPull(sim, R, pull, backportNumber++, "release/1.2", mergedAt);
      failures(sim, R, pull, [{ target: "release/1.1", status: "conflict", reason: "The change does not apply cleanly." }], mergedAt);
    }
  }
  return sim;
};

const dueDateOf = (mergedAt: string, days: number): string => new Date(Date.parse(mergedAt) + days * 86_400_000).toISOString().slice(0, 10);
