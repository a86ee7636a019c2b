import { ghError, SIM_APP, type GitHubSimulator } from "./simulator.js";
import { restCheckRun, restPull, restRepo } from "./rest-shapes.js";
import type { SimCheckRun, SimPull, SimRepo } from "./state.js";

const findRepo = (sim: GitHubSimulator, params: Record<string, string>): SimRepo | undefined =>
  sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());

const validation = (message: string, field?: string) =>
  ghError(422, "Validation Failed", { errors: [{ resource: "CheckRun", code: "invalid", field, message }] });

const CHECK_STATUSES = ["queued", "in_progress", "completed", "waiting", "requested", "pending"];
const CHECK_CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];

/** Installation tokens, repositories, contents, pulls, check runs and the commit → PR lookup. */
export const registerCoreRoutes = (sim: GitHubSimulator): void => {
  sim.route("POST", "/app/installations/{id}/access_tokens", ({ params }) => {
    if (sim.revokedInstallations.has(Number(params.id))) return ghError(404, "Not Found");
    return {
      status: 201,
      body: {
        token: `ghs_simulated${params.id}`,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: { checks: "write", contents: "write", issues: "write", pull_requests: "write", metadata: "read" },
        repository_selection: "all",
      },
    };
  });

  sim.route("GET", "/repos/{owner}/{repo}", ({ params }) => {
    const repo = findRepo(sim, params);
    return repo ? { status: 200, body: restRepo(repo) } : ghError(404, "Not Found");
  });

  sim.route("GET", "/repos/{owner}/{repo}/contents/{path*}", ({ params, query, headers }) => {
    const repo = findRepo(sim, params);
    if (!repo) return ghError(404, "Not Found");
    const ref = query.get("ref") ?? repo.defaultBranch;
    const content = repo.files.get(ref)?.get(params.path);
    if (content === undefined) return ghError(404, "Not Found");
    const accept = String(headers.accept ?? "");
    if (accept.includes("raw")) return { status: 200, body: content, headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } };
    return {
      status: 200,
      body: {
        type: "file",
        encoding: "base64",
        size: Buffer.byteLength(content),
        name: params.path.split("/").at(-1),
        path: params.path,
        content: Buffer.from(content).toString("base64"),
        sha: "0".repeat(40),
      },
    };
  });

  sim.route("GET", "/repos/{owner}/{repo}/pulls/{number}", ({ params }) => {
    const repo = findRepo(sim, params);
    const pull = repo?.pulls.get(Number(params.number));
    return repo && pull ? { status: 200, body: restPull(sim, repo, pull) } : ghError(404, "Not Found");
  });

  sim.route("GET", "/repos/{owner}/{repo}/commits/{sha}/pulls", ({ params }) => {
    const repo = findRepo(sim, params);
    if (!repo) return ghError(404, "Not Found");
    // GitHub knows only commits of the repository's own branches here: a commit that exists only
    // in a fork answers [] (docs: "List pull requests associated with a commit").
    const ownBranch = (pull: SimPull) => pull.head.repoFullName.toLowerCase() === `${params.owner}/${params.repo}`.toLowerCase();
    const pulls = [...repo.pulls.values()].filter(
      (pull) => (ownBranch(pull) && (pull.head.sha === params.sha || pull.commits.some((commit) => commit.sha === params.sha))) || pull.mergeCommitSha === params.sha,
    );
    return { status: 200, body: pulls.map((pull) => restPull(sim, repo, pull)) };
  });

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
