import type { ProbotOctokit } from "probot";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface ReviewRequestResult {
  requested: string[];
  /** Who GitHub would not ask (422: not a collaborator, a team without access ...), and why. */
  refused: Array<{ reviewer: string; message: string }>;
}

const isUnprocessable = (error: unknown): boolean => (error as { status?: number })?.status === 422;
const messageOf = (error: unknown): string => String((error as { message?: string })?.message ?? error).split("\n")[0].slice(0, 200);

/**
 * POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers, all at once. GitHub
 * answers 422 for the whole request when one user or team cannot be asked (a team without
 * access to the repository, a user who is not a collaborator), so on 422 each is asked on its
 * own and the ones GitHub refuses are reported, not thrown.
 */
export const requestReviewers = async (
  octokit: Octokit,
  repo: RepoRef,
  number: number,
  users: string[],
  teams: string[],
): Promise<ReviewRequestResult> => {
  if (users.length === 0 && teams.length === 0) return { requested: [], refused: [] };
  const ask = (reviewers: string[], team_reviewers: string[]) =>
    octokit.rest.pulls.requestReviewers({
      ...repo,
      pull_number: number,
      ...(reviewers.length > 0 ? { reviewers } : {}),
      ...(team_reviewers.length > 0 ? { team_reviewers } : {}),
    });
  try {
    await ask(users, teams);
    return { requested: [...users, ...teams.map((slug) => `@${repo.owner}/${slug}`)], refused: [] };
  } catch (error) {
    if (!isUnprocessable(error) || users.length + teams.length === 1) {
      if (isUnprocessable(error)) return { requested: [], refused: [{ reviewer: users[0] ?? `@${repo.owner}/${teams[0]}`, message: messageOf(error) }] };
      throw error;
    }
  }
  const result: ReviewRequestResult = { requested: [], refused: [] };
  const one = async (reviewer: string, request: () => Promise<unknown>) => {
    try {
      await request();
      result.requested.push(reviewer);
    } catch (error) {
      if (!isUnprocessable(error)) throw error;
      result.refused.push({ reviewer, message: messageOf(error) });
    }
  };
  for (const login of users) await one(login, () => ask([login], []));
  for (const slug of teams) await one(`@${repo.owner}/${slug}`, () => ask([], [slug]));
  return result;
};
