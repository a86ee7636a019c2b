import { Octokit } from "@octokit/rest";
import nock from "nock";
import { disposeAllGitRepos, type GitRepo } from "../support/git/git-repo.js";
import { createSimulator, type GitHubSimulator } from "../support/simulator/index.js";
import { attachGit, gitBacking } from "../support/simulator/routes-git.js";
import { serveThroughNock } from "../support/simulator/nock-serve.js";

/** The simulator's git endpoints answer as GitHub does, computed by real git. */

const REPO = { owner: "acme", repo: "shop" };
let sim: GitHubSimulator;
let git: GitRepo;
let octokit: Octokit;

beforeEach(() => {
  sim = createSimulator();
  serveThroughNock(sim);
  sim.addRepo("acme/shop");
  git = attachGit(sim, "acme/shop");
  git.commitFiles("main", { "a.txt": "one\ntwo\nthree\n", "b.txt": "b\n" }, "Base");
  git.createBranch("feature", "main");
  git.commitFiles("feature", { "a.txt": "one\ntwo\nTHREE\n" }, "Feature");
  git.createBranch("other", "main");
  git.commitFiles("other", { "a.txt": "ONE\ntwo\nthree\n" }, "Other");
  const quiet = () => {};
  octokit = new Octokit({ auth: "token", log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
});
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.restore();
  disposeAllGitRepos();
});

const status = async (call: Promise<{ status: number }>): Promise<number> => {
  try {
    return (await call).status;
  } catch (error) {
    return (error as { status: number }).status;
  }
};

test("refs: get, atomic create (422 when it exists), fast-forward update, delete (422 when gone)", async () => {
  const main = git.rev("main");
  const { data } = await octokit.rest.git.getRef({ ...REPO, ref: "heads/main" });
  expect(data).toMatchObject({ ref: "refs/heads/main", object: { type: "commit", sha: main } });
  expect(await status(octokit.rest.git.getRef({ ...REPO, ref: "heads/nope" }))).toBe(404);

  expect(await status(octokit.rest.git.createRef({ ...REPO, ref: "refs/heads/x/y", sha: main }))).toBe(201);
  const again = octokit.rest.git.createRef({ ...REPO, ref: "refs/heads/x/y", sha: main });
  await expect(again).rejects.toMatchObject({ status: 422, message: expect.stringContaining("Reference already exists") });
  expect(await status(octokit.rest.git.createRef({ ...REPO, ref: "refs/heads/z", sha: "f".repeat(40) }))).toBe(422);
  expect(await status(octokit.rest.git.createRef({ ...REPO, ref: "heads/no-prefix", sha: main }))).toBe(422);
  expect(sim.repo("acme/shop").branches.get("x/y")).toBe(main);

  expect(await status(octokit.rest.git.updateRef({ ...REPO, ref: "heads/x/y", sha: git.rev("feature") }))).toBe(200);
  expect(await status(octokit.rest.git.updateRef({ ...REPO, ref: "heads/x/y", sha: git.rev("other") }))).toBe(422); // not a fast forward
  expect(await status(octokit.rest.git.updateRef({ ...REPO, ref: "heads/x/y", sha: git.rev("other"), force: true }))).toBe(200);

  const { data: matching } = await octokit.rest.git.listMatchingRefs({ ...REPO, ref: "heads/x" });
  expect(matching.map((ref) => ref.ref)).toEqual(["refs/heads/x/y"]);
  expect(await status(octokit.rest.git.deleteRef({ ...REPO, ref: "heads/x/y" }))).toBe(204);
  expect(await status(octokit.rest.git.deleteRef({ ...REPO, ref: "heads/x/y" }))).toBe(422);
});

