import type { Probot } from "probot";
import { afterMerge } from "../flows/after-merge.js";
import { deliveryFrom } from "../flows/delivery.js";

export const registerMergeHandler = (app: Probot): void => {
  app.on("pull_request.closed", async (context) => {
    const pr = context.payload.pull_request;
    if (!pr.merged || !pr.merge_commit_sha || !pr.merged_at) return; // closed without merging: no follow-up
    await afterMerge(deliveryFrom(context), {
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
