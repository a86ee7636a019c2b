import { GraphQLError } from "graphql";
import { GitRepo, type ChangedPath, type GitCommitInfo, type Identity } from "../git/git-repo.js";
import { connection, extendRepositoryNode, pullRequestNode, type ConnectionArgs } from "./graphql.js";
import { API, fullName, restUser, validationFailed } from "./rest-shapes.js";
import { ghError, SIM_APP, type GitHubSimulator, type SimResponse } from "./simulator.js";
import type { SimCommit, SimFile, SimPull, SimRepo, SimUser } from "./state.js";

/**
 * GitHub's git endpoints backed by a REAL git repository on disk, driven by the git CLI: refs,
 * commits, trees, blobs, the commit views, compare, and the merges endpoint (answered by
 * `git merge-tree --write-tree`, conflicts included). Also the pull request list/create and issue
 * update the backport flow needs, and GraphQL `ref`, `refs`, `object` and `pullRequests` on a
 * repository. A repository is served from git once a test calls `attachGit`.
 */

interface GitBacking {
  git: GitRepo;
  /** GitHub refuses refs that bring workflow changes unless the app holds the `workflows` permission. */
  workflowsPermission: boolean;
  /** Branch protection / rulesets: writes to matching refs are refused with this answer. */
  refRules: Array<{ pattern: RegExp; status: number; message: string }>;
  /** Rulesets with "Require signed commits" on matching refs (full ref names). */
  signatureRules: RegExp[];
  /** Commits GitHub signed (made through the API without a custom author or committer, or by its merges). */
  signed: Set<string>;
}

const backings = new WeakMap<SimRepo, GitBacking>();
/** Whether `repo` is served from a real git repository (its GraphQL objects come from there). */
export const isGitBacked = (repo: SimRepo): boolean => backings.has(repo);

/** Serves `fullName`'s git endpoints from a fresh repository (one empty commit on the default branch). */
export const attachGit = (sim: GitHubSimulator, name: string, options: { workflowsPermission?: boolean } = {}): GitRepo => {
  const repo = sim.repo(name);
  const git = GitRepo.create(repo.defaultBranch);
  backings.set(repo, { git, workflowsPermission: options.workflowsPermission ?? false, refRules: [], signatureRules: [], signed: new Set() });
  syncBranches(repo);
  return git;
};

/** The repository and its git backing; 404 for repositories without one. */
export const withGit = (sim: GitHubSimulator, params: Record<string, string>, handle: (repo: SimRepo, backing: GitBacking) => SimResponse): SimResponse => {
  const repo = sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
  const backing = repo && backings.get(repo);
  if (!repo || !backing) return ghError(404, "Not Found");
  return handle(repo, backing);
};

export const gitBacking = (sim: GitHubSimulator, name: string): GitBacking => {
  const backing = backings.get(sim.repo(name));
  if (!backing) throw new Error(`simulator: ${name} has no git repository (call attachGit)`);
  return backing;
};

/** Keeps the simulator's branch map (read by other routes) equal to git's branches. */
export const syncBranches = (repo: SimRepo): void => {
  const backing = backings.get(repo);
  if (!backing) return;
  repo.branches.clear();
  for (const [branch, sha] of backing.git.branches()) repo.branches.set(branch, sha);
};

export const identityOf = (login: string): Identity => ({ name: login, email: `${login}@example.com` });

const botIdentity = (sim: GitHubSimulator): Identity => {
  const bot = sim.user(`${SIM_APP.slug}[bot]`, "Bot");
  return { name: bot.login, email: `${bot.id}+${bot.login}@users.noreply.github.com` };
};

/** The account a commit e-mail belongs to, as GitHub links commit authors to users. */
const userOfEmail = (sim: GitHubSimulator, email: string): SimUser | null => {
  const noreply = /^(?:\d+\+)?(.+)@users\.noreply\.github\.com$/i.exec(email);
  const example = /^(.+)@example\.com$/i.exec(email);
  const login = noreply?.[1] ?? example?.[1];
  return login ? ([...sim.users.values()].find((user) => user.login.toLowerCase() === login.toLowerCase()) ?? null) : null;
};

// ---- a test's view: pull requests made from real commits ---------------------------------------

