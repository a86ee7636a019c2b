import type { HotfixConfig } from "../config/schema.js";
import type { BackportOutcome } from "../backport/outcome.js";
import type { MergedPullRequest } from "./after-merge.js";
import type { Delivery } from "./delivery.js";

/** Ports a merged hotfix to its target branches (SPEC §5). Not built yet: issue #4. */
export const portMergedPullRequest = async (_delivery: Delivery, _pr: MergedPullRequest, _config: HotfixConfig): Promise<BackportOutcome[]> => [];
