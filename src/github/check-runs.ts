import type { ProbotOctokit } from "probot";
import { CHECK_NAME, type CheckOutput } from "../governance/check-output.js";
import type { OwnCheckRun } from "../governance/facts.js";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

const body = (output: CheckOutput, now: Date) => ({
  status: output.status,
  ...(output.status === "completed" ? { conclusion: output.conclusion!, completed_at: now.toISOString() } : {}),
  output: { title: output.title, summary: output.summary, ...(output.text ? { text: output.text } : { text: "" }) },
});

/** POST /repos/{owner}/{repo}/check-runs */
export const createCheckRun = async (octokit: Octokit, repo: RepoRef, headSha: string, output: CheckOutput, now: Date): Promise<number> => {
  const { data } = await octokit.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    started_at: now.toISOString(),
    ...body(output, now),
  });
  return data.id;
};

/** PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}: only meaningful while the run is in progress. */
export const updateCheckRun = async (octokit: Octokit, repo: RepoRef, checkRunId: number, output: CheckOutput, now: Date): Promise<void> => {
  await octokit.rest.checks.update({ ...repo, check_run_id: checkRunId, ...body(output, now) });
};

/** Completes an older pending run so it is never left spinning behind a newer one. */
export const supersedeCheckRun = async (octokit: Octokit, repo: RepoRef, checkRunId: number, now: Date): Promise<void> => {
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: "completed",
    conclusion: "neutral",
    completed_at: now.toISOString(),
    output: { title: "Superseded", summary: "A newer evaluation of this commit replaced this one." },
  });
};

/** GET /repos/{owner}/{repo}/commits/{ref}/check-runs: the fallback when the facts query failed. */
export const listOwnCheckRuns = async (octokit: Octokit, repo: RepoRef, headSha: string, appId: number | null): Promise<OwnCheckRun[]> => {
  const { data } = await octokit.rest.checks.listForRef({
    ...repo,
    ref: headSha,
    check_name: CHECK_NAME,
    filter: "all",
    per_page: 100,
    ...(appId != null ? { app_id: appId } : {}),
  });
  return data.check_runs.map((run) => ({
    id: run.id,
    status: run.status,
    conclusion: run.conclusion ?? null,
    startedAt: run.started_at ?? null,
    title: run.output?.title ?? null,
    summary: run.output?.summary ?? null,
    text: run.output?.text ?? null,
  }));
};
