import { commitNode, connection, extendRepositoryNode, pullRequestNode, type ConnectionArgs } from "./graphql.js";
import { fullName, restCheckRun } from "./rest-shapes.js";
import { isGitBacked } from "./routes-git.js";
import { ghError, SIM_APP, type GitHubSimulator } from "./simulator.js";
import type { SimCheckRun, SimPull, SimRepo } from "./state.js";

/**
 * What the app asks about a commit that a check or status event names, as GitHub answers it:
 * - `Commit.associatedPullRequests` (like REST `GET /commits/{sha}/pulls`) knows only commits of
 *   the repository's own branches: a commit that exists only in a fork answers no PR;
 * - the issue search `is:pr sha:<sha>` finds PRs by any of their commits, forks included
 *   (routes-report.ts);
 * - `Repository.mergeQueue(branch)` lists the queue's entries, position 1 first.
 */
export const isFork = (repo: SimRepo, pull: SimPull): boolean => pull.head.repoFullName.toLowerCase() !== fullName(repo).toLowerCase();

const queues = new WeakMap<SimRepo, Map<string, number[]>>();

/** Adds PR `number` to the merge queue of its base branch (last position). */
export const enqueue = (sim: GitHubSimulator, repoName: string, number: number): void => {
  const repo = sim.repo(repoName);
  const pull = sim.pull(repoName, number);
  if (!queues.has(repo)) queues.set(repo, new Map());
  const queue = queues.get(repo)!;
  queue.set(pull.base.ref, [...(queue.get(pull.base.ref) ?? []).filter((n) => n !== number), number]);
};

/** Removes PR `number` from its merge queue (merged, or removed by a failure). */
export const dequeue = (sim: GitHubSimulator, repoName: string, number: number): void => {
  const queue = queues.get(sim.repo(repoName));
  if (!queue) return;
  for (const [branch, numbers] of queue) queue.set(branch, numbers.filter((n) => n !== number));
};

const containsCommit = (pull: SimPull, sha: string) => pull.head.sha === sha || pull.commits.some((commit) => commit.sha === sha);

const repositoryFields = (sim: GitHubSimulator, repo: SimRepo): Record<string, unknown> => {
  // A repository backed by real git serves its objects from there.
  if (isGitBacked(repo)) return {};
  const pulls = () => [...repo.pulls.values()];
  return {
    object: ({ oid }: { oid?: string }) => {
      const pull = pulls().find((candidate) => containsCommit(candidate, oid ?? ""));
      const commit = pull?.commits.find((candidate) => candidate.sha === oid) ?? (pull ? { sha: oid!, authorLogins: [], committerLogin: null } : null);
      const onBranch = [...repo.branches.values()].includes(oid ?? "");
      if (!commit && !onBranch) return null;
      return {
        ...commitNode(sim, repo, commit ?? { sha: oid!, authorLogins: [], committerLogin: null }),
        associatedPullRequests: (args: ConnectionArgs) =>
          connection(
            pulls()
              .filter((candidate) => (!isFork(repo, candidate) && containsCommit(candidate, oid!)) || candidate.mergeCommitSha === oid)
              .map((candidate) => pullRequestNode(sim, repo, candidate)),
            args,
          ),
      };
    },
    mergeQueue: ({ branch }: { branch?: string | null }) => {
      const numbers = queues.get(repo)?.get(branch ?? repo.defaultBranch) ?? [];
      return {
        __typename: "MergeQueue",
        id: `MQ_${repo.id}_${branch}`,
        entries: (args: ConnectionArgs) =>
          connection(
            numbers.map((number, index) => ({
              __typename: "MergeQueueEntry",
              id: `MQE_${number}`,
              position: index + 1,
              state: "AWAITING_CHECKS",
              pullRequest: pullRequestNode(sim, repo, repo.pulls.get(number)!),
            })),
            args,
          ),
      };
    },
  };
};

/** Registered before the git-backed fields, which replace these for a repository served from git. */
export const registerCheckRoutes = (_sim: GitHubSimulator): void => {
  extendRepositoryNode(repositoryFields);
};

// ---- REST: check runs -------------------------------------------------------------------------------

const validation = (message: string, field?: string) =>
  ghError(422, "Validation Failed", { errors: [{ resource: "CheckRun", code: "invalid", field, message }] });

