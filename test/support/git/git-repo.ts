import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A git identity with an optional ISO date. */
export interface Identity {
  name: string;
  email: string;
  date?: string;
}

export type FileChange = string | Buffer | null;

export interface GitCommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: Identity & { date: string };
  committer: Identity & { date: string };
  message: string;
}

export interface ChangedPath {
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed";
  filename: string;
  previousFilename?: string;
  /** The blob after the change (zeros when removed). */
  sha: string;
  additions: number;
  deletions: number;
  binary: boolean;
}

export interface GitRunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export const GITHUB_IDENTITY: Identity = { name: "GitHub", email: "noreply@github.com" };
const DEFAULT_IDENTITY: Identity = { name: "Dev", email: "dev@example.com" };

/** Commands that never move a ref (the ref cache survives them). */
const READ_ONLY = new Set(["rev-parse", "cat-file", "for-each-ref", "show", "log", "rev-list", "diff", "ls-tree", "merge-base", "merge-tree", "hash-object", "check-ref-format", "mktree", "write-tree", "read-tree", "update-index", "commit-tree"]);

const live = new Set<string>();
process.once("exit", () => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
});

/** Removes every repository and work tree made by this process so far (tests call it in afterAll). */
export const disposeAllGitRepos = (): void => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
};

const identityEnv = (author: Identity, committer: Identity): Record<string, string> => ({
  GIT_AUTHOR_NAME: author.name,
  GIT_AUTHOR_EMAIL: author.email,
  ...(author.date ? { GIT_AUTHOR_DATE: author.date } : {}),
  GIT_COMMITTER_NAME: committer.name,
  GIT_COMMITTER_EMAIL: committer.email,
  ...(committer.date ? { GIT_COMMITTER_DATE: committer.date } : {}),
});

/**
 * A real bare git repository on disk, driven by the git CLI. The simulator serves GitHub's git
 * endpoints from it; tests build histories with it and compute what `git cherry-pick` makes.
 * Nothing here reimplements git: every answer comes from a git command.
 */
export class GitRepo {
  readonly dir: string;
  private readonly root: string;
  /** Objects never change: what was read about one is kept. Refs are re-read after any write. */
  private readonly commits = new Map<string, GitCommitInfo>();
  private readonly types = new Map<string, string>();
  private readonly listings = new Map<string, Map<string, { mode: string; type: string; sha: string }>>();
  private refCache: Array<[string, string]> | null = null;

  private constructor(root: string) {
    this.root = root;
    this.dir = join(root, "repo.git");
  }

  static create(defaultBranch = "main"): GitRepo {
    const root = mkdtempSync(join(tmpdir(), "hotfix-git-"));
    live.add(root);
    const repo = new GitRepo(root);
    execFileSync("git", ["init", "--quiet", "--bare", "-b", defaultBranch, repo.dir]);
    repo.git(["config", "core.logAllRefUpdates", "false"]);
    repo.git(["config", "gc.auto", "0"]);
    const tree = repo.git(["mktree"], { input: "" });
    const root0 = repo.git(["commit-tree", tree, "-m", "Initial commit"], { env: identityEnv(DEFAULT_IDENTITY, DEFAULT_IDENTITY) });
    repo.git(["update-ref", `refs/heads/${defaultBranch}`, root0]);
    return repo;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
    live.delete(this.root);
  }

