import type { ProbotOctokit } from "probot";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export type RepositoryFile = { ok: true; text: string } | { ok: false; problem: string };

/**
 * A text file of the default branch (GET /repos/{owner}/{repo}/contents/{path}). A missing file,
 * a directory or a file too large for the contents API is a problem to report, not an error.
 */
export const readRepositoryFile = async (octokit: Octokit, repo: RepoRef, path: string): Promise<RepositoryFile> => {
  try {
    const { data } = await octokit.rest.repos.getContent({ ...repo, path: path.replace(/^\/+/, "") });
    if (Array.isArray(data)) return { ok: false, problem: `\`${path}\` is a directory, not a file` };
    if (data.type !== "file") return { ok: false, problem: `\`${path}\` is a ${data.type}, not a file` };
    if (data.encoding !== "base64" || typeof data.content !== "string") return { ok: false, problem: `\`${path}\` is too large to read` };
    return { ok: true, text: Buffer.from(data.content, "base64").toString("utf8") };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { ok: false, problem: `\`${path}\` does not exist on the default branch` };
    throw error;
  }
};

// ---- reminders -------------------------------------------------------------------------------
