/**
 * `npm run bench:backport [-- --quick]`
 *
 * What one backport costs, without a clone: GitHub requests (reads and writes), sequential round
 * trips and the bytes GitHub sends, for a small and a large change in a small and a large
 * repository, for each merge method; then the marginal cost of one more target. Next to it, what a
 * clone-based backport tool downloads from the same repository (a full clone, and a depth-1
 * clone of the target). The app runs in process against the simulator, whose git endpoints are a
 * real git repository; retries and write spacing are off: the counts are the app's own.
 * Not a timed test: the figures are counts and sizes, the same on every machine.
 */
import "../test/support/polyfills.js";
import { createHash } from "node:crypto";
import nock from "nock";
import { createTestApp } from "../test/support/app.js";
import { pullRequestEvent } from "../test/support/events.js";
import { disposeAllGitRepos, type GitRepo } from "../test/support/git/git-repo.js";
import { attachGit, mergePullFromGit, openPullFromGit, syncBranches } from "../test/support/simulator/routes-git.js";
import { allowMergeMethods } from "../test/support/simulator/routes-merge.js";
import type { GitHubSimulator } from "../test/support/simulator/index.js";
import { isMutation } from "../test/support/simulator/simulator.js";
import { roundTrips, type Interval } from "./stats.js";

process.env.LOG_LEVEL ??= "silent";
const quick = process.argv.includes("--quick");
const REPO = "acme/shop";

interface Shape {
  repository: "small" | "large";
  files: number;
  commits: number;
  changed: number;
  /**
   * `rebase-only`: a rebase where the repository allows only rebase merges (its settings say so in
   * the PR's payload); `squash-3`: a squash of a PR of three commits where every method is allowed.
   */
  method: "squash" | "squash-3" | "rebase" | "rebase-only" | "merge";
  /** The first backport of the repository: its `backport` label does not exist yet. */
  firstBackport?: boolean;
  targets: number;
}

interface Figures {
  requests: number;
  reads: number;
  writes: number;
  /** Writes of git data: trees, commits, refs, merges. */
  gitWrites: number;
  roundTrips: number;
  bytesFromGitHub: number;
  fullClone: number;
  shallowClone: number;
  created: number;
}

/** About 1 KB of source per file that compresses like source does, not like a repeated line. */
const content = (index: number, version = 0) =>
  `// module ${index}\nexport const value${index} = ${index + version};\n` +
  Array.from({ length: 16 }, (_, line) => `export const k${line} = "${createHash("sha256").update(`${index}:${line}`).digest("base64").slice(0, 44)}";\n`).join("");

/** A repository of `files` files and `commits` commits on main, release branches, and a merged hotfix. */
const build = (sim: GitHubSimulator, shape: Shape): { git: GitRepo; number: number } => {
  const git = attachGit(sim, REPO);
  const all = Array.from({ length: shape.files }, (_, index) => ({ path: `src/pkg${index % 100}/file${index}.ts`, content: content(index) }));
  git.bulkCommit("main", all, "Import");
  // History: each commit touches one file.
  git.bulkCommits("main", Array.from({ length: shape.commits }, (_, index) => ({ files: [{ path: `src/pkg${index % 100}/file${index % shape.files}.ts`, content: content(index % shape.files, index + 1) }], message: `Change ${index}` })));
  for (let target = 0; target < shape.targets; target++) {
    git.createBranch(`release/1.${target}`, "main");
    git.commitFiles(`release/1.${target}`, { "CHANGELOG.md": `## 1.${target}\n` }, `Release 1.${target}`);
  }
  git.commitFiles("main", { "NEWS.md": "main moves on\n" }, "Main moves on");
  git.createBranch("fix", "main");
  const step = Math.floor(shape.files / shape.changed);
  if (step < 1) throw new Error("a change cannot touch more files than the repository has");
  const changed = Array.from({ length: shape.changed }, (_, index) => [all[index * step].path, `${all[index * step].content}// fixed\n`] as const);
  const rebase = shape.method === "rebase" || shape.method === "rebase-only";
  if (shape.method === "rebase-only") allowMergeMethods(sim, REPO, { merge: false, squash: false });
  if (!shape.firstBackport) sim.repo(REPO).labels.add("backport");
  const parts = rebase || shape.method === "squash-3" ? 3 : 1;
  for (let part = 0; part < parts; part++) {
    const slice = changed.filter((_, index) => index % parts === part);
    git.commitFiles("fix", Object.fromEntries(slice), `Fix part ${part + 1}`);
  }
  syncBranches(sim.repo(REPO));
  const pr = openPullFromGit(sim, REPO, { head: "fix", labels: ["hotfix"], title: "Fix the outage", author: "dev" });
  mergePullFromGit(sim, REPO, pr.number, shape.method === "rebase-only" ? "rebase" : shape.method === "squash-3" ? "squash" : shape.method);
  return { git, number: pr.number };
};

/** The backport's own requests: not the token, the config read, or the app-level reminder sweep. */
const isBackportRequest = (path: string): boolean => !/access_tokens$|contents\/\.github|^\/app(\/|$)/.test(path);

