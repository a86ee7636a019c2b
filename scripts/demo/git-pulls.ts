import type { GitRepo } from "../../test/support/git/git-repo.js";
import type { GitHubSimulator } from "../../test/support/simulator/index.js";
import type { SimCommit, SimFile, SimPull } from "../../test/support/simulator/state.js";

/** The account a commit e-mail belongs to (`<login>@example.com`, as the demo's commits are made). */
const loginOf = (sim: GitHubSimulator, email: string): string | null => {
  const match = /^(?:\d+\+)?([^@]+)@(?:example\.com|users\.noreply\.github\.com)$/i.exec(email);
  if (!match) return null;
  const login = match[1].toLowerCase();
  return [...sim.users.values()].find((user) => user.login.toLowerCase() === login)?.login ?? null;
};

const CHANGE_TYPES: Record<string, string> = { added: "ADDED", removed: "DELETED", modified: "MODIFIED", renamed: "RENAMED", copied: "COPIED", changed: "CHANGED" };

/**
 * A push to a PR's branch, as GitHub sees it: the PR's head, commits and files are recomputed
 * from the real git repository (files: merge base → head; commits: base..head, oldest first).
 * Returns the previous head (the `before` of `pull_request.synchronize`).
 */
export const syncPullWithGit = (sim: GitHubSimulator, git: GitRepo, repoName: string, number: number): string => {
  const pull: SimPull = sim.pull(repoName, number);
  const before = pull.head.sha;
  const head = git.rev(`refs/heads/${pull.head.ref}`);
  const base = `refs/heads/${pull.base.ref}`;
  const files: SimFile[] = git
    .diff(git.mergeBase(base, head) ?? head, head)
    .map((file) => ({ path: file.filename, additions: file.additions, deletions: file.deletions, changeType: CHANGE_TYPES[file.status] }));
  const commits: SimCommit[] = git
    .log(`${base}..${head}`)
    .reverse()
    .map((sha) => {
      const info = git.commit(sha);
      const author = loginOf(sim, info.author.email);
      return {
        sha,
        authorLogins: author ? [author] : [],
        committerLogin: loginOf(sim, info.committer.email),
        message: info.message.replace(/\n+$/, ""),
        committedAt: new Date(info.committer.date).toISOString().replace(/\.\d{3}Z$/, "Z"),
      };
    });
  Object.assign(pull, { files, commits, updatedAt: sim.now() });
  pull.head.sha = head;
  // GitHub records the push (and who made it) in the repository's activity: the approvals read it.
  sim.recordActivity(pull.head.repoFullName, pull.head.ref, { before, after: head, type: "push", actor: pull.user.login });
  return before;
};

/** `git rm` + `git commit` on `branch` (as dev@example.com), in a temporary work tree; moves the branch. */
export const removeFiles = (git: GitRepo, branch: string, paths: string[], message: string): string => {
  const sha = git.withWorkTree(`refs/heads/${branch}`, (_dir, run) => {
    for (const args of [["rm", "--quiet", "--", ...paths], ["commit", "--quiet", "-m", message]]) {
      const result = run(args);
      if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr || result.stdout}`);
    }
    return run(["rev-parse", "HEAD"]).stdout.trim();
  });
  git.updateRef(`refs/heads/${branch}`, sha);
  return sha;
};
