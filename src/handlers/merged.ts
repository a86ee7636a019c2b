import type { Probot } from "probot";
import { mergedPullRequestFrom, type PullRequestObject } from "../backport/merged-pull-request.js";
import { afterMerge } from "../flows/after-merge.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

export const registerMergeHandler = (app: Probot, runtime: Runtime): void => {
  on(app, runtime, "pull_request.closed", async (delivery, context) => {
    const pr = context.payload.pull_request;
    if (!pr.merged || !pr.merge_commit_sha || !pr.merged_at) return; // closed without merging: no follow-up
    const merged = mergedPullRequestFrom(pr as PullRequestObject);
    if (merged) await afterMerge(delivery, merged);
  });
};