const CHECK_STATUSES = ["queued", "in_progress", "completed", "waiting", "requested", "pending"];
const CHECK_CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];

const findRepo = (sim: GitHubSimulator, params: Record<string, string>): SimRepo | undefined =>
  sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());

/** Check runs: create, update (GitHub keeps a completed run's conclusion), and a commit's runs. */
export const registerCheckRunRoutes = (sim: GitHubSimulator): void => {
  sim.route("POST", "/repos/{owner}/{repo}/check-runs", ({ params, body }) => {
    const repo = findRepo(sim, params);
    if (!repo) return ghError(404, "Not Found");
    if (!body?.name || !body?.head_sha) return validation("name and head_sha are required");
    if (body.status && !CHECK_STATUSES.includes(body.status)) return validation(`invalid status ${body.status}`, "status");
    if (body.conclusion && !CHECK_CONCLUSIONS.includes(body.conclusion)) return validation(`invalid conclusion ${body.conclusion}`, "conclusion");
    // GitHub: a conclusion completes the run; completed requires a conclusion.
    const status = body.conclusion ? "completed" : (body.status ?? "queued");
    if (status === "completed" && !body.conclusion) return validation("conclusion is required when status is completed", "conclusion");
    if (body.output && (!body.output.title || !body.output.summary)) return validation("output requires title and summary", "output");
    if ((body.output?.summary?.length ?? 0) > 65535 || (body.output?.text?.length ?? 0) > 65535) return validation("output is too long", "output");
    const now = sim.now();
    const run: SimCheckRun = {
      id: sim.id(),
      nodeId: `CR_${sim.id()}`,
      headSha: body.head_sha,
      name: body.name,
      status,
      conclusion: body.conclusion ?? null,
      startedAt: body.started_at ?? now,
      completedAt: status === "completed" ? (body.completed_at ?? now) : null,
      output: { title: body.output?.title ?? null, summary: body.output?.summary ?? null, text: body.output?.text ?? null },
      externalId: body.external_id ?? null,
      detailsUrl: body.details_url ?? null,
      app: { ...SIM_APP },
    };
    repo.checkRuns.push(run);
    return { status: 201, body: restCheckRun(repo, run) };
  });

  sim.route("PATCH", "/repos/{owner}/{repo}/check-runs/{id}", ({ params, body }) => {
    const repo = findRepo(sim, params);
    const run = repo?.checkRuns.find((candidate) => candidate.id === Number(params.id));
    if (!repo || !run) return ghError(404, "Not Found");
    if (run.app.id !== SIM_APP.id) return ghError(403, "Invalid app_id `1` - check run can only be modified by the GitHub App that created it.");
    if (body.status && !CHECK_STATUSES.includes(body.status)) return validation(`invalid status ${body.status}`, "status");
    if (body.conclusion && !CHECK_CONCLUSIONS.includes(body.conclusion)) return validation(`invalid conclusion ${body.conclusion}`, "conclusion");
    if (body.output) run.output = { title: body.output.title ?? run.output.title, summary: body.output.summary ?? run.output.summary, text: body.output.text ?? run.output.text };
    // A completed run keeps its status and conclusion: GitHub ignores attempts to change them.
    if (run.status !== "completed") {
      if (body.conclusion) {
        run.status = "completed";
        run.conclusion = body.conclusion;
        run.completedAt = body.completed_at ?? sim.now();
      } else if (body.status) {
        if (body.status === "completed") return validation("conclusion is required when status is completed", "conclusion");
        run.status = body.status;
      }
    }
    return { status: 200, body: restCheckRun(repo, run) };
  });

  sim.route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs", ({ params, query }) => {
    const repo = findRepo(sim, params);
    if (!repo) return ghError(404, "Not Found");
    const name = query.get("check_name");
    const appId = query.get("app_id");
    let runs = repo.checkRuns.filter((run) => run.headSha === params.ref && (!name || run.name === name) && (!appId || run.app.id === Number(appId)));
    if (query.get("filter") !== "all") {
      const newest = new Map<string, SimCheckRun>();
      for (const run of runs) newest.set(`${run.app.id}:${run.name}`, run);
      runs = [...newest.values()];
    }
    runs = [...runs].sort((a, b) => b.id - a.id);
    return { status: 200, body: { total_count: runs.length, check_runs: runs.map((run) => restCheckRun(repo, run)) } };
  });
};