/** A PR whose head, commits and files come from git (`head` is a branch or any revision). */
export const openPullFromGit = (
  sim: GitHubSimulator,
  name: string,
  pull: { head: string; base?: string; title?: string; body?: string | null; labels?: string[]; author?: string; fromFork?: string; headRef?: string },
): SimPull => {
  const repo = sim.repo(name);
  const { git } = gitBacking(sim, name);
  const base = pull.base ?? repo.defaultBranch;
  const headSha = git.rev(pull.head);
  const created = sim.addPull(name, {
    title: pull.title,
    body: pull.body,
    labels: pull.labels,
    author: pull.author,
    base,
    head: pull.headRef ?? pull.head.replace(/^refs\/heads\//, ""),
    headSha,
    fromFork: pull.fromFork,
    files: filesOf(git, git.mergeBase(`refs/heads/${base}`, headSha) ?? headSha, headSha),
    commits: commitsOf(sim, git, `refs/heads/${base}`, headSha),
  });
  return created;
};

/** Merges a PR as GitHub's button does (merge commit, squash or rebase), with real git. */
export const mergePullFromGit = (sim: GitHubSimulator, name: string, number: number, method: "merge" | "squash" | "rebase", mergedBy = "lead"): string => {
  const repo = sim.repo(name);
  const pull = sim.pull(name, number);
  const { git } = gitBacking(sim, name);
  const sha = git.mergeLikeGitHub(pull.base.ref, pull.head.sha, method, {
    number,
    title: pull.title,
    author: identityOf(pull.user.login),
    headLabel: `${pull.head.repoFullName.split("/")[0]}/${pull.head.ref}`,
  });
  syncBranches(repo);
  const at = sim.now();
  pull.merged = true;
  pull.state = "closed";
  pull.mergedAt = at;
  pull.closedAt = at;
  pull.mergeCommitSha = sha;
  pull.mergedBy = sim.user(mergedBy);
  return sha;
};

const changeType = (status: ChangedPath["status"]): string =>
  ({ added: "ADDED", removed: "DELETED", modified: "MODIFIED", renamed: "RENAMED", copied: "COPIED", changed: "CHANGED" })[status];

export const filesOf = (git: GitRepo, from: string, to: string): SimFile[] =>
  git.diff(from, to).map((file) => ({ path: file.filename, additions: file.additions, deletions: file.deletions, changeType: changeType(file.status) }));

export const commitsOf = (sim: GitHubSimulator, git: GitRepo, base: string, head: string): SimCommit[] =>
  git
    .log(`${base}..${head}`)
    .reverse()
    .map((sha) => {
      const info = git.commit(sha);
      return {
        sha,
        authorLogins: [userOfEmail(sim, info.author.email)?.login].filter((login): login is string => Boolean(login)),
        committerLogin: userOfEmail(sim, info.committer.email)?.login ?? null,
        message: info.message.replace(/\n+$/, ""),
        committedAt: isoDate(info.committer.date),
      };
    });

// ---- REST shapes --------------------------------------------------------------------------------

/** GitHub writes git dates in UTC with a Z. */
const isoDate = (date: string): string => new Date(date).toISOString().replace(/\.\d{3}Z$/, "Z");

const UNSIGNED = { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };

const restRef = (repo: SimRepo, ref: string, sha: string, type: string) => ({
  ref,
  node_id: `REF_${Buffer.from(ref).toString("base64")}`,
  url: `${API}/repos/${fullName(repo)}/git/${ref}`,
  object: { type, sha, url: `${API}/repos/${fullName(repo)}/git/${type}s/${sha}` },
});

const gitPerson = (person: Identity & { date: string }) => ({ name: person.name, email: person.email, date: isoDate(person.date) });

const VERIFIED = { verified: true, reason: "valid", signature: "-----BEGIN PGP SIGNATURE-----\n(simulated)\n-----END PGP SIGNATURE-----", payload: "(simulated)", verified_at: null };

const restGitCommit = (repo: SimRepo, info: GitCommitInfo, signed = false) => ({
  sha: info.sha,
  node_id: `C_${info.sha}`,
  url: `${API}/repos/${fullName(repo)}/git/commits/${info.sha}`,
  html_url: `https://github.com/${fullName(repo)}/commit/${info.sha}`,
  author: gitPerson(info.author),
  committer: gitPerson(info.committer),
  message: info.message.replace(/\n$/, ""),
  tree: { sha: info.tree, url: `${API}/repos/${fullName(repo)}/git/trees/${info.tree}` },
  parents: info.parents.map((sha) => ({ sha, url: `${API}/repos/${fullName(repo)}/git/commits/${sha}`, html_url: `https://github.com/${fullName(repo)}/commit/${sha}` })),
  verification: signed ? VERIFIED : UNSIGNED,
});

const restFile = (repo: SimRepo, commit: string, file: ChangedPath) => ({
  sha: file.sha,
  filename: file.filename,
  status: file.status,
  additions: file.additions,
  deletions: file.deletions,
  changes: file.additions + file.deletions,
  blob_url: `https://github.com/${fullName(repo)}/blob/${commit}/${encodeURI(file.filename)}`,
  raw_url: `https://github.com/${fullName(repo)}/raw/${commit}/${encodeURI(file.filename)}`,
  contents_url: `${API}/repos/${fullName(repo)}/contents/${encodeURI(file.filename)}?ref=${commit}`,
  ...(file.previousFilename ? { previous_filename: file.previousFilename } : {}),
});

/** The "commit" of GET /repos/{owner}/{repo}/commits/{ref}, the commit lists, merges and compare. */
const restCommit = (sim: GitHubSimulator, repo: SimRepo, info: GitCommitInfo, files?: ChangedPath[]) => {
  const author = userOfEmail(sim, info.author.email);
  const committer = userOfEmail(sim, info.committer.email);
  return {
    url: `${API}/repos/${fullName(repo)}/commits/${info.sha}`,
    sha: info.sha,
    node_id: `C_${info.sha}`,
    html_url: `https://github.com/${fullName(repo)}/commit/${info.sha}`,
    comments_url: `${API}/repos/${fullName(repo)}/commits/${info.sha}/comments`,
    commit: {
      url: `${API}/repos/${fullName(repo)}/git/commits/${info.sha}`,
      author: gitPerson(info.author),
      committer: gitPerson(info.committer),
      message: info.message.replace(/\n$/, ""),
      tree: { sha: info.tree, url: `${API}/repos/${fullName(repo)}/git/trees/${info.tree}` },
      comment_count: 0,
      verification: UNSIGNED,
    },
    author: author ? restUser(author) : null,
    committer: committer ? restUser(committer) : null,
    parents: info.parents.map((sha) => ({ sha, url: `${API}/repos/${fullName(repo)}/commits/${sha}`, html_url: `https://github.com/${fullName(repo)}/commit/${sha}` })),
    ...(files
      ? {
          stats: {
            additions: files.reduce((sum, file) => sum + file.additions, 0),
            deletions: files.reduce((sum, file) => sum + file.deletions, 0),
            total: files.reduce((sum, file) => sum + file.additions + file.deletions, 0),
          },
          files: files.slice(0, 300).map((file) => restFile(repo, info.sha, file)),
        }
      : {}),
  };
};

const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** What a commit changed against its first parent (the empty tree for a root commit). */
const changesOf = (git: GitRepo, info: GitCommitInfo): ChangedPath[] => git.diff(info.parents[0] ?? EMPTY_TREE, info.sha);


/**
 * GitHub refuses a ref write from an app without the `workflows` permission when it makes
 * reachable a new commit whose tree differs from ANY of its parents under `.github/workflows/`
 * (git's own answer: "refusing to allow a GitHub App to create or update workflow `<path>`
 * without `workflows` permission"). A merge commit is compared with each parent, so a merge that
 * brings in another branch's workflow files is refused too.
 */
const workflowRefusal = (backing: GitBacking, sha: string): SimResponse | null => {
  if (backing.workflowsPermission) return null;
  for (const commit of newCommits(backing, sha)) {
    const info = backing.git.commit(commit);
    const parents = info.parents.length > 0 ? info.parents : [EMPTY_TREE];
    for (const parent of parents) {
      const touched = backing.git
        .git(["diff-tree", "-r", "--name-only", "--no-commit-id", "-z", parent, commit, "--", ".github/workflows/"])
        .split("\u0000")
        .find(Boolean);
      if (touched) return ghError(422, `refusing to allow a GitHub App to create or update workflow \`${touched}\` without \`workflows\` permission`);
    }
  }
  return null;
};

/** The commits a ref write to `sha` would make reachable (none of them is on any ref yet). */
const newCommits = (backing: GitBacking, sha: string): string[] => {
  const out = backing.git.git(["rev-list", sha, "--not", "--all"]);
  return out ? out.split("\n") : [];
};

/**
 * "Require signed commits" (a ruleset rule): a write to a matching ref is refused when a commit
 * it adds is not verified. GitHub signs the commits it makes itself: API commits without a
 * custom author or committer, and merge commits of its merges endpoint.
 */
const signatureRefusal = (backing: GitBacking, ref: string, sha: string): SimResponse | null => {
  if (!backing.signatureRules.some((rule) => rule.test(ref))) return null;
  const unsigned = newCommits(backing, sha).find((commit) => !backing.signed.has(commit));
  return unsigned ? ghError(422, `Repository rule violations found\n\nCommits must have verified signatures.\n\nFound 1 violation:\n\n  ${unsigned}\n`) : null;
};

const ruleRefusal = (backing: GitBacking, ref: string): SimResponse | null => {
  const rule = backing.refRules.find((candidate) => candidate.pattern.test(ref));
  return rule ? ghError(rule.status, rule.message) : null;
};

const isSha = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f]{40}$/.test(value);

