import type { HotfixConfig } from "../config/schema.js";
import type { PullRequestFacts } from "../governance/facts.js";
import { pending, type RuleResult } from "../governance/rule-result.js";
import type { Delivery } from "./delivery.js";

/**
 * The approvals rows of the check. Seam for emergency approvals: until they are evaluated the
 * row stays pending, so the check can never succeed without them.
 */
export const approvalResults = async (_delivery: Delivery, _facts: PullRequestFacts, _config: HotfixConfig): Promise<RuleResult[]> => [
  pending("approvals", "Emergency approvals", "Not yet evaluated."),
];