test("commits and trees: GitHub's shapes; the author defaults to the app and the committer to the author", async () => {
  const main = git.rev("main");
  const { data: commit } = await octokit.rest.git.getCommit({ ...REPO, commit_sha: main });
  expect(commit).toMatchObject({ sha: main, message: "Base", tree: { sha: git.tree(main) }, verification: { verified: false } });
  expect(commit.author.date).toMatch(/Z$/);

  const { data: tree } = await octokit.rest.git.createTree({ ...REPO, base_tree: git.tree(main), tree: [{ path: "c/d.txt", mode: "100644", type: "blob", content: "new\n" }, { path: "b.txt", mode: "100644", type: "blob", sha: null }] });
  const { data: listed } = await octokit.rest.git.getTree({ ...REPO, tree_sha: tree.sha, recursive: "1" });
  expect(listed.tree.filter((entry) => entry.type === "blob").map((entry) => entry.path)).toEqual(["a.txt", "c/d.txt"]);

  const { data: created } = await octokit.rest.git.createCommit({ ...REPO, message: "Made", tree: tree.sha, parents: [main], author: { name: "Ann", email: "ann@example.com", date: "2024-05-01T10:00:00Z" } });
  expect(created).toMatchObject({ author: { name: "Ann", email: "ann@example.com", date: "2024-05-01T10:00:00Z" }, committer: { name: "Ann" }, parents: [{ sha: main }] });
  const { data: byApp } = await octokit.rest.git.createCommit({ ...REPO, message: "By the app", tree: tree.sha, parents: [] });
  expect(byApp.author.name).toBe("hotfix-governance[bot]");
  expect(await status(octokit.rest.git.createCommit({ ...REPO, message: "x", tree: "0".repeat(40), parents: [] }))).toBe(422);
  expect(await status(octokit.rest.git.createCommit({ ...REPO, message: "x", tree: tree.sha, parents: ["0".repeat(40)] }))).toBe(422);

  const { data: full } = await octokit.rest.repos.getCommit({ ...REPO, ref: git.rev("feature") });
  expect(full.files).toEqual([expect.objectContaining({ filename: "a.txt", status: "modified", additions: 1, deletions: 1 })]);
  const { data: log } = await octokit.rest.repos.listCommits({ ...REPO, sha: "feature", per_page: 2 });
  expect(log.map((item) => item.commit.message)).toEqual(["Feature", "Base"]);
});

test("merges: 201 with the merge commit, 204 when already merged, 409 on a conflict, 404 for a missing base or head", async () => {
  git.createBranch("target", "main");
  const merged = await octokit.rest.repos.merge({ ...REPO, base: "target", head: "feature", commit_message: "Merge feature" });
  expect(merged.status).toBe(201);
  expect(merged.data.parents.map((parent) => parent.sha)).toEqual([git.rev("main"), git.rev("feature")]);
  expect(merged.data.commit.message).toBe("Merge feature");
  expect(git.rev("target")).toBe(merged.data.sha);
  expect(git.readFile("target", "a.txt")!.toString()).toBe("one\ntwo\nTHREE\n");

  expect((await octokit.rest.repos.merge({ ...REPO, base: "target", head: "feature" })).status).toBe(204);
  // Both changed different lines of a.txt: git merges them; the same line would conflict.
  expect((await octokit.rest.repos.merge({ ...REPO, base: "target", head: git.rev("other") })).status).toBe(201);
  git.commitFiles("feature", { "a.txt": "one\nTWO!\nthree\n" }, "Conflicting");
  git.commitFiles("target", { "a.txt": "one\ntwo?\nthree\n" }, "Conflicting too");
  const before = git.rev("target");
  await expect(octokit.rest.repos.merge({ ...REPO, base: "target", head: "feature" })).rejects.toMatchObject({ status: 409 });
  expect(git.rev("target")).toBe(before);
  expect(await status(octokit.rest.repos.merge({ ...REPO, base: "nope", head: "feature" }))).toBe(404);
  expect(await status(octokit.rest.repos.merge({ ...REPO, base: "target", head: "nope" }))).toBe(404);
});

test("compare: ahead, behind, diverged, identical, with the merge base", async () => {
  const compare = async (basehead: string) => (await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead })).data;
  expect(await compare("main...feature")).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0, total_commits: 1, merge_base_commit: { sha: git.rev("main") } });
  expect(await compare("feature...main")).toMatchObject({ status: "behind", ahead_by: 0, behind_by: 1 });
  expect(await compare("other...feature")).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 1, files: [expect.objectContaining({ filename: "a.txt" })] });
  expect(await compare("main...main")).toMatchObject({ status: "identical", total_commits: 0 });
});

test("refs that would add workflow changes are refused without the workflows permission", async () => {
  git.createBranch("ci", "main");
  const sha = git.commitFiles("ci", { ".github/workflows/ci.yml": "on: push\n" }, "CI");
  git.deleteRef("refs/heads/ci");
  const refused = octokit.rest.git.createRef({ ...REPO, ref: "refs/heads/ci", sha });
  await expect(refused).rejects.toMatchObject({ status: 422, message: expect.stringContaining("without `workflows` permission") });
  gitBacking(sim, "acme/shop").workflowsPermission = true;
  expect(await status(octokit.rest.git.createRef({ ...REPO, ref: "refs/heads/ci", sha }))).toBe(201);
});

