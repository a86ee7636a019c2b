import nock from "nock";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import {
  appComments,
  BACKPORT_CONFIG,
  backportPulls,
  backportRequests,
  createScenario,
  mergeHotfix,
  receiveMerge,
  REPO,
  seedHistory,
  type Scenario,
} from "../support/git/scenario.js";
import { ghError } from "../support/simulator/index.js";
import { gitBacking } from "../support/simulator/routes-git.js";
import { allowMergeMethods } from "../support/simulator/routes-merge.js";

afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.restore();
  disposeAllGitRepos();
});

const branchOf = (number: number, target = "release/1.0") => `backport/${number}-to-${target}`;
const temporaryBranches = (s: Scenario) => [...s.git.refs("refs/heads/hotfix-governance/").keys()];

/** The backport commit: one commit on the target's head, its tree, message and author. */
const backportCommit = (s: Scenario, number: number, target = "release/1.0") => {
  const sha = s.git.ref(`refs/heads/${branchOf(number, target)}`);
  if (!sha) throw new Error(`no backport branch for #${number} to ${target}`);
  return s.git.commit(sha);
};

describe("cherry-picks through the REST API give what git cherry-pick gives", () => {
  test.each([
    ["the first backport (no `backport` label yet: labelled by name over REST, which creates it)", false],
    ["the `backport` label exists (labels, assignee and reviewers in one GraphQL write)", true],
  ])("squash merge: one commit on the target, same tree as `git cherry-pick`, a complete PR; %s", async (_name, labelExists) => {
    const s = await createScenario();
    if (labelExists) s.t.sim.repo(REPO).labels.add("backport");
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("main", "src/checkout.ts")!.toString().replace("0);", "0) * 100 / 100;") }, "Round totals");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart: unknown[] = [];\n" }, "Type the cart");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    const releaseHead = s.git.rev("release/1.0");
    await receiveMerge(s, pr.number);

    const commit = backportCommit(s, pr.number);
    expect(commit.parents).toEqual([releaseHead]);
    expect(commit.tree).toBe(s.git.cherryPickTree(releaseHead, { commit: mergeSha }));
    expect(commit.message.trimEnd().endsWith(`(cherry picked from commit ${mergeSha})`)).toBe(true);
    expect(commit.message.startsWith("Fix the checkout outage (#1)")).toBe(true);
    expect(commit.author).toMatchObject({ name: "dev", email: "dev@example.com" });

    const [backport] = backportPulls(s);
    expect(backportPulls(s)).toHaveLength(1);
    expect(backport).toMatchObject({
      title: "[Backport release/1.0] Fix the checkout outage",
      base: { ref: "release/1.0" },
      head: { ref: branchOf(pr.number) },
      labels: ["backport"],
      assignees: ["dev"],
      requestedReviewers: ["lead", "ops"],
    });
    expect(backport.body!.startsWith(`Backport of #${pr.number}`)).toBe(true);
    expect(backport.body).toContain(`https://github.com/${REPO}/pull/${pr.number}`);
    expect(backport.body).toContain(`https://github.com/${REPO}/commit/${mergeSha}`);
    expect(temporaryBranches(s)).toEqual([]);
    expect(appComments(s, pr.number)).toEqual([]);
    expect(s.t.sim.writes().filter((write) => !/\/git\//.test(write.path)).map((write) => `${write.method} ${write.path}`)).toEqual(
      labelExists
        ? [`POST /repos/${REPO}/pulls`, "POST /graphql"]
        : [`POST /repos/${REPO}/pulls`, `PATCH /repos/${REPO}/issues/${backport.number}`, `POST /repos/${REPO}/pulls/${backport.number}/requested_reviewers`],
    );

    // Every path the change touches is unchanged on the target: one tree, one commit, one ref.
    expect(s.t.sim.writes().filter((write) => /\/git\/|\/merges$/.test(write.path)).map((write) => `${write.method} ${write.path}`)).toEqual([
      `POST /repos/${REPO}/git/trees`,
      `POST /repos/${REPO}/git/commits`,
      `POST /repos/${REPO}/git/refs`,
    ]);
  });

  test.each([
    ["every merge method allowed", false],
    ["only rebase merges allowed (the PR's base.repo says so: the first comparison already starts three back)", true],
  ])("rebase merge of 3 commits, %s: the whole range in one commit, like cherry-picking each", async (_name, rebaseOnly) => {
    const s = await createScenario();
    if (rebaseOnly) allowMergeMethods(s.t.sim, REPO, { merge: false, squash: false });
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("main", "src/checkout.ts")!.toString().replace("'EUR'", "'USD'") }, "Dollars");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = [] as const;\n" }, "Freeze the cart");
    s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("fix", "src/checkout.ts")!.toString().replace("'USD'", "'USD' as const") }, "Constant currency");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "rebase" });
    // A rebase merge makes three new commits on main; the change starts three commits back.
    const parent = s.git.rev(`${mergeSha}~3`);
    expect(s.git.commit(mergeSha).parents).toHaveLength(1);
    const releaseHead = s.git.rev("release/1.0");
    await receiveMerge(s, pr.number);

    const commit = backportCommit(s, pr.number);
    expect(commit.parents).toEqual([releaseHead]);
    expect(commit.tree).toBe(s.git.cherryPickTree(releaseHead, { range: [parent, mergeSha] }));
    // Not just the last commit's change:
    expect(commit.tree).not.toBe(s.git.cherryPickTree(releaseHead, { commit: mergeSha }));
    expect(commit.message).toContain("* Dollars\n* Freeze the cart\n* Constant currency");
    expect(commit.message.trimEnd().endsWith(`(cherry picked from commit ${mergeSha})`)).toBe(true);
    expect(backportPulls(s)).toHaveLength(1);
  });

  test("a repository that allows only rebase merges now, a hotfix squashed before: the history corrects the guess, the result is git's", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("main", "src/checkout.ts")!.toString().replace("'EUR'", "'USD'") }, "Dollars");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = [] as const;\n" }, "Freeze the cart");
    // main moved on while the fix was open: a comparison from three back would take main's own commit in too.
    s.git.commitFiles("main", { "src/search.ts": "export const search = () => ['broken'];\n" }, "Break search");
    s.git.commitFiles("fix", { "src/search.ts": s.git.readFile("main", "src/search.ts")!.toString() }, "Keep search");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    allowMergeMethods(s.t.sim, REPO, { merge: false, squash: false });
    const releaseHead = s.git.rev("release/1.0");
    await receiveMerge(s, pr.number);
    const commit = backportCommit(s, pr.number);
    expect(commit.tree).toBe(s.git.cherryPickTree(releaseHead, { commit: mergeSha }));
    expect(backportRequests(s).filter((request) => /\/compare\//.test(request.path)).map((request) => request.path.replaceAll(mergeSha, "<tip>").replace(/[0-9a-f]{40}\.\.\./, "<parent>..."))).toEqual([
      "/repos/acme/shop/compare/<tip>~3...<tip>",
      "/repos/acme/shop/compare/<parent>...<tip>",
    ]);
  });

  test("merge commit: the change against the first parent, like `git cherry-pick -m 1`", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.createBranch("fix", "main~1");
    s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("main", "src/checkout.ts")!.toString().replace("'EUR'", "'CHF'") }, "Francs");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = new Set();\n" }, "A set");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "merge" });
    expect(s.git.commit(mergeSha).parents).toHaveLength(2);
    const releaseHead = s.git.rev("release/1.0");
    await receiveMerge(s, pr.number);

    const commit = backportCommit(s, pr.number);
    expect(commit.parents).toEqual([releaseHead]);
    expect(commit.tree).toBe(s.git.cherryPickTree(releaseHead, { commit: mergeSha, mainline: 1 }));
    expect(s.git.readFile(commit.sha, "src/search.ts")).toBeNull(); // main's other work stays out
    expect(commit.message).toBe(`Fix the checkout outage (#${pr.number})\n\n(cherry picked from commit ${mergeSha})\n`);
    expect(commit.author).toMatchObject({ name: "dev", email: "dev@example.com" });
  });

  test("renames, deletions and binary files", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    const logo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0xff, 0x10, 0x00, 0x01]);
    s.git.commitFiles("main", { "assets/logo.png": logo }, "Logo");
    s.git.commitFiles("release/1.0", { "assets/logo.png": logo, "src/checkout.ts": s.git.readFile("release/1.0", "src/checkout.ts")!.toString() + "// 1.0\n" }, "Logo on 1.0");
    s.git.createBranch("fix", "main");
    s.git.commitFiles(
      "fix",
      { "src/cart.ts": null, "assets/logo.png": Buffer.concat([logo, Buffer.from([0x00, 0x02, 0x03])]), "assets/icon.bin": Buffer.from([0, 1, 2, 3, 0, 255]) },
      "Assets",
      { renames: { "src/checkout.ts": "src/payment/checkout.ts" } },
    );
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    const releaseHead = s.git.rev("release/1.0");
    await receiveMerge(s, pr.number);

    const commit = backportCommit(s, pr.number);
    expect(commit.tree).toBe(s.git.cherryPickTree(releaseHead, { commit: mergeSha }));
    expect(s.git.readFile(commit.sha, "src/checkout.ts")).toBeNull();
    expect(s.git.readFile(commit.sha, "src/payment/checkout.ts")!.toString()).toContain("// 1.0"); // the target's own edit follows the rename
    expect(s.git.readFile(commit.sha, "src/cart.ts")).toBeNull();
    expect(s.git.readFile(commit.sha, "assets/icon.bin")).toEqual(Buffer.from([0, 1, 2, 3, 0, 255]));
    expect(s.git.readFile(commit.sha, "CHANGELOG.md")!.toString()).toBe("## 1.0\n");
  });
});

