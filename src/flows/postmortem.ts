import type { HotfixConfig } from "../config/schema.js";
import type { BackportOutcome } from "../backport/outcome.js";
import type { MergedPullRequest } from "./after-merge.js";
import type { Delivery } from "./delivery.js";

/** Opens the postmortem issue of a merged hotfix (SPEC §6). Not built yet: issue #5. */
export const ensurePostmortem = async (_delivery: Delivery, _pr: MergedPullRequest, _config: HotfixConfig, _backports: BackportOutcome[]): Promise<void> => {};
