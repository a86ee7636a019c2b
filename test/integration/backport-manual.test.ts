import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { appComments, createScenario, mergeHotfix, receiveMerge, seedHistory, type Scenario } from "../support/git/scenario.js";
import { ghError } from "../support/simulator/index.js";

/**
 * The manual instructions the app prints are run, as printed, with real git in a clone whose
 * `origin` is the repository: they must do the backport the app could not.
 */

afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.restore();
  disposeAllGitRepos();
});

const IDENTITY = { GIT_AUTHOR_NAME: "Person", GIT_AUTHOR_EMAIL: "person@example.com", GIT_COMMITTER_NAME: "Person", GIT_COMMITTER_EMAIL: "person@example.com" };

/** The commands of the comment's shell block for `target`. */
const printedCommands = (body: string, target: string): string[] => {
  const section = body.slice(body.indexOf(`\`${target}\`:`));
  const block = /```shell\n([^]*?)\n```/.exec(section);
  if (!block) throw new Error(`no commands for ${target} in:\n${body}`);
  return block[1].split("\n");
};

/** A clone of the repository, in which printed commands run one by one through a shell. */
const cloneOf = (s: Scenario) => {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-clone-"));
  const env = { ...process.env, ...IDENTITY, HOME: dir, GIT_CONFIG_NOSYSTEM: "1" };
  const clone = spawnSync("git", ["clone", "--quiet", s.git.dir, join(dir, "work")], { env });
  if (clone.status !== 0) throw new Error(clone.stderr.toString());
  const cwd = join(dir, "work");
  const sh = (command: string) => {
    const result = spawnSync("sh", ["-c", command], { cwd, env });
    return { status: result.status, output: result.stdout.toString() + result.stderr.toString() };
  };
  return { cwd, sh, dispose: () => rmSync(dir, { recursive: true, force: true }) };
};

const runAll = (commands: string[], sh: (command: string) => { status: number | null; output: string }) => {
  for (const command of commands) {
    const result = sh(command);
    if (result.status !== 0) throw new Error(`${command} failed:\n${result.output}`);
  }
};

test("conflict (squash merge): the commands stop at the conflict; resolved and continued, they push the backport", async () => {
  const s = await createScenario();
  seedHistory(s.git);
  s.git.commitFiles("release/1.0", { "src/cart.ts": "export const cart = ['1.0'];\n" }, "1.0 cart");
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['fix'];\n", "src/checkout.ts": "// fixed\n" }, "Fix");
  const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
  await receiveMerge(s, pr.number);
  const commands = printedCommands(appComments(s, pr.number)[0].body, "release/1.0");
  expect(commands.at(-2)).toBe(`git cherry-pick -x ${mergeSha}`);

  const clone = cloneOf(s);
  try {
    runAll(commands.slice(0, 2), clone.sh);
    const pick = clone.sh(commands[2]);
    expect(pick.status).not.toBe(0);
    expect(pick.output).toMatch(/CONFLICT[^]*src\/cart\.ts/);
    // What the comment then says to do: fix the files, add them, continue.
    writeFileSync(join(clone.cwd, "src/cart.ts"), "export const cart = ['1.0', 'fix'];\n");
    runAll(["git add src/cart.ts", "git -c core.editor=true cherry-pick --continue", commands[3]], clone.sh);
  } finally {
    clone.dispose();
  }
  const pushed = s.git.commit(s.git.rev(`backport/${pr.number}-to-release/1.0`));
  expect(pushed.parents).toEqual([s.git.rev("release/1.0")]);
  expect(pushed.message.trimEnd().endsWith(`(cherry picked from commit ${mergeSha})`)).toBe(true);
  expect(s.git.readFile(pushed.sha, "src/cart.ts")!.toString()).toBe("export const cart = ['1.0', 'fix'];\n");
  expect(s.git.readFile(pushed.sha, "src/checkout.ts")!.toString()).toBe("// fixed\n");
});

test.each([["rebase merge", "rebase"], ["merge commit", "merge"]] as const)("refused workflow change (%s): the commands make what git cherry-pick makes", async (_name, method) => {
  const s = await createScenario();
  seedHistory(s.git);
  s.git.createBranch("fix", "main~1");
  s.git.commitFiles("fix", { ".github/workflows/ci.yml": "on: push\n" }, "CI workflow");
  s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['ci'];\n" }, "Cart");
  const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method });
  await receiveMerge(s, pr.number);
  const body = appComments(s, pr.number)[0].body;
  expect(body).toContain("Refused by GitHub");
  const commands = printedCommands(body, "release/1.0");
  const release = s.git.rev("release/1.0");
  const expected =
    method === "merge" ? s.git.cherryPickTree(release, { commit: mergeSha, mainline: 1 }) : s.git.cherryPickTree(release, { range: [s.git.rev(`${mergeSha}~2`), mergeSha] });

  const clone = cloneOf(s);
  try {
    runAll(commands, clone.sh);
  } finally {
    clone.dispose();
  }
  const pushed = s.git.rev(`backport/${pr.number}-to-release/1.0`);
  expect(s.git.tree(pushed)).toBe(expected);
  expect(s.git.readFile(pushed, ".github/workflows/ci.yml")!.toString()).toBe("on: push\n");
});

test("a GitHub failure mid-way: the printed commands finish the job", async () => {
  const s = await createScenario();
  seedHistory(s.git);
  s.git.createBranch("fix", "main");
  s.git.commitFiles("fix", { "src/cart.ts": "export const cart = ['late'];\n" }, "Late fix");
  const { pr, mergeSha } = mergeHotfix(s, { head: "fix", method: "squash" });
  s.t.sim.fail("POST", /\/git\/commits$/, ghError(500, "Server Error"), 1); // the backport commit, at its only try
  await receiveMerge(s, pr.number);
  const commands = printedCommands(appComments(s, pr.number)[0].body, "release/1.0");
  const clone = cloneOf(s);
  try {
    runAll(commands, clone.sh);
  } finally {
    clone.dispose();
  }
  expect(s.git.tree(`backport/${pr.number}-to-release/1.0`)).toBe(s.git.cherryPickTree(s.git.rev("release/1.0"), { commit: mergeSha }));
});