  /** Runs git in the repository; throws with git's own message on failure. */
  git(args: string[], options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): string {
    const result = this.run(args, options);
    if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed (${result.status}): ${result.stderr || result.stdout}`);
    return result.stdout.replace(/\n$/, "");
  }

  run(args: string[], options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): GitRunResult {
    if (options.cwd || !READ_ONLY.has(args[0])) this.refCache = null;
    const result = spawnSync("git", options.cwd ? args : ["--git-dir", this.dir, ...args], {
      cwd: options.cwd,
      input: options.input,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: this.root, ...options.env },
      maxBuffer: 512 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    return { status: result.status ?? 1, stdout: result.stdout.toString("utf8"), stderr: result.stderr.toString("utf8") };
  }

  // ---- reading ------------------------------------------------------------------------------

  /** The commit a revision names, or null. */
  resolve(revision: string): string | null {
    const result = this.run(["rev-parse", "--verify", "--quiet", `${revision}^{commit}`]);
    return result.status === 0 ? result.stdout.trim() : null;
  }

  rev(revision: string): string {
    const sha = this.resolve(revision);
    if (!sha) throw new Error(`git: no commit ${revision}`);
    return sha;
  }

  tree(revision: string): string {
    return this.git(["rev-parse", `${revision}^{tree}`]);
  }

  objectType(sha: string): string | null {
    const known = this.types.get(sha);
    if (known) return known;
    const result = this.run(["cat-file", "-t", sha]);
    if (result.status !== 0) return null;
    const type = result.stdout.trim();
    if (/^[0-9a-f]{40}$/.test(sha)) this.types.set(sha, type);
    return type;
  }

  /** Full ref name → sha, for every ref whose name starts with `prefix` (any prefix, not only up to a slash). */
  refs(prefix = "refs/"): Map<string, string> {
    if (!this.refCache) {
      const out = this.git(["for-each-ref", "--format=%(refname) %(objectname)"]);
      this.refCache = out ? out.split("\n").map((line) => line.split(" ") as [string, string]) : [];
    }
    return new Map(this.refCache.filter(([name]) => name.startsWith(prefix)));
  }

  ref(name: string): string | null {
    return this.refs(name).get(name) ?? null;
  }

  branches(): Map<string, string> {
    return new Map([...this.refs("refs/heads/")].map(([ref, sha]) => [ref.slice("refs/heads/".length), sha]));
  }

  commit(sha: string): GitCommitInfo {
    const known = this.commits.get(sha);
    if (known) return known;
    const info = this.readCommit(sha);
    if (info.sha === sha) this.commits.set(sha, info);
    return info;
  }

  private readCommit(sha: string): GitCommitInfo {
    const format = ["%H", "%T", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B"].join("%x00");
    const out = this.git(["show", "-s", `--format=${format}`, sha]);
    const [hash, tree, parents, an, ae, ad, cn, ce, cd, ...message] = out.split("\u0000");
    return {
      sha: hash,
      tree,
      parents: parents ? parents.split(" ") : [],
      author: { name: an, email: ae, date: ad },
      committer: { name: cn, email: ce, date: cd },
      message: message.join("\u0000"),
    };
  }

  /** `git log` order from `sha`: what GitHub's commit listings and GraphQL `history` return. */
  log(sha: string, options: { skip?: number; max?: number } = {}): string[] {
    const args = ["rev-list"];
    if (options.skip) args.push(`--skip=${options.skip}`);
    if (options.max !== undefined) args.push(`--max-count=${options.max}`);
    const out = this.git([...args, sha]);
    return out ? out.split("\n") : [];
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    return this.run(["merge-base", "--is-ancestor", ancestor, descendant]).status === 0;
  }

  mergeBase(a: string, b: string): string | null {
    const result = this.run(["merge-base", a, b]);
    return result.status === 0 ? result.stdout.trim() : null;
  }

  /** Entries of a tree: recursive lists blobs only (like GitHub's recursive trees list files). */
  lsTree(tree: string, recursive = false): Array<{ mode: string; type: string; sha: string; path: string; size: number | null }> {
    const out = this.git(["ls-tree", "-l", "-z", ...(recursive ? ["-r", "-t"] : []), tree]);
    return out
      .split("\u0000")
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split("\t");
        const [mode, type, sha, size] = meta.split(/\s+/);
        return { mode, type, sha, path, size: size === "-" ? null : Number(size) };
      });
  }

  /**
   * Every entry of a tree, directories included, by path: one `git ls-tree -r -t` per tree, kept
   * (a tree never changes), so the simulator answers path look-ups without a process each.
   */
  entries(tree: string): Map<string, { mode: string; type: string; sha: string }> {
    const sha = this.objectType(tree) === "commit" ? this.tree(tree) : tree;
    const known = this.listings.get(sha);
    if (known) return known;
    const listing = new Map<string, { mode: string; type: string; sha: string }>();
    for (const line of this.git(["ls-tree", "-r", "-t", "-z", sha]).split("\u0000").filter(Boolean)) {
      const [meta, path] = line.split("\t");
      const [mode, type, object] = meta.split(/\s+/);
      listing.set(path, { mode, type, sha: object });
    }
    this.listings.set(sha, listing);
    return listing;
  }

  readBlob(sha: string): Buffer {
    return spawnSync("git", ["--git-dir", this.dir, "cat-file", "blob", sha], { maxBuffer: 512 * 1024 * 1024 }).stdout;
  }

  readFile(revision: string, path: string): Buffer | null {
    const result = spawnSync("git", ["--git-dir", this.dir, "cat-file", "blob", `${revision}:${path}`]);
    return result.status === 0 ? result.stdout : null;
  }

  /** Changed paths between two commits (or trees), renames detected, as GitHub lists files. */
  diff(from: string, to: string): ChangedPath[] {
    const raw = this.git(["diff", "--raw", "--no-abbrev", "-M", "-z", from, to]).split("\u0000").filter(Boolean);
    const numstat = this.git(["diff", "--numstat", "-M", "-z", from, to]).split("\u0000").filter(Boolean);
    const counts = new Map<string, { additions: number; deletions: number; binary: boolean }>();
    for (let index = 0; index < numstat.length; index++) {
      const [added, deleted, path] = numstat[index].split("\t");
      let name = path;
      if (path === "") {
        // a rename: "added\tdeleted\t" NUL old NUL new
        name = numstat[index + 2];
        index += 2;
      }
      counts.set(name, { additions: added === "-" ? 0 : Number(added), deletions: deleted === "-" ? 0 : Number(deleted), binary: added === "-" });
    }
    const changes: ChangedPath[] = [];
    for (let index = 0; index < raw.length; index++) {
      const [, , , sha, code] = raw[index].slice(1).split(" ");
      const kind = code[0];
      const none = { additions: 0, deletions: 0, binary: false };
      if (kind === "R" || kind === "C") {
        const previous = raw[index + 1];
        const filename = raw[index + 2];
        index += 2;
        changes.push({ status: kind === "R" ? "renamed" : "copied", filename, previousFilename: previous, sha, ...(counts.get(filename) ?? none) });
        continue;
      }
      const filename = raw[index + 1];
      index += 1;
      const status = kind === "A" ? "added" : kind === "D" ? "removed" : kind === "M" ? "modified" : "changed";
      changes.push({ status, filename, sha, ...(counts.get(filename) ?? none) });
    }
    return changes;
  }

  // ---- writing (what GitHub's endpoints do) ---------------------------------------------------

  hashBlob(content: string | Buffer): string {
    return this.git(["hash-object", "-w", "--stdin"], { input: content });
  }

  /** A tree: `base` (a tree) with `changes` applied; null deletes a path. */
  writeTree(base: string | null, changes: Array<{ path: string; mode?: string; sha: string | null }>): string {
    const index = join(this.root, `index-${process.pid}-${Math.random().toString(36).slice(2)}`);
    // A work tree is named only because git insists on one for --force-remove; nothing is written to it.
    const env = { GIT_INDEX_FILE: index, GIT_WORK_TREE: this.root };
    try {
      if (base) this.git(["read-tree", base], { env });
      else this.git(["read-tree", "--empty"], { env });
      // --index-info: "<mode> <sha>\t<path>" adds; mode 0 removes. One process for every change.
      const lines = changes.map((change) => (change.sha === null ? `0 ${"0".repeat(40)}\t${change.path}` : `${change.mode ?? "100644"} ${change.sha}\t${change.path}`));
      if (lines.length > 0) this.git(["update-index", "--index-info"], { env, input: lines.join("\n") + "\n" });
      return this.git(["write-tree"], { env });
    } finally {
      rmSync(index, { force: true });
    }
  }

  commitTree(tree: string, parents: string[], message: string, author: Identity, committer: Identity = author): string {
    const args = ["commit-tree", tree];
    for (const parent of parents) args.push("-p", parent);
    const file = join(this.root, `msg-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, message);
    try {
      return this.git([...args, "-F", file], { env: identityEnv(author, committer) });
    } finally {
      rmSync(file, { force: true });
    }
  }

  updateRef(ref: string, sha: string): void {
    this.git(["update-ref", ref, sha]);
  }

  deleteRef(ref: string): void {
    this.git(["update-ref", "-d", ref]);
  }

  /** `git merge-tree --write-tree`: the merged tree, or the conflicting paths. */
  mergeTree(ours: string, theirs: string): { tree: string; conflicts: string[] } {
    const result = this.run(["merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs]);
    if (result.status > 1) throw new Error(`git merge-tree failed: ${result.stderr}`);
    const [tree, ...rest] = result.stdout.split("\n");
    return { tree: tree.trim(), conflicts: result.status === 1 ? rest.filter(Boolean) : [] };
  }

  // ---- fixtures -------------------------------------------------------------------------------

  /** Commits `files` on top of `branch` (created from `from` when missing) and moves the branch. */
  commitFiles(
    branch: string,
    files: Record<string, FileChange>,
    message: string,
    options: { author?: Identity; from?: string; renames?: Record<string, string> } = {},
  ): string {
    const parent = this.resolve(`refs/heads/${branch}`) ?? (options.from ? this.rev(options.from) : null);
    if (!parent) throw new Error(`git: no branch ${branch} and no starting point`);
    const changes: Array<{ path: string; sha: string | null; mode?: string }> = [];
    for (const [from, to] of Object.entries(options.renames ?? {})) {
      const entry = this.lsTree(parent, true).find((candidate) => candidate.path === from);
      if (!entry) throw new Error(`git: cannot rename missing ${from}`);
      changes.push({ path: from, sha: null }, { path: to, sha: entry.sha, mode: entry.mode });
    }
    for (const [path, content] of Object.entries(files)) {
      changes.push({ path, sha: content === null ? null : this.hashBlob(content), mode: path.endsWith(".sh") ? "100755" : "100644" });
    }
    const tree = this.writeTree(this.tree(parent), changes);
    const author = options.author ?? DEFAULT_IDENTITY;
    const sha = this.commitTree(tree, [parent], message, author, author);
    this.updateRef(`refs/heads/${branch}`, sha);
    return sha;
  }

  createBranch(branch: string, from: string): string {
    const sha = this.rev(from);
    this.updateRef(`refs/heads/${branch}`, sha);
    return sha;
  }

  /**
   * A temporary work tree (checked out at `revision`, detached) for porcelain commands such as
   * `git cherry-pick`; removed by `done`.
   */
  withWorkTree<T>(revision: string, use: (dir: string, run: (args: string[]) => GitRunResult) => T): T {
    const dir = mkdtempSync(join(tmpdir(), "hotfix-wt-"));
    live.add(dir);
    this.git(["worktree", "add", "--quiet", "--detach", "--force", dir, revision]);
    const env = identityEnv(DEFAULT_IDENTITY, DEFAULT_IDENTITY);
    const run = (args: string[]) => this.run(args, { cwd: dir, env });
    try {
      return use(dir, run);
    } finally {
      this.git(["worktree", "remove", "--force", dir]);
      rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
    }
  }

  /**
   * The tree `git cherry-pick` produces on `target` for a change: one commit, a merge commit
   * (`-m 1`) or a range (`from..to`, each commit in turn). null when git reports a conflict.
   */
  cherryPickTree(target: string, change: { commit: string; mainline?: number } | { range: [string, string] }): string | null {
    return this.withWorkTree(target, (_dir, run) => {
      const args = ["-c", "merge.renames=true", "cherry-pick", "--allow-empty", "--keep-redundant-commits"];
      if ("range" in change) args.push(`${change.range[0]}..${change.range[1]}`);
      else args.push(...(change.mainline ? ["-m", String(change.mainline)] : []), change.commit);
      const result = run(args);
      if (result.status !== 0) {
        run(["cherry-pick", "--abort"]);
        return null;
      }
      return run(["rev-parse", "HEAD^{tree}"]).stdout.trim();
    });
  }

  /**
   * The tree `git revert` produces on `target` for a change: one commit, a merge commit
   * (`-m 1`) or a range (`from..to`, newest first, as git reverts a range). null on a conflict.
   */
  revertTree(target: string, change: { commit: string; mainline?: number } | { range: [string, string] }): string | null {
    return this.withWorkTree(target, (_dir, run) => {
      const args = ["-c", "merge.renames=true", "revert", "--no-edit"];
      if ("range" in change) args.push(`${change.range[0]}..${change.range[1]}`);
      else args.push(...(change.mainline ? ["-m", String(change.mainline)] : []), change.commit);
      const result = run(args);
      if (result.status !== 0) {
        run(["revert", "--abort"]);
        return null;
      }
      return run(["rev-parse", "HEAD^{tree}"]).stdout.trim();
    });
  }

  /**
   * Merges `head` into `base` as GitHub's merge button does, with real git porcelain:
   * - merge: a merge commit (`git merge --no-ff`);
   * - squash: one commit with the combined change (`git merge --squash`);
   * - rebase: each commit replayed on the base (`git cherry-pick`), committer GitHub.
   * Moves the base branch and returns the new tip (GitHub's merge_commit_sha).
   */
  mergeLikeGitHub(base: string, head: string, method: "merge" | "squash" | "rebase", options: { number: number; title: string; author?: Identity; headLabel?: string; message?: { title?: string; body?: string } }): string {
    const baseSha = this.rev(`refs/heads/${base}`);
    const headSha = this.rev(head);
    const committer = GITHUB_IDENTITY;
    const tip = this.withWorkTree(baseSha, (dir) => {
      const must = (args: string[], env: Record<string, string>) => {
        const result = this.run(args, { cwd: dir, env });
        if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr || result.stdout}`);
        return result.stdout.trim();
      };
      const author = options.author ?? DEFAULT_IDENTITY;
      const committerOnly = { GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email };
      if (method === "merge") {
        // The merge endpoint's commit_title / commit_message replace GitHub's defaults.
        const title = options.message?.title ?? `Merge pull request #${options.number} from ${options.headLabel ?? head}`;
        must(["merge", "--no-ff", "--no-edit", "-m", `${title}\n\n${options.message?.body ?? options.title}`, headSha], identityEnv(author, committer));
      } else if (method === "squash") {
        must(["merge", "--squash", headSha], identityEnv(author, committer));
        const subjects = this.log(`${baseSha}..${headSha}`).reverse().map((sha) => `* ${this.commit(sha).message.split("\n")[0]}`);
        const title = options.message?.title ?? `${options.title} (#${options.number})`;
        must(["commit", "--allow-empty", "-m", `${title}\n\n${options.message?.body ?? subjects.join("\n\n")}`], identityEnv(author, committer));
      } else {
        // Rebase and merge: each commit replayed in order, authors kept, GitHub as committer.
        const commits = this.git(["rev-list", "--reverse", "--no-merges", `${baseSha}..${headSha}`]).split("\n").filter(Boolean);
        for (const commit of commits) must(["cherry-pick", "--allow-empty", commit], committerOnly);
      }
      return must(["rev-parse", "HEAD"], {});
    });
    this.updateRef(`refs/heads/${base}`, tip);
    return tip;
  }

  /** Bytes a full clone and a depth-1 clone download (a packed bundle of what they fetch). */
  cloneSizes(branch: string): { full: number; shallow: number } {
    const pack = (args: string[], input: string) =>
      spawnSync("git", ["--git-dir", this.dir, "pack-objects", "--stdout", "-q", ...args], { input, maxBuffer: 2 * 1024 * 1024 * 1024 }).stdout.length;
    const tipTree = this.tree(`refs/heads/${branch}`);
    const objects = [this.rev(`refs/heads/${branch}`), tipTree, ...this.lsTree(tipTree, true).map((entry) => entry.sha)];
    return { full: pack(["--revs", "--all"], ""), shallow: pack([], objects.join("\n") + "\n") };
  }

  /** Fills a branch with files in one commit, fast (git fast-import). */
  bulkCommit(branch: string, files: Array<{ path: string; content: string }>, message: string): string {
    return this.bulkCommits(branch, [{ files, message }]);
  }

  /** Many commits on a branch in one git process (git fast-import): large histories for benchmarks. */
  bulkCommits(branch: string, commits: Array<{ files: Array<{ path: string; content: string }>; message: string }>): string {
    const parent = this.resolve(`refs/heads/${branch}`);
    const time = Math.floor(Date.now() / 1000) - commits.length;
    const chunks: string[] = [];
    commits.forEach((commit, index) => {
      const lines = [`commit refs/heads/${branch}`, `committer Dev <dev@example.com> ${time + index} +0000`, `data ${Buffer.byteLength(commit.message)}`, commit.message];
      if (index === 0 && parent) lines.push(`from ${parent}`);
      chunks.push(lines.join("\n") + "\n");
      for (const file of commit.files) chunks.push(`M 100644 inline ${file.path}\ndata ${Buffer.byteLength(file.content)}\n${file.content}\n`);
      chunks.push("\n");
    });
    this.git(["fast-import", "--quiet", "--force"], { input: chunks.join("") });
    return this.rev(`refs/heads/${branch}`);
  }
}