describe("paths changed on both sides: git's merge through GitHub's merges endpoint", () => {
  /** release/1.0 edits the top of src/checkout.ts; the hotfix edits its currency line. */
  const overlapping = async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.commitFiles("release/1.0", { "src/checkout.ts": "// checkout, 1.0 line\n" + s.git.readFile("release/1.0", "src/checkout.ts")!.toString() }, "1.0 header");
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("main", "src/checkout.ts")!.toString().replace("'EUR'", "'USD'"), "src/cart.ts": "export const cart = ['o'];\n" }, "Dollars");
    return { s, ...mergeHotfix(s, { head: "fix", method: "squash" }) };
  };

  test("clean overlapping edits of one file: the tree `git cherry-pick` gives; temporary commits never run CI and are gone", async () => {
    const { s, pr, mergeSha } = await overlapping();
    const releaseHead = s.git.rev("release/1.0");
    await receiveMerge(s, pr.number);
    const commit = backportCommit(s, pr.number);
    expect(commit.parents).toEqual([releaseHead]);
    expect(commit.tree).toBe(s.git.cherryPickTree(releaseHead, { commit: mergeSha }));
    expect(s.git.readFile(commit.sha, "src/checkout.ts")!.toString()).toMatch(/^\/\/ checkout, 1\.0 line[^]*'USD'/);
    expect(backportPulls(s)).toHaveLength(1);
    expect(temporaryBranches(s)).toEqual([]);
    const temporary = s.t.sim.requests.filter((request) => request.method === "POST" && request.path.endsWith("/git/commits") && request.body.message.includes("temporary"));
    expect(temporary).toHaveLength(1);
    expect(temporary[0].body.message).toMatch(/\[skip ci\][^]*\n\nskip-checks: true\n$/);
    const merge = s.t.sim.requests.find((request) => request.path.endsWith("/merges"))!;
    expect(merge.body.commit_message).toContain("[skip ci]");
  });

  test("...also when the target's workflow files differ from the base's: no commit differs from a parent there", async () => {
    const { s, pr, mergeSha } = await overlapping();
    s.git.commitFiles("release/1.0", { ".github/workflows/ci.yml": "on: push # 1.0\n" }, "CI on 1.0");
    const releaseHead = s.git.rev("release/1.0");
    await receiveMerge(s, pr.number);
    expect(appComments(s, pr.number)).toEqual([]);
    const commit = backportCommit(s, pr.number);
    expect(commit.tree).toBe(s.git.cherryPickTree(releaseHead, { commit: mergeSha }));
    expect(s.git.readFile(commit.sha, ".github/workflows/ci.yml")!.toString()).toBe("on: push # 1.0\n");
  });

  test("mode changes: alone (clean) and with content the target changed (merged): as git does", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.commitFiles("main", { "bin/deploy.sh": "#!/bin/sh\necho deploy\n\n\n\necho done\n" }, "Deploy script");
    s.git.commitFiles("release/1.0", { "bin/deploy.sh": "#!/bin/sh\necho deploy 1.0\n\n\n\necho done\n" }, "Deploy script on 1.0");
    s.git.createBranch("fix", "main");
    const fixHead = s.git.rev("fix");
    const tree = s.git.writeTree(s.git.tree(fixHead), [
      { path: "bin/deploy.sh", mode: "100644", sha: s.git.hashBlob("#!/bin/sh\necho deploy\n\n\n\necho done!\n") },
      { path: "src/cart.ts", mode: "100755", sha: s.git.hashBlob(s.git.readFile(fixHead, "src/cart.ts")!) },
    ]);
    s.git.updateRef("refs/heads/fix", s.git.commitTree(tree, [fixHead], "Modes", { name: "dev", email: "dev@example.com" }));
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    const releaseHead = s.git.rev("release/1.0");
    await receiveMerge(s, pr.number);
    const commit = backportCommit(s, pr.number);
    expect(commit.tree).toBe(s.git.cherryPickTree(releaseHead, { commit: mergeSha }));
    const modes = new Map(s.git.lsTree(commit.sha, true).map((entry) => [entry.path, entry.mode]));
    expect([modes.get("src/cart.ts"), modes.get("bin/deploy.sh")]).toEqual(["100755", "100644"]);
  });

  test("a binary changed on both sides conflicts, as in git: no branch, no PR, the commands", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    const logo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0xff, 0x10]);
    s.git.commitFiles("main", { "assets/logo.png": logo }, "Logo");
    s.git.commitFiles("release/1.0", { "assets/logo.png": Buffer.concat([logo, Buffer.from([1])]) }, "Logo on 1.0");
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "assets/logo.png": Buffer.concat([logo, Buffer.from([2])]) }, "New logo");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    expect(s.git.cherryPickTree(s.git.rev("release/1.0"), { commit: mergeSha })).toBeNull();
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    expect(temporaryBranches(s)).toEqual([]);
    expect(appComments(s, pr.number)[0].body).toContain("`release/1.0`: Conflict");
  });

  test("a deletion of a file the target changed conflicts, as in git", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.commitFiles("release/1.0", { "src/cart.ts": "export const cart = ['1.0'];\n" }, "1.0 cart");
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": null }, "No cart");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    expect(s.git.cherryPickTree(s.git.rev("release/1.0"), { commit: mergeSha })).toBeNull();
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    expect(appComments(s, pr.number)[0].body).toContain("`release/1.0`: Conflict");
  });

  test("a file the target renamed, changed by the hotfix: git follows the rename", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.commitFiles("release/1.0", {}, "Move checkout on 1.0", { renames: { "src/checkout.ts": "src/legacy/checkout.ts" } });
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("main", "src/checkout.ts")!.toString().replace("'EUR'", "'JPY'") }, "Yen");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    const releaseHead = s.git.rev("release/1.0");
    await receiveMerge(s, pr.number);
    const commit = backportCommit(s, pr.number);
    expect(commit.tree).toBe(s.git.cherryPickTree(releaseHead, { commit: mergeSha }));
    expect(s.git.readFile(commit.sha, "src/legacy/checkout.ts")!.toString()).toContain("'JPY'");
  });
});

