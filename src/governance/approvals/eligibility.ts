import { grantOf, type PersonAccess } from "./access.js";
import { describeApprovers, sameLogin, type ApproverPolicy } from "./policy.js";

/**
 * "Who may do this?" — answered here and nowhere else. Approving, ordering a backport, a
 * fast-track merge or a revert, and being asked for a review all follow the same rules:
 * 1. a deleted account or a bot never may;
 * 2. the change's makers — the PR's author, the authors, co-authors and committers of its
 *    commits, and whoever pushed commits to it — may not unless `allow_author` (git metadata can
 *    be written by anyone, a push cannot; GitHub's "most recent reviewable push" rule is the same
 *    logic), except that the author may order the fast-track merge of their own cleared hotfix;
 * 3. then the configured users, teams and repository role, as GitHub says now.
 */

/** What a person asks to do. */
export type Order = "approve" | "backport" | "merge" | "revert" | "review";

/** People who made the change: never approvers unless `allow_author`. */
export interface ChangeMakers {
  author: string | null;
  /** Authors, co-authors and committers of the PR's commits (git metadata). */
  committers: string[];
  /** Who pushed commits to the PR, as GitHub records pushes. */
  pushers: string[];
  /**
   * Why `pushers` may be incomplete (a fork whose pushes the app cannot read, a history GitHub
   * cut); null or absent when GitHub listed every push. Then no one outside the known makers may
   * act (fail closed), except being asked for a review.
   */
  pushersUnknown?: string | null;
}

export interface Actor {
  login: string;
  isBot: boolean;
}

/** A requirement someone may be authorized for: the global approvals, or one path rule. */
export interface Authority {
  id: string;
  policy: ApproverPolicy;
  /** How a refusal names a path rule: its paths. */
  paths?: string[];
}

export type EligibilityRefusal = "bot" | "unknown_author" | "author" | "committer" | "pusher" | "not_authorized";

export type Eligibility =
  | { allowed: true; via: string; grants: string[] }
  | { allowed: false; reason: EligibilityRefusal; why: string };

export interface EligibilityInput {
  actor: Actor | null;
  order: Order;
  makers: ChangeMakers;
  allowAuthor: boolean;
  /** The first is the global requirement, whose approvers the refusal names. */
  authorities: Authority[];
}

export const isBotAccount = (actor: Actor): boolean => actor.isBot || /\[bot\]$/i.test(actor.login);

/** The order, as a refusal words it: "cannot <verb> it", "is not allowed to <verb>". */
const VERB: Record<Order, string> = {
  approve: "approve",
  backport: "order a backport of",
  merge: "order the fast-track merge of",
  revert: "order a revert of",
  review: "be asked to review",
};

export const makerRole = (login: string, makers: ChangeMakers): "author" | "committer" | "pusher" | null => {
  if (makers.author && sameLogin(makers.author, login)) return "author";
  if (makers.committers.some((committer) => sameLogin(committer, login))) return "committer";
  if (makers.pushers.some((pusher) => sameLogin(pusher, login))) return "pusher";
  return null;
};

/**
 * The part of the decision that needs nothing from GitHub: a refusal (bot, deleted account, a
 * maker), the author's own merge order, or null when the person's access must be looked up.
 */
export const eligibilityWithoutAccess = (input: EligibilityInput): Eligibility | null => {
  const { actor, order, makers, allowAuthor } = input;
  if (!actor) return { allowed: false, reason: "unknown_author", why: "the account that wrote it no longer exists" };
  if (isBotAccount(actor)) return { allowed: false, reason: "bot", why: "bot accounts never act as emergency approvers" };
  const role = makerRole(actor.login, makers);
  if (order === "merge" && role === "author") return { allowed: true, via: "author of the pull request", grants: [] };
  if (allowAuthor) return null;
  if (role === null) {
    if (!makers.pushersUnknown || order === "review") return null;
    return {
      allowed: false,
      reason: "pusher",
      why: `who pushed to this pull request cannot be verified (${makers.pushersUnknown}), and whoever pushed to it cannot ${VERB[order]} it, so no one can until GitHub shows the pushes (\`approvals.allow_author\` is false)`,
    };
  }
  const off = "(`approvals.allow_author` is false)";
  if (role === "author") return { allowed: false, reason: "author", why: `the author of a pull request cannot ${VERB[order]} it ${off}` };
  if (role === "committer") {
    return {
      allowed: false,
      reason: "committer",
      why: `\`${actor.login}\` committed to this pull request, and committers cannot ${VERB[order]} it ${off}`,
    };
  }
  return {
    allowed: false,
    reason: "pusher",
    why: `\`${actor.login}\` pushed commits to this pull request, and whoever pushed to it cannot ${VERB[order]} it ${off}`,
  };
};

/** Who can approve, in words: the global approvers, then each path rule's. */
const whoCanApprove = (authorities: Authority[]): string => {
  const [global, ...rules] = authorities;
  const ruleText = rules.map((rule) => ` For ${(rule.paths ?? [rule.id]).map((path) => `\`${path}\``).join(", ")}: ${describeApprovers(rule.policy)}.`).join("");
  return `Only ${global ? describeApprovers(global.policy) : "no one"} can approve this emergency change.${ruleText}`;
};

/**
 * The whole decision. `access` is what the gateway learnt about the person: only what could
 * change the answer (see `nextLookup`). `grants` lists the authorities that let them approve.
 */
export const eligibility = (input: EligibilityInput & { access: PersonAccess }): Eligibility => {
  const early = eligibilityWithoutAccess(input);
  if (early) return early;
  const login = input.actor!.login;
  const grants: string[] = [];
  let via: string | null = null;
  const notes: string[] = [];
  for (const authority of input.authorities) {
    const grant = grantOf(login, authority.policy, input.access);
    if (grant.granted) {
      grants.push(authority.id);
      via ??= grant.via;
    } else if (grant.detail && !notes.includes(grant.detail)) notes.push(grant.detail);
  }
  if (via !== null) return { allowed: true, via, grants };
  const detail = notes.length > 0 ? ` (${notes.join("; ")})` : "";
  const who = whoCanApprove(input.authorities);
  const why =
    input.order === "approve"
      ? `\`${login}\` is not allowed to approve${detail}. ${who}`
      : `only people who may approve emergency changes can ${VERB[input.order].replace(/ of$/, "")}, and \`${login}\` is not allowed to approve${detail}. ${who}`;
  return { allowed: false, reason: "not_authorized", why };
};
