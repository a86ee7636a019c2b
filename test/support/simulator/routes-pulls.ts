import { GraphQLError } from "graphql";
import { extendGraphqlRoot } from "./graphql.js";
import { fullName, restPull, validationFailed } from "./rest-shapes.js";
import { commitsOf, filesOf, withGit } from "./routes-git.js";
import { labelNodeId } from "./routes-issues.js";
import { ghError, SIM_APP, type GitHubSimulator } from "./simulator.js";
import { assignable, type SimPull, type SimRepo } from "./state.js";
import { userNode } from "./graphql.js";

const REST_STATUS: Record<string, string> = { ADDED: "added", DELETED: "removed", MODIFIED: "modified", RENAMED: "renamed", COPIED: "copied", CHANGED: "changed" };

const findRepo = (sim: GitHubSimulator, params: Record<string, string>): SimRepo | undefined =>
  sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());

/**
 * Pull requests: get, list, create (from real commits of a git-backed repository), their files,
 * the PRs of a commit, review requests. Merging lives with branch protection (routes-merge.ts).
 */
export const registerPullRequestRoutes = (sim: GitHubSimulator): void => {
  sim.route("GET", "/repos/{owner}/{repo}/pulls/{number}", ({ params }) => {
    const repo = findRepo(sim, params);
    const pull = repo && sim.readPull(repo, Number(params.number));
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

  // GET /repos/{owner}/{repo}/pulls?state=&head=owner:branch&base=
  sim.route("GET", "/repos/{owner}/{repo}/pulls", ({ params, query }) => {
    const repo = sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
    if (!repo) return ghError(404, "Not Found");
    const state = query.get("state") ?? "open";
    const head = query.get("head");
    const base = query.get("base");
    const perPage = Math.min(Number(query.get("per_page") ?? 30), 100);
    const page = Number(query.get("page") ?? 1);
    const pulls = [...repo.pulls.values()]
      .filter((pull) => state === "all" || pull.state === state)
      .filter((pull) => !base || pull.base.ref === base)
      .filter((pull) => {
        if (!head) return true;
        const [owner, branch] = head.includes(":") ? head.split(/:(.*)/s) : [repo.owner.login, head];
        return pull.head.ref === branch && pull.head.repoFullName.split("/")[0].toLowerCase() === owner.toLowerCase();
      })
      .sort((a, b) => b.number - a.number);
    return { status: 200, body: pulls.slice((page - 1) * perPage, page * perPage).map((pull) => restPull(sim, repo, pull)) };
  });

  // POST /repos/{owner}/{repo}/pulls: 422 when head or base is missing, nothing differs, or an open PR exists.
  sim.route("POST", "/repos/{owner}/{repo}/pulls", ({ params, body }) =>
    withGit(sim, params, (repo, { git }) => {
      if (typeof body?.title !== "string" || !body.title) return validationFailed("PullRequest", "title", "missing_field");
      // GitHub: "title is too long (maximum is 256 characters)", "body is too long (maximum is 65536 characters)".
      if (body.title.length > 256) return validationFailed("PullRequest", "title", "custom");
      if (typeof body.body === "string" && body.body.length > 65536) return validationFailed("PullRequest", "body", "custom");
      if (typeof body.head !== "string" || typeof body.base !== "string") return validationFailed("PullRequest", "head", "missing_field");
      const [owner, branch] = body.head.includes(":") ? body.head.split(/:(.*)/s) : [repo.owner.login, body.head];
      const headSha = owner.toLowerCase() === repo.owner.login.toLowerCase() ? git.ref(`refs/heads/${branch}`) : null;
      if (!headSha) return validationFailed("PullRequest", "head", "invalid");
      const baseSha = git.ref(`refs/heads/${body.base}`);
      if (!baseSha) return validationFailed("PullRequest", "base", "invalid");
      const open = [...repo.pulls.values()].find((pull) => pull.state === "open" && pull.head.ref === branch && pull.base.ref === body.base);
      if (open) {
        return ghError(422, "Validation Failed", { errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${owner}:${branch}.` }] });
      }
      if (git.isAncestor(headSha, baseSha)) {
        return ghError(422, "Validation Failed", { errors: [{ resource: "PullRequest", code: "custom", message: `No commits between ${body.base} and ${branch}` }] });
      }
      const pull = sim.addPull(fullName(repo), {
        title: body.title,
        body: typeof body.body === "string" ? body.body : null,
        author: `${SIM_APP.slug}[bot]`,
        base: body.base,
        head: branch,
        headSha,
        draft: Boolean(body.draft),
        labels: [],
        files: filesOf(git, git.mergeBase(baseSha, headSha) ?? baseSha, headSha),
        commits: commitsOf(sim, git, baseSha, headSha),
      });
      pull.maintainerCanModify = body.maintainer_can_modify !== false;
      return { status: 201, body: restPull(sim, repo, pull) };
    }),
  );

  // GET /repos/{owner}/{repo}/pulls/{pull_number}/files: 30 a page by default, at most 100, at most 3000 files.
  sim.route("GET", "/repos/{owner}/{repo}/pulls/{number}/files", ({ params, query }) => {
    const repo = findRepo(sim, params);
    const pull = repo?.pulls.get(Number(params.number));
    if (!repo || !pull) return ghError(404, "Not Found");
    const perPage = Math.min(Number(query.get("per_page") ?? 30), 100);
    const page = Math.max(Number(query.get("page") ?? 1), 1);
    const listed = pull.files.slice(0, 3000);
    const slice = listed.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      body: slice.map((file) => ({
        sha: "0".repeat(40),
        filename: file.path,
        status: REST_STATUS[file.changeType ?? "MODIFIED"] ?? "modified",
        additions: file.additions,
        deletions: file.deletions,
        changes: file.additions + file.deletions,
        blob_url: `https://github.com/${repo.owner.login}/${repo.name}/blob/${pull.head.sha}/${file.path}`,
        raw_url: `https://github.com/${repo.owner.login}/${repo.name}/raw/${pull.head.sha}/${file.path}`,
        contents_url: `https://api.github.com/repos/${repo.owner.login}/${repo.name}/contents/${file.path}?ref=${pull.head.sha}`,
        ...(file.changeType === "RENAMED" && file.previousPath ? { previous_filename: file.previousPath } : {}),
      })),
    };
  });
  // POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers
  sim.route("POST", "/repos/{owner}/{repo}/pulls/{number}/requested_reviewers", ({ params, body }) => {
    const repo = findRepo(sim, params);
    const pull = repo?.pulls.get(Number(params.number));
    if (!repo || !pull) return ghError(404, "Not Found");
    const reviewers: string[] = body?.reviewers ?? [];
    const teams: string[] = body?.team_reviewers ?? [];
    const refusal = reviewRefusal(sim, repo, pull, reviewers, teams);
    if (refusal) return ghError(422, refusal);
    for (const login of reviewers) if (!pull.requestedReviewers.includes(login)) pull.requestedReviewers.push(login);
    for (const slug of teams) if (!pull.requestedTeams.includes(slug)) pull.requestedTeams.push(slug);
    return { status: 201, body: restPull(sim, repo, pull) };
  });
};

/** GitHub's refusals of a review request (REST answers 422 with them; GraphQL reports them as the mutation's error). */
const reviewRefusal = (sim: GitHubSimulator, repo: SimRepo, pull: SimPull, reviewers: string[], teams: string[]): string | null => {
  if (reviewers.some((login) => login.toLowerCase() === pull.user.login.toLowerCase())) return "Review cannot be requested from pull request author.";
  const notCollaborator =
    reviewers.some((login) => !repo.permissions.has(login) && login.toLowerCase() !== repo.owner.login.toLowerCase()) ||
    teams.some((slug) => !sim.teams.has(`${repo.owner.login}/${slug}`.toLowerCase()));
  return notCollaborator
    ? `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.owner.login}/${repo.name} repository.`
    : null;
};

// ---- GraphQL: a PR's labels, assignees and review requests by node id ----

const notFound = (message: string) => new GraphQLError(message, { extensions: { type: "NOT_FOUND" } });

const pullByNodeId = (sim: GitHubSimulator, id: string): { repo: SimRepo; pull: SimPull } | null => {
  for (const repo of sim.repos.values()) for (const pull of repo.pulls.values()) if (pull.nodeId === id) return { repo, pull };
  return null;
};

extendGraphqlRoot((sim) => ({
  updatePullRequest: ({ input }: { input: { pullRequestId: string; labelIds?: string[] | null; assigneeIds?: string[] | null } }) => {
    const found = pullByNodeId(sim, input.pullRequestId);
    if (!found) throw notFound(`Could not resolve to a node with the global id of '${input.pullRequestId}'`);
    const { repo, pull } = found;
    const labels = input.labelIds?.map((id) => {
      const name = [...repo.labels].find((candidate) => labelNodeId(repo, candidate) === id);
      if (name === undefined) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
      return name;
    });
    const assignees = input.assigneeIds?.map((id) => {
      const user = [...sim.users.values()].find((candidate) => userNode(candidate).id === id);
      if (!user) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
      return user.login;
    });
    // Nothing is changed when one assignee may not be assigned (the whole mutation fails).
    const refused = assignees?.find((login) => !assignable(repo, login));
    if (refused) throw new GraphQLError(`${refused} cannot be assigned to this pull request.`, { extensions: { type: "UNPROCESSABLE" } });
    if (labels) pull.labels = [...new Set(labels)];
    if (assignees) pull.assignees = [...new Set(assignees)];
    pull.updatedAt = sim.now();
    return { clientMutationId: null, pullRequest: { id: pull.nodeId } };
  },
  requestReviews: ({ input }: { input: { pullRequestId: string; userIds?: string[] | null; teamIds?: string[] | null; union?: boolean | null } }) => {
    const found = pullByNodeId(sim, input.pullRequestId);
    if (!found) throw notFound(`Could not resolve to a node with the global id of '${input.pullRequestId}'`);
    const { repo, pull } = found;
    const users = (input.userIds ?? []).map((id) => {
      const user = [...sim.users.values()].find((candidate) => userNode(candidate).id === id);
      if (!user) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
      return user.login;
    });
    const teams = (input.teamIds ?? []).map((id) => {
      const team = [...sim.teams.values()].find((candidate) => `T_${candidate.id}` === id);
      if (!team) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
      return team.slug;
    });
    const refusal = reviewRefusal(sim, repo, pull, users, teams);
    if (refusal) throw new GraphQLError(refusal, { extensions: { type: "UNPROCESSABLE" } });
    // Without `union`, the requests replace the ones there (GitHub's default).
    if (!input.union) {
      pull.requestedReviewers = [];
      pull.requestedTeams = [];
    }
    for (const login of users) if (!pull.requestedReviewers.includes(login)) pull.requestedReviewers.push(login);
    for (const slug of teams) if (!pull.requestedTeams.includes(slug)) pull.requestedTeams.push(slug);
    return { clientMutationId: null, pullRequest: { id: pull.nodeId } };
  },
}));