describe("targets that require signed commits (a ruleset)", () => {
  test("the backport commit is GitHub-signed (no custom author) and credits the author with a Co-authored-by trailer", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    // "Require signed commits" on every branch: the backport branch and the temporary ones included.
    gitBacking(s.t.sim, REPO).signatureRules.push(/^refs\/heads\//);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['signed'];\n" }, "Signed cart", { author: { name: "dev", email: "dev@example.com" } });
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    await receiveMerge(s, pr.number);
    expect(appComments(s, pr.number)).toEqual([]);
    const commit = backportCommit(s, pr.number);
    expect(gitBacking(s.t.sim, REPO).signed.has(commit.sha)).toBe(true);
    expect(commit.author.name).toBe("hotfix-governance[bot]");
    expect(commit.message).toMatch(new RegExp(`\\(cherry picked from commit ${mergeSha}\\)\\n\\nCo-authored-by: dev <dev@example\\.com>\\n$`));
    expect(commit.tree).toBe(s.git.cherryPickTree(s.git.rev("release/1.0"), { commit: mergeSha }));
    expect(backportPulls(s)).toHaveLength(1);
  });

  test("...also when the change needs a content merge: every commit on the way is GitHub's", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    gitBacking(s.t.sim, REPO).signatureRules.push(/^refs\/heads\//);
    s.git.commitFiles("release/1.0", { "src/cart.ts": "// 1.0\nexport const cart = [];\n" }, "1.0 cart");
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = [];\n// signed\n" }, "Signed cart");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    await receiveMerge(s, pr.number);
    const commit = backportCommit(s, pr.number);
    expect(gitBacking(s.t.sim, REPO).signed.has(commit.sha)).toBe(true);
    expect(commit.tree).toBe(s.git.cherryPickTree(s.git.rev("release/1.0"), { commit: mergeSha }));
  });

  test("without the rule, the original author is the commit's author", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['plain'];\n" }, "Plain cart");
    const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
    await receiveMerge(s, pr.number);
    const commit = backportCommit(s, pr.number);
    expect(commit.author).toMatchObject({ name: "dev", email: "dev@example.com" });
    expect(commit.message).not.toContain("Co-authored-by");
  });
});

