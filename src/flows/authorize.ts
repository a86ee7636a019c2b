import type { HotfixConfig } from "../config/schema.js";
import { emptyAccess } from "../governance/approvals/access.js";
import { eligibility, eligibilityWithoutAccess, type Actor, type Eligibility, type Order } from "../governance/approvals/eligibility.js";
import { APPROVALS_ID, changeMakers } from "../governance/approvals/evaluate-approvals.js";
import { approverPolicy } from "../governance/approvals/policy.js";
import type { PullRequestFacts } from "../governance/facts.js";
import type { GitHub } from "../github/gateway.js";
import { readThroughLag } from "../github/read-through-lag.js";
import { coordinationCache } from "../platform/runtime.js";
import { withPushes } from "./approvals.js";
import type { Delivery } from "./delivery.js";

/** What an order's authorization asks GitHub: the PR's facts, its pushes, the actor's access. */
export type AuthorizeGitHub = Pick<GitHub, "fetchPullRequestFacts" | "readPushHistory" | "gatherAccess">;

/**
 * The facts of the PR a command names, read once for its authorization and its work; read again
 * for a few seconds while GitHub does not show the PR yet (replication lag). Null: not there.
 */
export const readOrderedPullRequest = (delivery: Delivery<Pick<GitHub, "fetchPullRequestFacts">>, number: number): Promise<PullRequestFacts | null> =>
  readThroughLag(() => delivery.github.fetchPullRequestFacts(delivery.repo, number, delivery.appId), { delaysMs: delivery.readRetryDelaysMs });

/**
 * May `actor` give `order` on PR `number`? The PR's makers come from its facts (author, commit
 * authors, co-authors, committers, pushers), the person's access from GitHub through the shared
 * 60 s cache, and the answer from the one eligibility decision the approvals use too.
 * A PR that cannot be read answers "not allowed" (fail closed); GitHub errors throw.
 */
export const authorizeOrder = async (
  delivery: Delivery<AuthorizeGitHub>,
  /** `facts`: the PR's facts this delivery already read (the fast track's verdict), so they are not read twice. */
  request: { number: number; actor: Actor; order: Order; config: HotfixConfig; facts?: PullRequestFacts },
): Promise<Eligibility> => {
  const read = request.facts ?? (await delivery.github.fetchPullRequestFacts(delivery.repo, request.number, delivery.appId));
  if (!read) return { allowed: false, reason: "not_authorized", why: `#${request.number} could not be read` };
  // Whoever pushed to the PR is a maker: GitHub's push records are read for every order (once: facts that carry them are reused).
  const facts = await withPushes(delivery, read);
  const input = {
    actor: request.actor,
    order: request.order,
    makers: changeMakers(facts),
    allowAuthor: request.config.approvals.allow_author,
    authorities: [{ id: APPROVALS_ID, policy: approverPolicy(request.config, delivery.repo.owner) }],
  };
  const early = eligibilityWithoutAccess(input);
  if (early) return early;
  const access = await delivery.github.gatherAccess(delivery.repo, coordinationCache(delivery.coordination), [{ login: request.actor.login, policies: input.authorities.map((authority) => authority.policy) }]);
  return eligibility({ ...input, access: access.get(request.actor.login.toLowerCase()) ?? emptyAccess() });
};