const measure = async (shape: Shape): Promise<Figures> => {
  nock.cleanAll();
  const t = await createTestApp();
  const targets = Array.from({ length: shape.targets }, (_, index) => `release/1.${index}`);
  t.sim.addRepo(REPO, { config: `approvals:\n  users: [lead]\nbackport:\n  targets: [${targets.join(", ")}]\npostmortem:\n  enabled: false\nreview_after_merge:\n  required: false\n` });
  t.sim.setPermission(REPO, "dev", "write");
  t.sim.setPermission(REPO, "lead", "maintain");
  const { git, number } = build(t.sim, shape);
  const clone = git.cloneSizes("release/1.0");

  // When each request started and ended, and what GitHub sent back.
  const intervals: Interval[] = [];
  let bytes = 0;
  const handle = t.sim.handle.bind(t.sim);
  t.sim.handle = async (method, url, body, headers) => {
    const start = performance.now();
    const response = await handle(method, url, body, headers);
    const path = new URL(url, t.sim.baseUrl).pathname;
    if (isBackportRequest(path)) {
      intervals.push({ start, end: performance.now() });
      if (response !== "hang" && response !== "reset") bytes += response.body === undefined ? 0 : Buffer.byteLength(typeof response.body === "string" ? response.body : JSON.stringify(response.body));
    }
    return response;
  };
  t.sim.reset();
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, number, "closed", { sender: "lead" }));
  const requests = t.sim.requests.filter((request) => isBackportRequest(request.path));
  const created = [...t.sim.repo(REPO).pulls.values()].filter((pull) => pull.head.ref.startsWith("backport/")).length;
  git.dispose();
  return {
    requests: requests.length,
    reads: requests.filter((request) => request.method === "GET" || (request.path === "/graphql" && !isMutation(request.body?.query))).length,
    writes: requests.filter((request) => request.method !== "GET" && (request.path !== "/graphql" || isMutation(request.body?.query))).length,
    gitWrites: requests.filter((request) => request.method !== "GET" && /\/git\/|\/merges$/.test(request.path)).length,
    roundTrips: roundTrips(intervals),
    bytesFromGitHub: bytes,
    fullClone: clone.full,
    shallowClone: clone.shallow,
    created,
  };
};

const kb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`);

const repositories = [
  { repository: "small" as const, files: 400, commits: 50 },
  { repository: "large" as const, files: quick ? 5_000 : 20_000, commits: quick ? 500 : 3_000 },
];
// GitHub's comparison lists at most 300 files; beyond, git's merge on whole trees does the port.
const changes = [1, quick ? 100 : 250];
const methods = ["squash", "squash-3", "rebase", "rebase-only", "merge"] as const;

const rows: Array<Shape & Figures> = [];
for (const repository of repositories) {
  for (const changed of changes) {
    for (const method of methods) {
      const shape: Shape = { ...repository, changed, method, targets: 1 };
      process.stderr.write(`measuring ${repository.repository} repository, ${changed} file(s), ${method}...\n`);
      const figures = await measure(shape);
      if (figures.created !== 1) throw new Error(`the backport was not created for ${JSON.stringify(shape)}`);
      rows.push({ ...shape, ...figures });
    }
  }
}
const three = await measure({ ...repositories[0], changed: 1, method: "squash", targets: 3 });
const first = await measure({ ...repositories[0], changed: 1, method: "squash", targets: 1, firstBackport: true });

console.log(`## Backport cost without a clone (${new Date().toISOString().slice(0, 10)}, Node ${process.version})\n`);
console.log("One merged hotfix, one target branch, no postmortem and no review after merge (the backport alone). Requests exclude the installation token and the config read (shared by every step of a delivery).\n");
console.log("| repository | files / commits | files changed | merge method | requests | reads | writes | git-data writes | round trips | bytes from GitHub | full clone | depth-1 clone |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const row of rows) {
  console.log(
    `| ${row.repository} | ${row.files} / ${row.commits + 1} | ${row.changed} | ${row.method} | ${row.requests} | ${row.reads} | ${row.writes} | ${row.gitWrites} | ${row.roundTrips} | ${kb(row.bytesFromGitHub)} | ${kb(row.fullClone)} | ${kb(row.shallowClone)} |`,
  );
}
const one = rows[0];
console.log(`\nThe repository's first backport (its \`backport\` label does not exist yet, so it is labelled by name over REST, which creates it): ${first.requests} requests (${first.reads} reads, ${first.writes} writes).`);
console.log(`Three targets: ${three.requests} requests (${three.reads} reads, ${three.writes} writes), i.e. ${(three.requests - one.requests) / 2} more per extra target (the reads are shared).`);
// A PR of several commits whose merge method the repository's settings do not tell reads the history first (3 reads).
const BUDGET = 8;
const perMethod = (method: string) => new Set(rows.filter((row) => row.method === method).map((row) => row.requests));
const constant = methods.every((method) => perMethod(method).size === 1);
const within = rows.every((row) => row.requests <= BUDGET && row.gitWrites <= 3);
for (const method of methods) console.log(`Requests per ${method} backport: ${[...perMethod(method)].join(", ")}.`);
console.log(
  constant && within
    ? "The same for every repository size and change size; at most 8 requests (3 git-data writes) for every merge method."
    : "NOT within the budget or NOT constant: see the table.",
);
disposeAllGitRepos();
nock.restore();
if (!constant || !within) process.exitCode = 1;