test("a change of more files than GitHub's comparison lists (300): git's merge on whole trees ports it all", async () => {
  const s = await createScenario();
  seedHistory(s.git);
  s.git.bulkCommit("main", Array.from({ length: 320 }, (_, index) => ({ path: `src/many/file${index}.ts`, content: `export const v${index} = ${index};\n` })), "Many files");
  s.git.createBranch("release/1.0", "main");
  s.git.commitFiles("release/1.0", { "CHANGELOG.md": "## 1.0\n" }, "Release 1.0");
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", Object.fromEntries(Array.from({ length: 310 }, (_, index) => [`src/many/file${index}.ts`, `export const v${index} = ${index + 1};\n`])), "Touch 310 files");
  const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
  await receiveMerge(s, pr.number);
  expect(appComments(s, pr.number)).toEqual([]);
  const commit = backportCommit(s, pr.number);
  expect(commit.tree).toBe(s.git.cherryPickTree(s.git.rev("release/1.0"), { commit: mergeSha }));
  expect(s.t.sim.requests.filter((request) => request.path.endsWith("/merges"))).toHaveLength(1);
  expect(temporaryBranches(s)).toEqual([]);
}, 90_000); // 320 files through real git: over 30 s on a loaded 2-core machine, which is not a hang

describe("workflow files: the app has no `workflows` permission", () => {
  test("a src/-only hotfix to a target whose .github/workflows/ci.yml differs from the base's opens its PR", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.commitFiles("main", { ".github/workflows/ci.yml": "on: push\njobs: { test: { runs-on: ubuntu-24.04 } }\n" }, "CI on main");
    s.git.commitFiles("release/1.0", { ".github/workflows/ci.yml": "on: push\njobs: { test: { runs-on: ubuntu-20.04 } }\n" }, "CI on 1.0");
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['wf'];\n" }, "Cart");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    const releaseHead = s.git.rev("release/1.0");
    await receiveMerge(s, pr.number);
    expect(appComments(s, pr.number)).toEqual([]);
    expect(backportPulls(s)).toHaveLength(1);
    const commit = backportCommit(s, pr.number);
    expect(commit.parents).toEqual([releaseHead]);
    expect(commit.tree).toBe(s.git.cherryPickTree(releaseHead, { commit: mergeSha }));
    expect(s.git.readFile(commit.sha, ".github/workflows/ci.yml")!.toString()).toContain("ubuntu-20.04");
  });

  test("a change to .github/workflows/ by the hotfix itself is reported like a conflict, with the commands", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { ".github/workflows/ci.yml": "on: push\n", "src/cart.ts": "export const cart = ['ci'];\n" }, "CI");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    s.t.sim.reset();
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    expect(s.git.ref(`refs/heads/${branchOf(pr.number)}`)).toBeNull();
    // Nothing was even tried: no git-data write at all.
    expect(s.t.sim.writes().filter((write) => /\/git\/|\/merges$/.test(write.path))).toEqual([]);
    const [report] = appComments(s, pr.number);
    expect(report.body).toContain("`release/1.0`: Refused by GitHub");
    expect(report.body).toContain("`.github/workflows/ci.yml`");
    expect(report.body).toContain("`workflows` permission");
    expect(report.body).toContain(`git cherry-pick -x ${mergeSha}`);
  });
});

describe("targets", () => {
  test("a hotfix into a release branch is forward-ported to the default branch; labels add targets", async () => {
    const s = await createScenario("approvals:\n  users: [lead]\npostmortem:\n  enabled: false\n");
    seedHistory(s.git);
    s.git.createBranch("release/0.9", "release/1.0~1");
    s.git.createBranch("fix", "release/1.0");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = [1];\n" }, "Cart fix");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", base: "release/1.0", method: "squash", labels: ["hotfix", "backport release/0.9"] });
    await receiveMerge(s, pr.number);
    expect(backportPulls(s).map((pull) => [pull.base.ref, pull.head.ref])).toEqual([
      ["main", branchOf(pr.number, "main")],
      ["release/0.9", branchOf(pr.number, "release/0.9")],
    ]);
    expect(backportCommit(s, pr.number, "main").tree).toBe(s.git.cherryPickTree(s.git.rev("main"), { commit: mergeSha }));
  });

  test("a PR that is not a hotfix at merge is not ported", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "x\n" }, "x");
    const { pr } = mergeHotfix(s, { head: "fix", method: "squash", labels: [] });
    s.t.sim.reset();
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    expect(s.t.sim.writes()).toEqual([]);
  });

  test.each([
    ["", false],
    ["; with the label there, GitHub refuses the one GraphQL write for the assignee and the labels go over REST", true],
  ])("a PR merged from a fork is ported like any other (its commits are in the repository once merged)%s", async (_name, labelExists) => {
    const s = await createScenario();
    if (labelExists) s.t.sim.repo(REPO).labels.add("backport");
    seedHistory(s.git);
    s.git.createBranch("pr-head", "main");
    s.git.commitFiles("pr-head", { "src/cart.ts": "export const cart = ['fork'];\n" }, "Fork fix", { author: { name: "outsider", email: "outsider@example.com" } });
    // GitHub keeps a fork PR's head as refs/pull/<n>/head in the base repository.
    s.git.updateRef("refs/pull/1/head", s.git.rev("pr-head"));
    s.git.deleteRef("refs/heads/pr-head");
    s.t.sim.user("outsider");
    const { pr, mergeSha } = mergeHotfix(s, { head: "refs/pull/1/head", headRef: "patch-1", method: "merge", author: "outsider", fromFork: "outsider/shop" });
    await receiveMerge(s, pr.number);
    const [backport] = backportPulls(s);
    expect(backport).toBeDefined();
    expect(backportCommit(s, pr.number).tree).toBe(s.git.cherryPickTree(s.git.rev("release/1.0"), { commit: mergeSha, mainline: 1 }));
    // An outside contributor cannot be assigned: the PR is labelled all the same.
    expect(backport.assignees).toEqual([]);
    expect(backport.labels).toEqual(["backport"]);
  });
});

