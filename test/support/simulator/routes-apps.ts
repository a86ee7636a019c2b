import { fullName, restRepo } from "./rest-shapes.js";
import { ghError, SIM_APP, type GitHubSimulator } from "./simulator.js";

/** The app (`GET /app`), its installations, their tokens and the repositories a token reaches. */

export interface SimInstallation {
  id: number;
  account: { login: string; type: "Organization" | "User" };
  suspendedAt?: string | null;
  /** "selected": the installation reaches only `repositories` (full names) of its account. */
  repositorySelection?: "all" | "selected";
  repositories?: string[];
}

const installations = new WeakMap<GitHubSimulator, SimInstallation[]>();

export const addInstallation = (sim: GitHubSimulator, installation: SimInstallation): void => {
  installations.set(sim, [...(installations.get(sim) ?? []), installation]);
};

export const registerAppRoutes = (sim: GitHubSimulator): void => {
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

  sim.route("GET", "/app", () => ({
    status: 200,
    body: { id: SIM_APP.id, slug: SIM_APP.slug, name: "Hotfix Governance", node_id: `A_${SIM_APP.id}`, owner: null, permissions: {}, events: [] },
  }));

  sim.route("GET", "/app/installations", ({ query }) => {
    const listed = installations.get(sim) ?? [];
    const page = Number(query.get("page") ?? 1);
    const perPage = Number(query.get("per_page") ?? 30);
    const slice = listed.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      body: slice.map((installation) => ({
        id: installation.id,
        account: { login: installation.account.login, id: sim.user(installation.account.login).id, type: installation.account.type },
        app_id: SIM_APP.id,
        app_slug: SIM_APP.slug,
        target_type: installation.account.type,
        repository_selection: installation.repositorySelection ?? "all",
        permissions: { issues: "write", pull_requests: "write", checks: "write", contents: "write", metadata: "read" },
        events: [],
        suspended_at: installation.suspendedAt ?? null,
        created_at: "2024-01-01T00:00:00Z",
        updated_at: "2024-01-01T00:00:00Z",
      })),
      headers:
        page * perPage < listed.length
          ? { link: `<${sim.baseUrl}/app/installations?per_page=${perPage}&page=${page + 1}>; rel="next"` }
          : undefined,
    };
  });

  // The repositories an installation token reaches: its account's, minus those it cannot see.
  sim.route("GET", "/installation/repositories", ({ query, headers }) => {
    const token = /ghs_simulated(\d+)/.exec(String(headers.authorization ?? ""))?.[1];
    const installation = (installations.get(sim) ?? []).find((candidate) => String(candidate.id) === token);
    if (!installation) return ghError(401, "Bad credentials");
    const selected = installation.repositorySelection === "selected" ? new Set((installation.repositories ?? []).map((name) => name.toLowerCase())) : null;
    const repos = [...sim.repos.values()].filter(
      (repo) =>
        repo.owner.login.toLowerCase() === installation.account.login.toLowerCase() &&
        !sim.invisibleRepositories.has(fullName(repo).toLowerCase()) &&
        (!selected || selected.has(fullName(repo).toLowerCase())),
    );
    const page = Number(query.get("page") ?? 1);
    const perPage = Math.min(Number(query.get("per_page") ?? 30), 100);
    return {
      status: 200,
      body: { total_count: repos.length, repository_selection: installation.repositorySelection ?? "all", repositories: repos.slice((page - 1) * perPage, page * perPage).map((repo) => restRepo(repo)) },
      headers: page * perPage < repos.length ? { link: `<${sim.baseUrl}/installation/repositories?per_page=${perPage}&page=${page + 1}>; rel="next"` } : undefined,
    };
  });
};
