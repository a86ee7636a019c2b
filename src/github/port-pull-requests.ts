import type { ProbotOctokit } from "probot";
import { fitBody, fitTitle } from "./limits.js";
import { readThroughLag, type LagOptions } from "./read-through-lag.js";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** The pull requests the port flows open (backports, forward-ports, reverts) and how they are decorated. */

/** GET /repos/{owner}/{repo}/pulls/{pull_number}: what a `/backport` command needs of its PR; read again for a few seconds while it answers 404 (replication lag). */
export const getPullRequest = async (octokit: Octokit, repo: RepoRef, number: number, lag: LagOptions = {}) => {
  const { data } = await readThroughLag(() => octokit.rest.pulls.get({ ...repo, pull_number: number }), lag);
  return data;
};

/** GET /repos/{owner}/{repo}/pulls?head=<owner>:<branch>&state=all: the PR opened from `branch` into `base`. */
export const findPullRequestByHead = async (octokit: Octokit, repo: RepoRef, branch: string, base: string): Promise<{ number: number; url: string } | null> => {
  const { data } = await octokit.rest.pulls.list({ ...repo, head: `${repo.owner}:${branch}`, base, state: "all", per_page: 10 });
  const pull = data.find((candidate) => candidate.head.ref === branch && candidate.base.ref === base);
  return pull ? { number: pull.number, url: pull.html_url } : null;
};

/** POST /repos/{owner}/{repo}/pulls */
export const createPullRequest = async (
  octokit: Octokit,
  repo: RepoRef,
  pull: { title: string; body: string; head: string; base: string },
): Promise<{ number: number; url: string }> => {
  const { data } = await octokit.rest.pulls.create({ ...repo, title: fitTitle(pull.title), body: fitBody(pull.body), head: pull.head, base: pull.base, maintainer_can_modify: true });
  return { number: data.number, url: data.html_url };
};

const isAssigneeRefusal = (error: unknown): boolean => {
  const e = error as { status?: number; response?: { data?: { errors?: Array<{ field?: string }> } } };
  return e.status === 422 && Boolean(e.response?.data?.errors?.some((item) => item.field === "assignees" || item.field === "assignee"));
};

/**
 * PATCH /repos/{owner}/{repo}/issues/{issue_number}: labels and assignees of a new PR in one
 * write. GitHub refuses the whole update (422) when someone cannot be assigned (an author from
 * a fork who is not a collaborator): the labels are then set alone.
 */
export const labelAndAssign = async (octokit: Octokit, repo: RepoRef, number: number, labels: string[], assignees: string[]): Promise<{ assigned: boolean }> => {
  if (labels.length === 0 && assignees.length === 0) return { assigned: true };
  try {
    await octokit.rest.issues.update({ ...repo, issue_number: number, labels, ...(assignees.length > 0 ? { assignees } : {}) });
    return { assigned: true };
  } catch (error) {
    if (!isAssigneeRefusal(error) || labels.length === 0) {
      if (isAssigneeRefusal(error)) return { assigned: false };
      throw error;
    }
    await octokit.rest.issues.update({ ...repo, issue_number: number, labels });
    return { assigned: false };
  }
};

/**
 * POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers. GitHub refuses the whole
 * request (422) when one reviewer cannot be asked; then each is asked alone and the refusals returned.
 */
export const requestBackportReviews = async (octokit: Octokit, repo: RepoRef, number: number, users: string[], teams: string[]): Promise<string[]> => {
  if (users.length === 0 && teams.length === 0) return [];
  try {
    await octokit.rest.pulls.requestReviewers({ ...repo, pull_number: number, reviewers: users, team_reviewers: teams });
    return [];
  } catch (error) {
    if ((error as { status?: number }).status !== 422) throw error;
    if (users.length + teams.length === 1) return [...users, ...teams.map((team) => `@${repo.owner}/${team}`)];
  }
  const refused: string[] = [];
  for (const [reviewers, team_reviewers, name] of [...users.map((user) => [[user], [], user] as const), ...teams.map((team) => [[], [team], `@${repo.owner}/${team}`] as const)]) {
    try {
      await octokit.rest.pulls.requestReviewers({ ...repo, pull_number: number, reviewers: [...reviewers], team_reviewers: [...team_reviewers] });
    } catch (error) {
      if ((error as { status?: number }).status !== 422) throw error;
      refused.push(name);
    }
  }
  return refused;
};


/** POST /repos/{owner}/{repo}/issues/{issue_number}/labels: adds labels, keeps those already there (GitHub creates missing ones). */
export const addLabels = async (octokit: Octokit, repo: RepoRef, number: number, labels: string[]): Promise<void> => {
  if (labels.length === 0) return;
  await octokit.rest.issues.addLabels({ ...repo, issue_number: number, labels });
};