describe("failures are reported, never crashes and never silent", () => {
  const conflicting = async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.commitFiles("release/1.0", { "src/checkout.ts": s.git.readFile("release/1.0", "src/checkout.ts")!.toString().replace("'EUR'", "'GBP'") }, "Pounds on 1.0");
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/checkout.ts": s.git.readFile("main", "src/checkout.ts")!.toString().replace("'EUR'", "'USD'") }, "Dollars");
    return { s, ...mergeHotfix(s, { head: "fix", method: "squash" }) };
  };

  test("a conflict: no branch, no PR, one comment naming the target with the manual commands", async () => {
    const { s, pr, mergeSha } = await conflicting();
    expect(s.git.cherryPickTree(s.git.rev("release/1.0"), { commit: mergeSha })).toBeNull(); // git agrees it conflicts
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    expect(s.git.ref(`refs/heads/${branchOf(pr.number)}`)).toBeNull();
    expect(temporaryBranches(s)).toEqual([]);
    const comments = appComments(s, pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain("`release/1.0`: Conflict");
    expect(comments[0].body).toContain(`git cherry-pick -x ${mergeSha}`);
    expect(comments[0].body).toContain(`git checkout -b ${branchOf(pr.number)} origin/release/1.0`);
    // The conflict is answered at once: no retry of the 409.
    expect(s.t.sim.requests.filter((request) => request.path.endsWith("/merges"))).toHaveLength(1);
  });

  test("with retries on (as in production), a 409 from the merges endpoint is not retried", async () => {
    const s = await createScenario(BACKPORT_CONFIG, { retry: true });
    seedHistory(s.git);
    s.git.commitFiles("release/1.0", { "src/cart.ts": "export const cart = ['1.0'];\n" }, "1.0 cart");
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['fix'];\n" }, "fix cart");
    const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
    await receiveMerge(s, pr.number);
    expect(s.t.sim.requests.filter((request) => request.path.endsWith("/merges")).map((request) => request.status)).toEqual([409]);
  });

  test("a missing target branch and a change already on the target are reported the same way", async () => {
    const s = await createScenario(BACKPORT_CONFIG.replace("targets: [release/1.0]", "targets: [release/1.0, release/2.0]"));
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "CHANGELOG.md": "## 1.0\n" }, "Changelog like 1.0's");
    const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    const [report] = appComments(s, pr.number);
    expect(report.body).toContain("`release/1.0`: Already applied");
    expect(report.body).toContain("`release/2.0`: Missing target branch");
    expect(temporaryBranches(s)).toEqual([]);
  });

  test("a change to .github/workflows/ is refused by GitHub without the workflows permission: reported with the commands", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { ".github/workflows/ci.yml": "on: push\n", "src/cart.ts": "export const cart = ['ci'];\n" }, "CI");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    expect(s.git.ref(`refs/heads/${branchOf(pr.number)}`)).toBeNull();
    expect(temporaryBranches(s)).toEqual([]);
    const [report] = appComments(s, pr.number);
    expect(report.body).toContain("`release/1.0`: Refused by GitHub");
    expect(report.body).toContain("`workflows` permission");
    expect(report.body).toContain(`git cherry-pick -x ${mergeSha}`);
  });

  test("a ruleset that forbids creating backport branches: refused, temporary branch gone", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    gitBacking(s.t.sim, REPO).refRules.push({ pattern: /^refs\/heads\/backport\//, status: 422, message: "Repository rule violations found\n\nCannot create ref due to creations being restricted." });
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['r'];\n" }, "r");
    const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    expect(temporaryBranches(s)).toEqual([]);
    expect(appComments(s, pr.number)[0].body).toContain("`release/1.0`: Refused by GitHub");
  });

  test.each([
    ["the merge", "POST", /\/merges$/, true],
    ["the backport commit (a clean change)", "POST", /\/git\/commits$/, false],
    ["the backport commit (after a merge)", "POST", /\/git\/commits$/, true],
    ["the tree", "POST", /\/git\/trees$/, false],
  ])("a GitHub error at %s: failed, nothing half-made, reported", async (_step, method, path, bothSides) => {
    const s = await createScenario();
    seedHistory(s.git);
    if (bothSides) s.git.commitFiles("release/1.0", { "src/cart.ts": "// 1.0\nexport const cart = [];\n" }, "1.0 cart");
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": bothSides ? "export const cart = [];\n// e\n" : "export const cart = ['e'];\n" }, "e");
    const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
    // Both tries of the merge fail; or the backport commit (after a merge: the second commit created) fails.
    const failing = path.source.includes("merges") ? [1, 2] : bothSides ? [2] : [1];
    const handle = s.t.sim.handle.bind(s.t.sim);
    let seen = 0;
    s.t.sim.handle = async (verb, url, body, headers) => {
      if (verb === method && path.test(new URL(url, s.t.sim.baseUrl).pathname) && failing.includes(++seen)) return ghError(502, "Server Error");
      return handle(verb, url, body, headers);
    };
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    expect(s.git.ref(`refs/heads/${branchOf(pr.number)}`)).toBeNull();
    expect(temporaryBranches(s)).toEqual([]);
    expect(appComments(s, pr.number)[0].body).toContain("`release/1.0`: Failed");
  });

  test.each([
    ["before merging", false],
    ["after merging (the answer was lost)", true],
  ])("a 5xx from the merges endpoint %s is retried once, and the backport made", async (_when, mergedFirst) => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.commitFiles("release/1.0", { "src/cart.ts": "// 1.0\nexport const cart = [];\n" }, "1.0 cart");
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = [];\n// m\n" }, "m");
    const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
    const handle = s.t.sim.handle.bind(s.t.sim);
    let merges = 0;
    s.t.sim.handle = async (verb, url, body, headers) => {
      if (verb === "POST" && url.endsWith("/merges") && ++merges === 1) {
        if (mergedFirst) await handle(verb, url, body, headers);
        return ghError(502, "Server Error");
      }
      return handle(verb, url, body, headers);
    };
    await receiveMerge(s, pr.number);
    expect(merges).toBe(2);
    expect(backportPulls(s)).toHaveLength(1);
    expect(backportCommit(s, pr.number).tree).toBe(s.git.cherryPickTree(s.git.rev("release/1.0"), { commit: mergeSha }));
    expect(temporaryBranches(s)).toEqual([]);
  });

  test("a GitHub error opening the PR: the branch is removed, so no half-made backport stays", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['p'];\n" }, "p");
    const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
    s.t.sim.fail("POST", /\/pulls$/, { status: 502, body: { message: "Server Error" } }, 1);
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    expect(s.git.ref(`refs/heads/${branchOf(pr.number)}`)).toBeNull();
    expect(appComments(s, pr.number)[0].body).toContain("was removed");
  });
});