test("GraphQL: refs, objects and history come from git", async () => {
  const query = `query { repository(owner: "acme", name: "shop") {
    ref(qualifiedName: "refs/heads/feature") { name target { oid ... on Commit { tree { oid } } } }
    missing: ref(qualifiedName: "refs/heads/nope") { name }
    refs(refPrefix: "refs/heads/", first: 10) { nodes { name } }
    object(oid: "${git.rev("feature")}") { ... on Commit { message parents(first: 2) { nodes { oid } } history(first: 5) { nodes { oid } } } }
  } }`;
  const data: any = await octokit.graphql(query);
  expect(data.repository.ref).toEqual({ name: "feature", target: { oid: git.rev("feature"), tree: { oid: git.tree("feature") } } });
  expect(data.repository.missing).toBeNull();
  expect(data.repository.refs.nodes.map((node: { name: string }) => node.name)).toEqual(["feature", "main", "other"]);
  expect(data.repository.object.parents.nodes).toEqual([{ oid: git.rev("main") }]);
  expect(data.repository.object.history.nodes.map((node: { oid: string }) => node.oid)).toEqual(git.log("feature"));
});

test("a merge commit is checked against each parent, not only the first", async () => {
  git.createBranch("ci", "main");
  git.commitFiles("ci", { ".github/workflows/ci.yml": "on: push\n" }, "CI");
  gitBacking(sim, "acme/shop").workflowsPermission = false;
  const ci = git.rev("ci"); // on a branch already: not new
  // Same workflows as its first parent (ci), not as its second (main): still refused.
  const merge = git.commitTree(git.tree(ci), [ci, git.rev("main")], "Merge main into ci", { name: "Dev", email: "dev@example.com" });
  await expect(octokit.rest.git.createRef({ ...REPO, ref: "refs/heads/merged", sha: merge })).rejects.toMatchObject({
    status: 422,
    message: expect.stringContaining("refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission"),
  });
  // A commit whose tree equals its only parent's under .github/workflows/ is fine, whatever the tree holds.
  const same = git.commitTree(git.tree(ci), [ci], "Same workflows", { name: "Dev", email: "dev@example.com" });
  expect(await status(octokit.rest.git.createRef({ ...REPO, ref: "refs/heads/same", sha: same }))).toBe(201);
});

test("signed commits: GitHub signs an API commit only without a custom author; a signature rule refuses unsigned commits", async () => {
  gitBacking(sim, "acme/shop").signatureRules.push(/^refs\/heads\//);
  const main = git.rev("main");
  const { data: byApp } = await octokit.rest.git.createCommit({ ...REPO, message: "By the app", tree: git.tree(main), parents: [main] });
  expect(byApp.verification).toMatchObject({ verified: true, reason: "valid" });
  const { data: asAnn } = await octokit.rest.git.createCommit({ ...REPO, message: "As Ann", tree: git.tree(main), parents: [main], author: { name: "Ann", email: "ann@example.com" } });
  expect(asAnn.verification).toMatchObject({ verified: false });
  await expect(octokit.rest.git.createRef({ ...REPO, ref: "refs/heads/ann", sha: asAnn.sha })).rejects.toMatchObject({ status: 422, message: expect.stringContaining("Commits must have verified signatures") });
  expect(await status(octokit.rest.git.createRef({ ...REPO, ref: "refs/heads/app", sha: byApp.sha }))).toBe(201);
  const data: any = await octokit.graphql(`query { repository(owner: "acme", name: "shop") { ref(qualifiedName: "refs/heads/main") { rules(first: 10) { nodes { type } } } } }`);
  expect(data.repository.ref.rules.nodes).toEqual([{ type: "REQUIRED_SIGNATURES" }]);
});

test("comparisons accept ancestry suffixes; Commit.file gives the entry at a path", async () => {
  const feature = git.rev("feature");
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: `${feature}^...${feature}` });
  expect(data.merge_base_commit.sha).toBe(git.rev("main"));
  expect(data.files!.map((file) => file.filename)).toEqual(["a.txt"]);
  const query = `query { repository(owner: "acme", name: "shop") { object(oid: "${feature}") { ... on Commit { a: file(path: "a.txt") { oid mode type } none: file(path: "nope.txt") { oid } } } } }`;
  const result: any = await octokit.graphql(query);
  expect(result.repository.object).toEqual({ a: { oid: git.lsTree(feature).find((entry) => entry.path === "a.txt")!.sha, mode: 0o100644, type: "blob" }, none: null });
});
