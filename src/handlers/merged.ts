import type { Probot } from "probot";
import { afterMerge } from "../flows/after-merge.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

export const registerMergeHandler = (app: Probot, runtime: Runtime): void => {
  on(app, runtime, "pull_request.closed", async (delivery, context) => {
    const pr = context.payload.pull_request;
    if (!pr.merged || !pr.merge_commit_sha || !pr.merged_at) return; // closed without merging: no follow-up
    await afterMerge(delivery, {
      number: pr.number,
      title: pr.title,
      body: pr.body,
      url: pr.html_url,
      labels: pr.labels.map((label) => label.name),
      author: pr.user.login,
      authorIsBot: pr.user.type === "Bot",
      baseRef: pr.base.ref,
      headRef: pr.head.ref,
      headSha: pr.head.sha,
      mergeCommitSha: pr.merge_commit_sha,
      mergedAt: pr.merged_at,
      mergedBy: pr.merged_by?.login ?? null,
      createdAt: pr.created_at,
      fromFork: (pr.head.repo?.full_name ?? "") !== context.payload.repository.full_name,
    });
  });
};
