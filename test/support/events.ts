import { readFileSync } from "node:fs";
import { restCheckRun, restIssueComment, restPull, restRepo, restUser, fullName } from "./simulator/rest-shapes.js";
import type { GitHubSimulator } from "./simulator/index.js";
import { isFork } from "./simulator/routes-checks.js";
import type { SimCheckRun, SimComment, SimStatus } from "./simulator/state.js";

export const INSTALLATION_ID = 4242;

/** A real payload from @octokit/webhooks-examples (see scripts/extract-fixtures.mjs). */
export const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../fixtures/events/${name}.json`, import.meta.url), "utf8"));

const envelope = (sim: GitHubSimulator, repoName: string, sender: string) => ({
  repository: { ...restRepo(sim.repo(repoName)) },
  sender: restUser(sim.user(sender)),
  installation: { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" },
});

/** `pull_request.<action>` for the simulator's current PR state. */
export const pullRequestEvent = (
  sim: GitHubSimulator,
  repoName: string,
  number: number,
  action: string,
  extra: { label?: string; sender?: string; before?: string } = {},
) => {
  const base = fixture(`pull_request.${action}`);
  const repo = sim.repo(repoName);
  const pull = sim.pull(repoName, number);
  const payload: any = {
    ...base,
    action,
    number,
    pull_request: { ...base.pull_request, ...restPull(sim, repo, pull) },
    ...envelope(sim, repoName, extra.sender ?? pull.user.login),
  };
  if (extra.label) payload.label = { id: 1, name: extra.label, color: "d73a4a", default: false, description: null, node_id: "LA_1", url: "" };
  if (action === "synchronize") {
    payload.before = extra.before ?? "0".repeat(40);
    payload.after = pull.head.sha;
  }
  return payload;
};

export const checkRunEvent = (sim: GitHubSimulator, repoName: string, run: SimCheckRun, action: "completed" | "rerequested", pullNumbers: number[] = []) => {
  const base = fixture(`check_run.${action}`);
  const repo = sim.repo(repoName);
  return {
    ...base,
    action,
    check_run: {
      ...base.check_run,
      ...restCheckRun(repo, run),
      // GitHub leaves PRs from forks out of check payloads.
      pull_requests: pullNumbers.filter((number) => !isFork(repo, sim.pull(repoName, number))).map((number) => {
        const pull = sim.pull(repoName, number);
        return { id: pull.id, number, url: "", head: { ref: pull.head.ref, sha: pull.head.sha, repo: { id: repo.id, name: repo.name, url: "" } }, base: { ref: pull.base.ref, sha: pull.base.sha, repo: { id: repo.id, name: repo.name, url: "" } } };
      }),
    },
    ...envelope(sim, repoName, "github-actions[bot]"),
  };
};

export const checkSuiteEvent = (
  sim: GitHubSimulator,
  repoName: string,
  headSha: string,
  action: "completed" | "rerequested",
  sender = "dev",
  options: { app?: { id: number; slug: string }; pullNumbers?: number[] } = {},
) => {
  const base = fixture(`check_suite.${action}`);
  const repo = sim.repo(repoName);
  const app = options.app ?? { id: 15368, slug: "github-actions" };
  return {
    ...base,
    action,
    check_suite: {
      ...base.check_suite,
      head_sha: headSha,
      app: { ...base.check_suite.app, id: app.id, slug: app.slug },
      // GitHub leaves PRs from forks out of check payloads.
      pull_requests: (options.pullNumbers ?? [])
        .filter((number) => !isFork(repo, sim.pull(repoName, number)))
        .map((number) => {
          const pull = sim.pull(repoName, number);
          return { id: pull.id, number, url: "", head: { ref: pull.head.ref, sha: pull.head.sha, repo: { id: repo.id, name: repo.name, url: "" } }, base: { ref: pull.base.ref, sha: pull.base.sha, repo: { id: repo.id, name: repo.name, url: "" } } };
        }),
    },
    ...envelope(sim, repoName, sender),
  };
};

/** `merge_group.checks_requested` for the queue entry of PR `number` (its group commit is `headSha`). */
export const mergeGroupEvent = (sim: GitHubSimulator, repoName: string, number: number, headSha: string) => {
  const base = fixture("merge_group.checks_requested");
  const repo = sim.repo(repoName);
  const pull = sim.pull(repoName, number);
  const baseSha = repo.branches.get(pull.base.ref) ?? pull.base.sha;
  // GitHub creates the group's branch before it asks for checks.
  repo.branches.set(`gh-readonly-queue/${pull.base.ref}/pr-${number}-${pull.head.sha}`, headSha);
  return {
    ...base,
    merge_group: {
      ...base.merge_group,
      head_sha: headSha,
      head_ref: `refs/heads/gh-readonly-queue/${pull.base.ref}/pr-${number}-${pull.head.sha}`,
      base_sha: baseSha,
      base_ref: `refs/heads/${pull.base.ref}`,
      head_commit: { ...base.merge_group.head_commit, id: headSha, message: `Merge pull request #${number} from ${pull.head.ref}` },
    },
    ...envelope(sim, repoName, "github-merge-queue[bot]"),
  };
};

