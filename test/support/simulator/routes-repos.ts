import { restRepo } from "./rest-shapes.js";
import { ghError, type GitHubSimulator } from "./simulator.js";
import type { SimRepo } from "./state.js";

const findRepo = (sim: GitHubSimulator, params: Record<string, string>): SimRepo | undefined =>
  sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());

/** Repositories and their contents (the config and the templates the app reads). */
export const registerRepositoryRoutes = (sim: GitHubSimulator): void => {
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
};