/** A branch name, a full ref or a sha, as GitHub resolves `head`/`ref` parameters. */
const resolveRevision = (git: GitRepo, revision: string): string | null => {
  if (isSha(revision)) return git.objectType(revision) === "commit" ? revision : null;
  // Ancestry suffixes GitHub's comparisons accept: `<sha or branch>^`, `^^`, `~<n>`.
  const ancestry = /^(.+?)((?:\^|~\d+)+)$/.exec(revision);
  if (ancestry) {
    const start = resolveRevision(git, ancestry[1]);
    return start ? git.resolve(`${start}${ancestry[2]}`) : null;
  }
  for (const candidate of [revision, `refs/heads/${revision}`, `refs/tags/${revision}`]) {
    const sha = candidate.startsWith("refs/") ? git.ref(candidate) : null;
    if (sha) return git.resolve(sha);
  }
  return null;
};

// ---- routes ---------------------------------------------------------------------------------------

export const registerGitRoutes = (sim: GitHubSimulator): void => {

  // ---- refs -------------------------------------------------------------------------------------

  // GET /repos/{owner}/{repo}/git/ref/{ref}: ref is "heads/<branch>" or "tags/<tag>".
  sim.route("GET", "/repos/{owner}/{repo}/git/ref/{ref*}", ({ params }) =>
    withGit(sim, params, (repo, { git }) => {
      const name = `refs/${params.ref}`;
      const sha = git.ref(name);
      return sha ? { status: 200, body: restRef(repo, name, sha, git.objectType(sha)!) } : ghError(404, "Not Found");
    }),
  );

  // GET /repos/{owner}/{repo}/git/matching-refs/{ref}: every ref starting with refs/<ref>.
  sim.route("GET", "/repos/{owner}/{repo}/git/matching-refs/{ref*}", ({ params }) =>
    withGit(sim, params, (repo, { git }) => ({
      status: 200,
      body: [...git.refs(`refs/${params.ref}`)].map(([name, sha]) => restRef(repo, name, sha, git.objectType(sha)!)),
    })),
  );

  // POST /repos/{owner}/{repo}/git/refs: 201; 422 when it exists (creation is atomic), the object is missing, or the name is bad.
  sim.route("POST", "/repos/{owner}/{repo}/git/refs", ({ params, body }) =>
    withGit(sim, params, (repo, backing) => {
      const { git } = backing;
      const ref = body?.ref;
      if (typeof ref !== "string" || !ref.startsWith("refs/") || ref.split("/").length < 3) {
        return ghError(422, "Reference name must start with 'refs/' and have at least two slashes.");
      }
      if (git.run(["check-ref-format", ref]).status !== 0) return ghError(422, `${ref} is not a valid ref name.`);
      if (!isSha(body?.sha) || !git.objectType(body.sha)) return ghError(422, "Object does not exist");
      if (git.ref(ref)) return ghError(422, "Reference already exists");
      const conflicting = [...git.refs("refs/")].find(([name]) => name.startsWith(`${ref}/`) || ref.startsWith(`${name}/`));
      if (conflicting) return ghError(422, "Reference update failed");
      const refused = ruleRefusal(backing, ref) ?? signatureRefusal(backing, ref, body.sha) ?? workflowRefusal(backing, body.sha);
      if (refused) return refused;
      git.updateRef(ref, body.sha);
      syncBranches(repo);
      return { status: 201, body: restRef(repo, ref, body.sha, git.objectType(body.sha)!) };
    }),
  );

  // PATCH /repos/{owner}/{repo}/git/refs/{ref}: fast-forward unless force.
  sim.route("PATCH", "/repos/{owner}/{repo}/git/refs/{ref*}", ({ params, body }) =>
    withGit(sim, params, (repo, backing) => {
      const { git } = backing;
      const name = `refs/${params.ref}`;
      const current = git.ref(name);
      if (!current) return ghError(422, "Reference does not exist");
      if (!isSha(body?.sha) || git.objectType(body.sha) !== "commit") return ghError(422, "Object does not exist");
      if (!body.force && !git.isAncestor(current, body.sha)) return ghError(422, "Update is not a fast forward");
      const refused = ruleRefusal(backing, name) ?? signatureRefusal(backing, name, body.sha) ?? workflowRefusal(backing, body.sha);
      if (refused) return refused;
      git.updateRef(name, body.sha);
      syncBranches(repo);
      return { status: 200, body: restRef(repo, name, body.sha, "commit") };
    }),
  );

  // DELETE /repos/{owner}/{repo}/git/refs/{ref}: 204; 422 when there is no such ref.
  sim.route("DELETE", "/repos/{owner}/{repo}/git/refs/{ref*}", ({ params }) =>
    withGit(sim, params, (repo, backing) => {
      const name = `refs/${params.ref}`;
      if (!backing.git.ref(name)) return ghError(422, "Reference does not exist");
      const refused = ruleRefusal(backing, name);
      if (refused) return refused;
      backing.git.deleteRef(name);
      syncBranches(repo);
      return { status: 204 };
    }),
  );

  // ---- commits, trees, blobs --------------------------------------------------------------------

  sim.route("GET", "/repos/{owner}/{repo}/git/commits/{sha}", ({ params }) =>
    withGit(sim, params, (repo, { git, signed }) =>
      isSha(params.sha) && git.objectType(params.sha) === "commit" ? { status: 200, body: restGitCommit(repo, git.commit(params.sha), signed.has(params.sha)) } : ghError(404, "Not Found"),
    ),
  );

  // POST /repos/{owner}/{repo}/git/commits: author defaults to the app, committer to the author.
  sim.route("POST", "/repos/{owner}/{repo}/git/commits", ({ params, body }) =>
    withGit(sim, params, (repo, { git, signed }) => {
      if (typeof body?.message !== "string") return validationFailed("Commit", "message", "missing_field");
      if (!isSha(body.tree) || git.objectType(body.tree) !== "tree") return ghError(422, "Tree SHA does not exist");
      const parents: unknown[] = body.parents ?? [];
      if (!Array.isArray(parents) || parents.some((parent) => !isSha(parent) || git.objectType(parent) !== "commit")) {
        return ghError(422, "Parent SHA does not exist or is not a commit object");
      }
      const now = sim.now();
      const person = (given: { name?: string; email?: string; date?: string } | undefined, fallback: Identity): Identity =>
        given?.name && given?.email ? { name: given.name, email: given.email, date: given.date ?? now } : { ...fallback, date: now };
      const author = person(body.author, botIdentity(sim));
      const committer = person(body.committer, author);
      const sha = git.commitTree(body.tree, parents as string[], body.message, author, committer);
      // GitHub signs an app's API commit only when it names no custom author or committer.
      if (!body.author && !body.committer && !body.signature) signed.add(sha);
      return { status: 201, body: restGitCommit(repo, git.commit(sha), signed.has(sha)) };
    }),
  );

  sim.route("GET", "/repos/{owner}/{repo}/git/trees/{sha}", ({ params, query }) =>
    withGit(sim, params, (repo, { git }) => {
      const tree = isSha(params.sha) ? (git.objectType(params.sha) === "commit" ? git.tree(params.sha) : params.sha) : resolveRevision(git, params.sha) && git.tree(resolveRevision(git, params.sha)!);
      if (!tree || git.objectType(tree) !== "tree") return ghError(404, "Not Found");
      const recursive = query.has("recursive") && !["0", "false"].includes(query.get("recursive") ?? "");
      return {
        status: 200,
        body: {
          sha: tree,
          url: `${API}/repos/${fullName(repo)}/git/trees/${tree}`,
          tree: git.lsTree(tree, recursive).map((entry) => ({
            path: entry.path,
            mode: entry.mode,
            type: entry.type,
            sha: entry.sha,
            ...(entry.size != null ? { size: entry.size } : {}),
            url: `${API}/repos/${fullName(repo)}/git/${entry.type}s/${entry.sha}`,
          })),
          truncated: false,
        },
      };
    }),
  );

  // POST /repos/{owner}/{repo}/git/trees: blobs by sha or content on top of base_tree; sha null deletes.
  sim.route("POST", "/repos/{owner}/{repo}/git/trees", ({ params, body }) =>
    withGit(sim, params, (repo, { git }) => {
      if (!Array.isArray(body?.tree)) return validationFailed("Tree", "tree", "missing_field");
      if (body.base_tree && git.objectType(body.base_tree) !== "tree") return ghError(422, "base_tree is not a valid tree oid");
      const changes: Array<{ path: string; mode?: string; sha: string | null }> = [];
      const base = body.base_tree ? [...git.entries(body.base_tree)].filter(([, entry]) => entry.type !== "tree").map(([path]) => ({ path })) : [];
      for (const entry of body.tree as Array<{ path: string; mode: string; type: string; sha?: string | null; content?: string }>) {
        if (typeof entry.path !== "string" || entry.path.startsWith("/") || entry.path.endsWith("/")) return validationFailed("Tree", "path", "invalid");
        // A path set or removed replaces whatever base_tree had there, file or directory.
        const below = base.filter((item) => item.path.startsWith(`${entry.path}/`)).map((item) => ({ path: item.path, sha: null }));
        if (entry.type === "tree" || entry.mode === "040000") {
          if (entry.sha === null) {
            changes.push(...below, { path: entry.path, sha: null });
            continue;
          }
          if (!isSha(entry.sha) || git.objectType(entry.sha) !== "tree") return ghError(422, `tree.sha ${String(entry.sha)} is not a valid tree`);
          changes.push(...below, { path: entry.path, sha: null });
          for (const [path, item] of git.entries(entry.sha)) if (item.type !== "tree") changes.push({ path: `${entry.path}/${path}`, mode: item.mode, sha: item.sha });
          continue;
        }
        if (typeof entry.content === "string") changes.push(...below, { path: entry.path, mode: entry.mode, sha: git.hashBlob(entry.content) });
        else if (entry.sha === null) changes.push(...below, { path: entry.path, sha: null });
        else if (isSha(entry.sha) && (git.objectType(entry.sha) === "blob" || (entry.mode === "160000" && entry.type === "commit"))) changes.push(...below, { path: entry.path, mode: entry.mode, sha: entry.sha });
        else return ghError(422, `tree.sha ${String(entry.sha)} is not a valid blob`);
      }
      const tree = git.writeTree(body.base_tree ?? null, changes);
      const entries = git.lsTree(tree, false);
      return {
        status: 201,
        body: {
          sha: tree,
          url: `${API}/repos/${fullName(repo)}/git/trees/${tree}`,
          tree: entries.map((entry) => ({ path: entry.path, mode: entry.mode, type: entry.type, sha: entry.sha, ...(entry.size != null ? { size: entry.size } : {}), url: `${API}/repos/${fullName(repo)}/git/${entry.type}s/${entry.sha}` })),
          truncated: false,
        },
      };
    }),
  );

  sim.route("POST", "/repos/{owner}/{repo}/git/blobs", ({ params, body }) =>
    withGit(sim, params, (repo, { git }) => {
      if (typeof body?.content !== "string") return validationFailed("Blob", "content", "missing_field");
      const sha = git.hashBlob(body.encoding === "base64" ? Buffer.from(body.content, "base64") : body.content);
      return { status: 201, body: { sha, url: `${API}/repos/${fullName(repo)}/git/blobs/${sha}` } };
    }),
  );

  sim.route("GET", "/repos/{owner}/{repo}/git/blobs/{sha}", ({ params }) =>
    withGit(sim, params, (repo, { git }) => {
      if (!isSha(params.sha) || git.objectType(params.sha) !== "blob") return ghError(404, "Not Found");
      const raw = git.readBlob(params.sha);
      return { status: 200, body: { sha: params.sha, node_id: `B_${params.sha}`, size: raw.length, url: `${API}/repos/${fullName(repo)}/git/blobs/${params.sha}`, content: raw.toString("base64"), encoding: "base64" } };
    }),
  );

  // ---- commit views, compare, merges --------------------------------------------------------------

  // GET /repos/{owner}/{repo}/commits: `git log` from `sha` (default branch by default), paged.
  sim.route("GET", "/repos/{owner}/{repo}/commits", ({ params, query }) =>
    withGit(sim, params, (repo, { git }) => {
      const start = resolveRevision(git, query.get("sha") ?? repo.defaultBranch);
      if (!start) return ghError(404, "Not Found");
      const perPage = Math.min(Number(query.get("per_page") ?? 30), 100);
      const page = Number(query.get("page") ?? 1);
      const shas = git.log(start, { skip: (page - 1) * perPage, max: perPage + 1 });
      const more = shas.length > perPage;
      return {
        status: 200,
        body: shas.slice(0, perPage).map((sha) => restCommit(sim, repo, git.commit(sha))),
        headers: more ? { link: `<${sim.baseUrl}/repos/${fullName(repo)}/commits?${new URLSearchParams({ ...Object.fromEntries(query), page: String(page + 1) })}>; rel="next"` } : undefined,
      };
    }),
  );

  // GET /repos/{owner}/{repo}/commits/{ref}: the commit with stats and (up to 300) files.
  sim.route("GET", "/repos/{owner}/{repo}/commits/{ref*}", ({ params }) =>
    withGit(sim, params, (repo, { git }) => {
      const sha = resolveRevision(git, params.ref);
      if (!sha) return ghError(422, `No commit found for SHA: ${params.ref}`);
      const info = git.commit(sha);
      return { status: 200, body: restCommit(sim, repo, info, changesOf(git, info)) };
    }),
  );

  // GET /repos/{owner}/{repo}/compare/{base}...{head}
  sim.route("GET", "/repos/{owner}/{repo}/compare/{basehead*}", ({ params }) =>
    withGit(sim, params, (repo, { git }) => {
      const [baseName, headName] = params.basehead.includes("...") ? params.basehead.split("...") : params.basehead.split("..");
      const base = baseName && resolveRevision(git, baseName);
      const head = headName && resolveRevision(git, headName);
      if (!base || !head) return ghError(404, "Not Found");
      const mergeBase = git.mergeBase(base, head);
      if (!mergeBase) return ghError(404, `No common ancestor between ${baseName} and ${headName}.`);
      const [behind, ahead] = git.git(["rev-list", "--left-right", "--count", `${base}...${head}`]).split(/\s+/).map(Number);
      const status = ahead === 0 && behind === 0 ? "identical" : behind === 0 ? "ahead" : ahead === 0 ? "behind" : "diverged";
      const commits = git.log(`${base}..${head}`).reverse().slice(0, 250);
      const files = git.diff(mergeBase, head);
      return {
        status: 200,
        body: {
          url: `${API}/repos/${fullName(repo)}/compare/${params.basehead}`,
          html_url: `https://github.com/${fullName(repo)}/compare/${params.basehead}`,
          permalink_url: `https://github.com/${fullName(repo)}/compare/${base}...${head}`,
          diff_url: `https://github.com/${fullName(repo)}/compare/${params.basehead}.diff`,
          patch_url: `https://github.com/${fullName(repo)}/compare/${params.basehead}.patch`,
          base_commit: restCommit(sim, repo, git.commit(base)),
          merge_base_commit: restCommit(sim, repo, git.commit(mergeBase)),
          status,
          ahead_by: ahead,
          behind_by: behind,
          total_commits: ahead,
          commits: commits.map((sha) => restCommit(sim, repo, git.commit(sha))),
          files: files.slice(0, 300).map((file) => restFile(repo, head, file)),
        },
      };
    }),
  );

  /**
   * POST /repos/{owner}/{repo}/merges: merges `head` (branch or sha) into the branch `base`.
   * 201 with the merge commit; 204 when `head` is already in `base`; 409 on a conflict
   * (`git merge-tree --write-tree` decides); 404 when base or head does not exist.
   */
  sim.route("POST", "/repos/{owner}/{repo}/merges", ({ params, body }) =>
    withGit(sim, params, (repo, backing) => {
      const { git } = backing;
      if (typeof body?.base !== "string" || typeof body?.head !== "string") return validationFailed("Merge", "base", "missing_field");
      const baseRef = `refs/heads/${body.base}`;
      const base = git.ref(baseRef);
      if (!base) return ghError(404, "Base does not exist");
      const head = resolveRevision(git, body.head);
      if (!head) return ghError(404, "Head does not exist");
      if (git.isAncestor(head, base)) return { status: 204 };
      const merged = git.mergeTree(base, head);
      if (merged.conflicts.length > 0) return ghError(409, "Merge conflict");
      const bot = { ...botIdentity(sim), date: sim.now() };
      const message = typeof body.commit_message === "string" && body.commit_message ? body.commit_message : `Merge ${body.head} into ${body.base}`;
      const sha = git.commitTree(merged.tree, [base, head], message, bot, bot);
      backing.signed.add(sha);
      const refused = ruleRefusal(backing, baseRef) ?? signatureRefusal(backing, baseRef, sha) ?? workflowRefusal(backing, sha);
      if (refused) return refused;
      git.updateRef(baseRef, sha);
      syncBranches(repo);
      return { status: 201, body: restCommit(sim, repo, git.commit(sha)) };
    }),
  );

  // ---- pull requests and issues the backport flow writes -------------------------------------------

};


