import { ghError, SIM_APP, type GitHubSimulator } from "./simulator.js";
import type { SimCheckRun, SimComment, SimIssue, SimPull, SimRepo, SimUser } from "./state.js";

/** REST object shapes, trimmed to the fields GitHub always sends and the app may read. */
export const restUser = (user: SimUser) => ({
  login: user.login,
  id: user.id,
  node_id: `U_${user.id}`,
  type: user.type,
  site_admin: false,
  html_url: `https://github.com/${user.login}`,
  url: `https://api.github.com/users/${user.login}`,
});

export const fullName = (repo: SimRepo): string => `${repo.owner.login}/${repo.name}`;

/** Fields other modules add to a full repository object (the merge settings of routes-merge.ts). */
const repoFields: Array<(repo: SimRepo) => Record<string, unknown>> = [];
export const extendRestRepo = (fields: (repo: SimRepo) => Record<string, unknown>): void => {
  if (!repoFields.includes(fields)) repoFields.push(fields);
};

export const restRepo = (repo: SimRepo) => ({
  id: repo.id,
  node_id: repo.nodeId,
  name: repo.name,
  full_name: fullName(repo),
  private: repo.private,
  owner: restUser(repo.owner),
  html_url: `https://github.com/${fullName(repo)}`,
  default_branch: repo.defaultBranch,
  has_issues: repo.hasIssues,
  url: `https://api.github.com/repos/${fullName(repo)}`,
  ...Object.assign({}, ...repoFields.map((fields) => fields(repo))),
});

export const restLabel = (name: string) => ({
  id: [...name].reduce((sum, char) => sum * 31 + char.charCodeAt(0), 7) >>> 0,
  node_id: `LA_${name}`,
  url: `https://api.github.com/labels/${encodeURIComponent(name)}`,
  name,
  color: "ededed",
  default: false,
  description: null,
});

export const changedFiles = (pull: SimPull): number => pull.changedFilesOverride ?? pull.files.length;

export const restPull = (sim: GitHubSimulator, repo: SimRepo, pull: SimPull) => {
  const [headOwner, headName] = pull.head.repoFullName.split("/");
  const headRepo = headOwner === repo.owner.login ? repo : { ...repo, owner: sim.user(headOwner), name: headName, id: repo.id + 1 };
  return {
    url: `https://api.github.com/repos/${fullName(repo)}/pulls/${pull.number}`,
    id: pull.id,
    node_id: pull.nodeId,
    html_url: `https://github.com/${fullName(repo)}/pull/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: restUser(pull.user),
    body: pull.body,
    labels: pull.labels.map(restLabel),
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignees: pull.assignees.map((login) => restUser(sim.user(login))),
    requested_reviewers: pull.requestedReviewers.map((login) => restUser(sim.user(login))),
    requested_teams: pull.requestedTeams.map((slug) => ({ slug, name: slug, id: 1 })),
    draft: pull.draft,
    head: { label: `${headOwner}:${pull.head.ref}`, ref: pull.head.ref, sha: pull.head.sha, user: restUser(sim.user(headOwner)), repo: restRepo(headRepo as SimRepo) },
    base: { label: `${repo.owner.login}:${pull.base.ref}`, ref: pull.base.ref, sha: pull.base.sha, user: restUser(repo.owner), repo: restRepo(repo) },
    author_association: "MEMBER",
    merged: pull.merged,
    merged_by: pull.mergedBy ? restUser(pull.mergedBy) : null,
    comments: repo.issueComments.filter((comment) => comment.issueNumber === pull.number).length,
    commits: pull.commits.length,
    additions: pull.files.reduce((sum, file) => sum + file.additions, 0),
    deletions: pull.files.reduce((sum, file) => sum + file.deletions, 0),
    changed_files: changedFiles(pull),
    maintainer_can_modify: pull.maintainerCanModify,
  };
};

export const restCheckRun = (repo: SimRepo, run: SimCheckRun) => ({
  id: run.id,
  node_id: run.nodeId,
  head_sha: run.headSha,
  external_id: run.externalId,
  url: `https://api.github.com/repos/${fullName(repo)}/check-runs/${run.id}`,
  html_url: `https://github.com/${fullName(repo)}/runs/${run.id}`,
  details_url: run.detailsUrl,
  status: run.status,
  conclusion: run.conclusion,
  started_at: run.startedAt,
  completed_at: run.completedAt,
  output: { ...run.output, annotations_count: 0, annotations_url: `https://api.github.com/repos/${fullName(repo)}/check-runs/${run.id}/annotations` },
  name: run.name,
  check_suite: { id: run.app.id * 100000 + 1 },
  app: { id: run.app.id, slug: run.app.slug, name: run.app.slug, node_id: `A_${run.app.id}`, owner: restUser(repo.owner) },
  pull_requests: [],
});

export const restIssueComment = (repo: SimRepo, comment: SimComment) => ({
  id: comment.id,
  node_id: comment.nodeId,
  url: `https://api.github.com/repos/${fullName(repo)}/issues/comments/${comment.id}`,
  html_url: `https://github.com/${fullName(repo)}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
  issue_url: `https://api.github.com/repos/${fullName(repo)}/issues/${comment.issueNumber}`,
  body: comment.body,
  user: restUser(comment.user),
  created_at: comment.createdAt,
  updated_at: comment.updatedAt,
  author_association: "MEMBER",
});

/** An issue as REST answers it; a PR (PRs are issues) links to its page and carries `pull_request`. */
export const restIssue = (sim: GitHubSimulator, repo: SimRepo, issue: SimIssue | SimPull) => ({
  id: issue.id,
  node_id: issue.nodeId,
  url: `https://api.github.com/repos/${fullName(repo)}/issues/${issue.number}`,
  html_url: `https://github.com/${fullName(repo)}/${repo.pulls.has(issue.number) ? "pull" : "issues"}/${issue.number}`,
  number: issue.number,
  state: issue.state,
  title: issue.title,
  body: issue.body,
  user: restUser(issue.user),
  labels: issue.labels.map(restLabel),
  assignee: issue.assignees[0] ? restUser(sim.user(issue.assignees[0])) : null,
  assignees: issue.assignees.map((login) => restUser(sim.user(login))),
  comments: repo.issueComments.filter((comment) => comment.issueNumber === issue.number).length,
  created_at: issue.createdAt,
  updated_at: issue.updatedAt,
  closed_at: issue.closedAt,
  author_association: "NONE",
  locked: false,
  ...(repo.pulls.has(issue.number)
    ? { pull_request: { url: `https://api.github.com/repos/${fullName(repo)}/pulls/${issue.number}`, html_url: `https://github.com/${fullName(repo)}/pull/${issue.number}` } }
    : {}),
});

export { SIM_APP };

/** The REST API's own URL, as GitHub writes it into its answers. */
export const API = "https://api.github.com";

/** GitHub's 422 for a body it refuses, naming the resource and field. */
export const validationFailed = (resource: string, field: string, code: string, message?: string) =>
  ghError(422, "Validation Failed", { errors: [{ resource, field, code, ...(message ? { message } : {}) }] });
