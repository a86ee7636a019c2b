import type { ProbotOctokit } from "probot";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export type MergeAnswer = { merged: true; sha: string } | { merged: false; status: number; message: string };

/** GitHub's refusals of a merge: the PR or a rule says no (405), the head moved (409), a bad request (422). */
const REFUSALS = new Set([405, 409, 422]);

/**
 * PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge, naming the head commit that was evaluated
 * (`sha`): a push in between makes GitHub answer 409 instead of merging unreviewed code.
 * Never retried: Octokit's retry plugin retries 405 and 409 by default, and a blind retry of a
 * merge either repeats a refusal or merges what nobody re-evaluated (`request.retries: 0`).
 * GitHub's refusals are answers, returned with its own words; other failures throw.
 */
export const mergePullRequest = async (
  octokit: Octokit,
  repo: RepoRef,
  number: number,
  request: { sha: string; method: "merge" | "squash" | "rebase"; commitMessage?: string },
): Promise<MergeAnswer> => {
  try {
    const { data } = await octokit.rest.pulls.merge({
      ...repo,
      pull_number: number,
      sha: request.sha,
      merge_method: request.method,
      ...(request.commitMessage !== undefined ? { commit_message: request.commitMessage } : {}),
      request: { retries: 0 },
    });
    return { merged: true, sha: data.sha };
  } catch (error) {
    const e = error as { status?: number; message?: string; response?: { data?: { message?: string } } };
    if (!e?.status || !REFUSALS.has(e.status)) throw error;
    return { merged: false, status: e.status, message: e.response?.data?.message ?? e.message ?? "" };
  }
};
