import type { Probot } from "probot";
import { checkMergeGroup } from "../flows/merge-group.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

export const registerMergeGroupHandler = (app: Probot, runtime: Runtime): void => {
  on(app, runtime, "merge_group.checks_requested", async (delivery, context) => {
    await checkMergeGroup(delivery, context.payload.merge_group);
  });
};