export const statusEvent = (sim: GitHubSimulator, repoName: string, status: SimStatus) => {
  const base = fixture("status");
  return {
    ...base,
    id: status.id,
    sha: status.sha,
    name: fullName(sim.repo(repoName)),
    context: status.context,
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    ...envelope(sim, repoName, "ci-bot"),
  };
};

export const issueCommentEvent = (sim: GitHubSimulator, repoName: string, comment: SimComment, action: "created" | "edited" | "deleted") => {
  const base = fixture(`issue_comment.${action}`);
  const repo = sim.repo(repoName);
  const pull = sim.pull(repoName, comment.issueNumber);
  const rest = restPull(sim, repo, pull);
  return {
    ...base,
    action,
    issue: {
      ...base.issue,
      number: pull.number,
      title: pull.title,
      state: pull.state,
      user: rest.user,
      labels: rest.labels,
      body: pull.body,
      pull_request: { url: rest.url, html_url: rest.html_url, diff_url: `${rest.html_url}.diff`, patch_url: `${rest.html_url}.patch`, merged_at: pull.mergedAt },
    },
    comment: { ...base.comment, ...restIssueComment(repo, comment) },
    ...envelope(sim, repoName, comment.user.login),
  };
};

/** `pull_request_review.<action>` for a review in the simulator (webhooks spell the state in lower case). */
export const pullRequestReviewEvent = (
  sim: GitHubSimulator,
  repoName: string,
  review: SimComment,
  action: "submitted" | "edited" | "dismissed",
  extra: { previousBody?: string; sender?: string } = {},
) => {
  const base = fixture(`pull_request_review.${action}`);
  const repo = sim.repo(repoName);
  const pull = sim.pull(repoName, review.issueNumber);
  const rest = restPull(sim, repo, pull);
  const { changes: _changes, ...rest0 } = base;
  return {
    ...rest0,
    action,
    review: {
      ...base.review,
      id: review.id,
      node_id: review.nodeId,
      user: restUser(review.user),
      body: review.body,
      commit_id: review.commitId ?? pull.head.sha,
      submitted_at: review.createdAt,
      state: String(review.state ?? "commented").toLowerCase(),
      html_url: `${rest.html_url}#pullrequestreview-${review.id}`,
      pull_request_url: rest.url,
    },
    pull_request: { ...base.pull_request, ...rest },
    ...(extra.previousBody !== undefined ? { changes: { body: { from: extra.previousBody } } } : {}),
    ...envelope(sim, repoName, extra.sender ?? review.user.login),
  };
};

/** `pull_request_review_comment.<action>` for a review comment in the simulator. */
export const pullRequestReviewCommentEvent = (
  sim: GitHubSimulator,
  repoName: string,
  comment: SimComment,
  action: "created" | "edited" | "deleted",
  extra: { previousBody?: string } = {},
) => {
  const base = fixture(`pull_request_review_comment.${action}`);
  const repo = sim.repo(repoName);
  const pull = sim.pull(repoName, comment.issueNumber);
  const rest = restPull(sim, repo, pull);
  const { changes: _changes, ...rest0 } = base;
  return {
    ...rest0,
    action,
    comment: {
      ...base.comment,
      id: comment.id,
      node_id: comment.nodeId,
      url: `https://api.github.com/repos/${fullName(repo)}/pulls/comments/${comment.id}`,
      html_url: `${rest.html_url}#discussion_r${comment.id}`,
      pull_request_url: rest.url,
      path: comment.path ?? "src/app.ts",
      commit_id: comment.commitId ?? pull.head.sha,
      original_commit_id: comment.originalCommitId ?? comment.commitId ?? pull.head.sha,
      user: restUser(comment.user),
      body: comment.body,
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
    },
    pull_request: { ...base.pull_request, ...rest },
    ...(extra.previousBody !== undefined ? { changes: { body: { from: extra.previousBody } } } : {}),
    ...envelope(sim, repoName, comment.user.login),
  };
};