describe("idempotent", () => {
  const merged = async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['i'];\n" }, "i");
    return { s, ...mergeHotfix(s, { head: "fix", method: "squash" }) };
  };

  test("a redelivered merge event writes nothing", async () => {
    const { s, pr } = await merged();
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toHaveLength(1);
    s.t.sim.reset();
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toHaveLength(1);
    expect(s.t.sim.writes()).toEqual([]);
  });

  test("after the backport PR was merged and its branch deleted, a redelivery still creates nothing", async () => {
    const { s, pr } = await merged();
    await receiveMerge(s, pr.number);
    const [backport] = backportPulls(s);
    Object.assign(backport, { merged: true, state: "closed", mergedAt: s.t.sim.now() });
    s.git.deleteRef(`refs/heads/${backport.head.ref}`);
    s.t.sim.reset();
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toHaveLength(1);
    expect(s.t.sim.writes()).toEqual([]);
  });

  test("a conflict reported once is not reported again on redelivery", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.commitFiles("release/1.0", { "src/cart.ts": "export const cart = ['1.0'];\n" }, "1.0 cart");
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['fix'];\n" }, "fix cart");
    const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
    await receiveMerge(s, pr.number);
    await receiveMerge(s, pr.number);
    expect(appComments(s, pr.number)).toHaveLength(1);
  });

  test("two deliveries of the merge at the same moment make one branch and one PR", async () => {
    const { s, pr } = await merged();
    await Promise.all([receiveMerge(s, pr.number), receiveMerge(s, pr.number)]);
    expect(backportPulls(s)).toHaveLength(1);
    expect([...s.git.refs("refs/heads/backport/").keys()]).toEqual([`refs/heads/${branchOf(pr.number)}`]);
    expect(temporaryBranches(s)).toEqual([]);
  });

  /** Another replica acts on GitHub while this one works: `act` runs just before the request it names. */
  const raceAt = (s: Scenario, method: string, path: RegExp, act: () => void) => {
    const handle = s.t.sim.handle.bind(s.t.sim);
    let done = false;
    s.t.sim.handle = async (verb, url, body, headers) => {
      if (!done && verb === method && path.test(new URL(url, s.t.sim.baseUrl).pathname) && String(body?.ref ?? body?.head ?? "").includes("backport/")) {
        done = true;
        act();
      }
      return handle(verb, url, body, headers);
    };
  };

  test("another replica creates the backport branch first: creating it answers 422 and its branch gets the one PR", async () => {
    const { s, pr, mergeSha } = await merged();
    const release = s.git.rev("release/1.0");
    const theirs = s.git.commitTree(s.git.cherryPickTree(release, { commit: mergeSha })!, [release], `Fix (#${pr.number})\n\n(cherry picked from commit ${mergeSha})\n`, { name: "dev", email: "dev@example.com" });
    raceAt(s, "POST", /\/git\/refs$/, () => s.git.updateRef(`refs/heads/${branchOf(pr.number)}`, theirs));
    await receiveMerge(s, pr.number);
    const refs = s.t.sim.requests.filter((request) => request.method === "POST" && request.path.endsWith("/git/refs") && request.body.ref.includes("backport/"));
    expect(refs.map((request) => request.status)).toEqual([422]);
    expect(backportPulls(s)).toHaveLength(1);
    expect(backportPulls(s)[0].head.sha).toBe(theirs);
    expect(temporaryBranches(s)).toEqual([]);
  });

  test("another replica opens the PR first: 422 on ours, theirs is reported, no second PR", async () => {
    const { s, pr } = await merged();
    raceAt(s, "POST", /\/pulls$/, () => {
      s.t.sim.addPull(REPO, { title: "[Backport release/1.0] theirs", base: "release/1.0", head: branchOf(pr.number), headSha: s.git.rev(branchOf(pr.number)), author: "hotfix-governance[bot]" });
    });
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toHaveLength(1);
    expect(backportPulls(s)[0].title).toBe("[Backport release/1.0] theirs");
    expect(s.git.ref(`refs/heads/${branchOf(pr.number)}`)).not.toBeNull();
    expect(appComments(s, pr.number)).toEqual([]);
  });

  test("an earlier attempt that stopped after pushing the branch is finished: its PR is opened", async () => {
    const { s, pr, mergeSha } = await merged();
    // What a crashed attempt leaves: the complete backport branch, and a temporary branch.
    const release = s.git.rev("release/1.0");
    const tree = s.git.cherryPickTree(release, { commit: mergeSha })!;
    const leftover = s.git.commitTree(tree, [release], `Fix (#${pr.number})\n\n(cherry picked from commit ${mergeSha})\n`, { name: "dev", email: "dev@example.com" });
    s.git.updateRef(`refs/heads/${branchOf(pr.number)}`, leftover);
    s.git.updateRef(`refs/heads/hotfix-governance/tmp/backport-${pr.number}/1000-dead`, release);
    await receiveMerge(s, pr.number);
    const [backport] = backportPulls(s);
    expect(backport.head.sha).toBe(leftover);
    expect(backport.labels).toEqual(["backport"]);
    expect(temporaryBranches(s)).toEqual([]); // the stale temporary branch is cleaned up
  });

  test("an existing backport PR lacking the labels gets them added (POST .../labels); its other labels stay", async () => {
    const { s, pr } = await merged();
    await receiveMerge(s, pr.number);
    const [backport] = backportPulls(s);
    backport.labels = ["needs-qa"];
    s.t.sim.reset();
    await receiveMerge(s, pr.number);
    expect(backport.labels).toEqual(["needs-qa", "backport"]);
    expect(s.t.sim.writes().map((write) => `${write.method} ${write.path}`)).toEqual([`POST /repos/${REPO}/issues/${backport.number}/labels`]);
  });

  test("were `<sha>^` not accepted in a comparison, the change's start comes from the history: same commit", async () => {
    const { s, pr, mergeSha } = await merged();
    s.t.sim.fail("GET", /\/compare\/[0-9a-f]{40}\^\.\.\./, ghError(404, "Not Found"), 1);
    await receiveMerge(s, pr.number);
    expect(s.t.sim.requests.filter((request) => request.path.includes("/compare/")).map((request) => request.status)).toEqual([404, 200]);
    expect(backportPulls(s)).toHaveLength(1);
    expect(backportCommit(s, pr.number).tree).toBe(s.git.cherryPickTree(s.git.rev("release/1.0"), { commit: mergeSha }));
  });

  test("a long title is cut to GitHub's 256 characters", async () => {
    const s = await createScenario();
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['t'];\n" }, "t");
    const { pr } = mergeHotfix(s, { head: "fix", method: "squash", title: `Fix ${"the checkout ".repeat(25)}` });
    await receiveMerge(s, pr.number);
    const [backport] = backportPulls(s);
    expect([...backport.title]).toHaveLength(256);
    expect(backport.title.startsWith("[Backport release/1.0] Fix the checkout")).toBe(true);
  });

  test("a branch of that name that is not the app's backport is left alone and reported", async () => {
    const { s, pr } = await merged();
    s.git.createBranch(branchOf(pr.number), "release/1.0");
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toEqual([]);
    expect(appComments(s, pr.number)[0].body).toContain("already exists and is not this app's backport");
  });
});