// ---- GraphQL: refs, git objects and PRs by branch, from git ----------------------------------------

const gitRepositoryFields = (sim: GitHubSimulator, repo: SimRepo): Record<string, unknown> => {
  const backing = backings.get(repo);
  if (!backing) return {};
  const { git } = backing;

  const person = (info: () => GitCommitInfo, key: "author" | "committer") => ({
    name: () => info()[key].name,
    email: () => info()[key].email,
    date: () => isoDate(info()[key].date),
    user: () => {
      const user = userOfEmail(sim, info()[key].email);
      return user ? { __typename: user.type === "Bot" ? "Bot" : "User", login: user.login.replace(/\[bot\]$/, ""), id: `U_${user.id}` } : null;
    },
  });

  const commitNode = (sha: string): Record<string, unknown> => {
    let cached: GitCommitInfo | undefined;
    const info = () => (cached ??= git.commit(sha));
    return {
      __typename: "Commit",
      id: `C_${sha}`,
      oid: sha,
      abbreviatedOid: sha.slice(0, 7),
      url: `https://github.com/${fullName(repo)}/commit/${sha}`,
      message: () => info().message.replace(/\n$/, ""),
      messageHeadline: () => info().message.split("\n")[0],
      messageBody: () => info().message.split("\n").slice(1).join("\n").trim(),
      authoredDate: () => isoDate(info().author.date),
      committedDate: () => isoDate(info().committer.date),
      author: person(info, "author"),
      committer: person(info, "committer"),
      tree: () => ({ __typename: "Tree", id: `T_${info().tree}`, oid: info().tree }),
      // Commit.file(path): the tree entry at a path (a file, a directory or a submodule), null when absent.
      file: ({ path }: { path: string }) => {
        const clean = path.replace(/^\/+|\/+$/g, "");
        const found = clean ? git.entries(info().tree).get(clean) : undefined;
        if (!found) return null;
        return { __typename: "TreeEntry", name: clean.split("/").at(-1), path: clean, oid: found.sha, mode: parseInt(found.mode, 8), type: found.type, object: objectNode(found.sha) };
      },
      signature: () => (backing.signed.has(sha) ? { __typename: "GpgSignature", isValid: true, state: "VALID", wasSignedByGitHub: true } : null),
      parents: (args: ConnectionArgs) => connection(info().parents.map((oid) => ({ __typename: "Commit", id: `C_${oid}`, oid })), args),
      history: (args: ConnectionArgs) => connection(git.log(sha).map(commitNode), args),
    };
  };

  const objectNode = (sha: string): Record<string, unknown> | null => {
    const type = git.objectType(sha);
    if (type === "commit") return commitNode(sha);
    if (type === "tree") return { __typename: "Tree", id: `T_${sha}`, oid: sha };
    if (type === "blob") return { __typename: "Blob", id: `B_${sha}`, oid: sha };
    return null;
  };

  const pullsOf = (filter: (pull: SimPull) => boolean, args: ConnectionArgs) =>
    connection([...repo.pulls.values()].filter(filter).map((pull) => pullRequestNode(sim, repo, pull)), args);

  const refNode = (name: string, sha: string, prefix: string) => ({
    __typename: "Ref",
    id: `REF_${name}`,
    name: name.slice(prefix.length),
    prefix,
    target: objectNode(sha),
    // The active rules of the rulesets that apply to this ref (signature rules are what the simulator models).
    rules: (args: ConnectionArgs) =>
      connection(backing.signatureRules.filter((rule) => rule.test(name)).map((rule, index) => ({ __typename: "RepositoryRule", id: `RR_${index}_${rule.source}`, type: "REQUIRED_SIGNATURES" })), args),
    // Classic branch protection is readable only with the `administration` permission, which the app lacks.
    branchProtectionRule: () => {
      throw new GraphQLError("Resource not accessible by integration", { extensions: { type: "FORBIDDEN" } });
    },
    associatedPullRequests: (args: ConnectionArgs & { states?: string[] }) =>
      pullsOf(
        (pull) =>
          name === `refs/heads/${pull.head.ref}` &&
          pull.head.repoFullName.toLowerCase() === fullName(repo).toLowerCase() &&
          (!args.states || args.states.includes(pull.merged ? "MERGED" : pull.state.toUpperCase())),
        args,
      ),
  });

  return {
    ref: ({ qualifiedName }: { qualifiedName: string }) => {
      const full = qualifiedName.startsWith("refs/") ? qualifiedName : git.ref(`refs/heads/${qualifiedName}`) ? `refs/heads/${qualifiedName}` : `refs/tags/${qualifiedName}`;
      const sha = git.ref(full);
      if (!sha) return null;
      const prefix = full.split("/").slice(0, 2).join("/") + "/";
      return refNode(full, sha, prefix);
    },
    refs: (args: ConnectionArgs & { refPrefix: string }) =>
      connection(
        [...git.refs(args.refPrefix)].sort(([a], [b]) => a.localeCompare(b)).map(([name, sha]) => refNode(name, sha, args.refPrefix)),
        args,
      ),
    object: ({ oid, expression }: { oid?: string; expression?: string }) => {
      if (oid) return isSha(oid) ? objectNode(oid) : null;
      const result = expression ? git.run(["rev-parse", "--verify", "--quiet", expression]) : null;
      return result && result.status === 0 ? objectNode(result.stdout.trim()) : null;
    },
    pullRequests: (args: ConnectionArgs & { headRefName?: string; baseRefName?: string; states?: string[] }) =>
      pullsOf(
        (pull) =>
          (!args.headRefName || pull.head.ref === args.headRefName) &&
          (!args.baseRefName || pull.base.ref === args.baseRefName) &&
          (!args.states || args.states.includes(pull.merged ? "MERGED" : pull.state.toUpperCase())),
        args,
      ),
  };
};
extendRepositoryNode(gitRepositoryFields);