test("dry run: reads, then one comment saying what would have been created; no branch or PR", async () => {
  const s = await createScenario(BACKPORT_CONFIG + "dry_run: true\n");
  seedHistory(s.git);
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['d'];\n" }, "d");
  const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
  s.t.sim.reset();
  await receiveMerge(s, pr.number);
  expect(s.t.sim.writes().map((write) => `${write.method} ${write.path}`)).toEqual([`POST /repos/${REPO}/issues/${pr.number}/comments`]);
  expect(backportPulls(s)).toEqual([]);
  expect(appComments(s, pr.number)[0].body).toContain("`release/1.0`: Backport planned (dry run)");
  s.t.sim.reset();
  await receiveMerge(s, pr.number);
  expect(s.t.sim.writes()).toEqual([]);
});

describe("the backport PR's labels, assignee and reviewers: one GraphQL write by node id, REST by name for what it could not do", () => {
  const squashed = async (config: string, setUp: (s: Scenario) => void = () => {}) => {
    const s = await createScenario(config);
    s.t.sim.repo(REPO).labels.add("backport");
    setUp(s);
    seedHistory(s.git);
    s.git.createBranch("fix", "main");
    s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['r'];\n" }, "r");
    const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
    s.t.sim.reset();
    await receiveMerge(s, pr.number);
    const [backport] = backportPulls(s);
    expect(backportPulls(s)).toHaveLength(1);
    const writes = s.t.sim.writes().filter((write) => !/\/git\//.test(write.path)).map((write) => `${write.method} ${write.path}`);
    return { s, backport, writes };
  };
  const config = (users: string, teams = "[]") => BACKPORT_CONFIG.replace("users: [lead, ops]", `users: ${users}\n  teams: ${teams}`);

  test("users and a team, all known: one GraphQL write does it all", async () => {
    const { s, backport, writes } = await squashed(config("[lead, ops]", "[sre]"), (s) => s.t.sim.addTeam("acme", "sre", { lead: "active" }));
    expect(backport).toMatchObject({ labels: ["backport"], assignees: ["dev"], requestedReviewers: ["lead", "ops"], requestedTeams: ["sre"] });
    expect(writes).toEqual([`POST /repos/${REPO}/pulls`, "POST /graphql"]);
    expect(s.t.sim.unhandled).toEqual([]);
  });

  test("an approver GitHub knows no account of (the lookup's NOT_FOUND): the port reads its facts all the same, and the names go over REST", async () => {
    const { backport, writes } = await squashed(config("[lead, ops, gone-user]"));
    expect(backport).toMatchObject({ labels: ["backport"], assignees: ["dev"], requestedReviewers: ["lead", "ops"] });
    // All three at once (422: one is no collaborator), then each on its own.
    expect(writes).toEqual([
      `POST /repos/${REPO}/pulls`,
      `PATCH /repos/${REPO}/issues/${backport.number}`,
      ...Array.from({ length: 4 }, () => `POST /repos/${REPO}/pulls/${backport.number}/requested_reviewers`),
    ]);
  });

  test("GitHub fails the facts query that carries the lookups as a whole (no data): it is read again without them, and the names go over REST", async () => {
    const { s, backport, writes } = await squashed(config("[lead, ops]"), (s) =>
      s.t.sim.fail("POST", /^\/graphql$/, { status: 200, body: { data: null, errors: [{ message: "Something went wrong while executing your query." }] } }, 1, (body) => /idUser0: user/.test(body?.query ?? "")),
    );
    expect(backport).toMatchObject({ labels: ["backport"], assignees: ["dev"], requestedReviewers: ["lead", "ops"] });
    expect(writes).toEqual([`POST /repos/${REPO}/pulls`, `PATCH /repos/${REPO}/issues/${backport.number}`, `POST /repos/${REPO}/pulls/${backport.number}/requested_reviewers`]);
    const facts = s.t.sim.requests.filter((request) => /query PortFacts/.test(request.body?.query ?? ""));
    expect(facts.map((request) => /idUser0/.test(request.body.query))).toEqual([true, false]);
  });

  test("an approver who is no collaborator: GitHub refuses the review requests of the GraphQL write; the labels and assignee stay done, the reviews go over REST", async () => {
    // An account GitHub knows, without access to the repository.
    const { backport, writes } = await squashed(config("[lead, ops, visitor]"), (s) => s.t.sim.user("visitor"));
    expect(backport).toMatchObject({ labels: ["backport"], assignees: ["dev"], requestedReviewers: ["lead", "ops"] });
    expect(writes).toEqual([`POST /repos/${REPO}/pulls`, "POST /graphql", ...Array.from({ length: 4 }, () => `POST /repos/${REPO}/pulls/${backport.number}/requested_reviewers`)]);
  });
});

describe("cost: GitHub requests per target do not depend on the repository or the change", () => {
  /** By default the repository has the `backport` label already (every backport after its first). */
  const measure = async (files: number, changed: number, method: "squash" | "rebase" | "merge", options: { rebaseOnly?: boolean; newLabel?: boolean } = {}) => {
    const s = await createScenario();
    if (options.rebaseOnly) allowMergeMethods(s.t.sim, REPO, { merge: false, squash: false });
    if (!options.newLabel) s.t.sim.repo(REPO).labels.add("backport");
    s.git.bulkCommit("main", Array.from({ length: files }, (_, index) => ({ path: `src/module${index % 50}/file${index}.ts`, content: `export const value${index} = ${index};\n` })), "A big repository");
    s.git.createBranch("release/1.0", "main");
    s.git.commitFiles("release/1.0", { "CHANGELOG.md": "## 1.0\n" }, "Release 1.0");
    s.git.createBranch("fix", "main");
    const change = Object.fromEntries(Array.from({ length: changed }, (_, index) => [`src/module${index % 50}/file${index}.ts`, `export const value${index} = ${index + 1};\n`]));
    if (method === "rebase") {
      const half = Object.keys(change).length / 2;
      s.git.commitFiles("fix", Object.fromEntries(Object.entries(change).slice(0, half)), "First half");
      s.git.commitFiles("fix", Object.fromEntries(Object.entries(change).slice(half)), "Second half");
    } else s.git.commitFiles("fix", change, "The change");
    const { pr } = mergeHotfix(s, { head: "fix", method });
    s.t.sim.reset();
    await receiveMerge(s, pr.number);
    expect(backportPulls(s)).toHaveLength(1);
    const tip = s.git.rev("main");
    return backportRequests(s).map((request) =>
      `${request.method} ${request.path.replace(/\/\d{13}-[0-9a-f]+$/, "/<temp>").replaceAll(tip, "<tip>").replace(/[0-9a-f]{40}\.\.\./, "<parent>...").replace(/~\d+\.\.\./, "~<n>...")}`,
    );
  };

  // The read (comparison, facts with the node ids), three git-data writes, the PR, and one GraphQL
  // write for its labels, assignee and review requests.
  const CLEAN = [
    "GET /repos/acme/shop/compare/<tip>^...<tip>",
    "POST /graphql",
    "POST /repos/acme/shop/git/trees",
    "POST /repos/acme/shop/git/commits",
    "POST /repos/acme/shop/git/refs",
    "POST /repos/acme/shop/pulls",
    "POST /graphql",
  ];

  test("small or large repository, two files or 150: the same 7 requests for one target, 3 of them git data", async () => {
    const small = await measure(20, 2, "squash");
    const large = await measure(1500, 150, "squash");
    expect(large).toEqual(small);
    expect(small).toEqual(CLEAN);
  });

  test("a merge commit costs the same; a rebase of several commits, where other methods are allowed too, reads the history first: 8", async () => {
    expect(await measure(20, 4, "merge")).toEqual(CLEAN);
    expect(await measure(20, 4, "rebase")).toEqual(["POST /graphql", "GET /repos/acme/shop/compare/<parent>...<tip>", "POST /graphql", ...CLEAN.slice(2)]);
  });

  test("where the repository allows only rebase merges, a rebase of several commits costs the same 7: the comparison starts `~<n>` back", async () => {
    expect(await measure(20, 4, "rebase", { rebaseOnly: true })).toEqual(["GET /repos/acme/shop/compare/<tip>~<n>...<tip>", ...CLEAN.slice(1)]);
    expect(await measure(1500, 150, "rebase", { rebaseOnly: true })).toEqual(["GET /repos/acme/shop/compare/<tip>~<n>...<tip>", ...CLEAN.slice(1)]);
  });

  test("the first backport of a repository, whose `backport` label does not exist yet: labels by name over REST (GitHub creates the label), then reviews", async () => {
    expect(await measure(20, 2, "squash", { newLabel: true })).toEqual([...CLEAN.slice(0, 6), "PATCH /repos/acme/shop/issues/2", "POST /repos/acme/shop/pulls/2/requested_reviewers"]);
  });
});

test("a hotfix merged while the config is invalid: nothing ported or opened, the PR says why once", async () => {
  const s = await createScenario("backport:\n  targetz: [release/1.0]\n");
  seedHistory(s.git);
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['e'];\n" }, "e");
  const { pr } = mergeHotfix(s, { head: "fix", method: "squash" });
  await receiveMerge(s, pr.number);
  expect(backportPulls(s)).toEqual([]);
  expect(s.t.sim.repo(REPO).issues.size).toBe(0);
  const [said] = appComments(s, pr.number);
  expect(said.body).toContain("could not follow it up");
  expect(said.body).toContain('`backport.targetz`: unknown key "targetz"');
  s.t.sim.reset();
  await receiveMerge(s, pr.number);
  expect(s.t.sim.writes()).toEqual([]);
});
