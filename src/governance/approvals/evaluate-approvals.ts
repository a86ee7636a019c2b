import type { HotfixConfig } from "../../config/schema.js";
import type { CommandSource, PullRequestFacts } from "../facts.js";
import { code, fail, pass, pending, plural, type RuleResult } from "../rule-result.js";
import { matchingPaths } from "../rules/forbidden-paths.js";
import { emptyAccess, type PersonAccess } from "./access.js";
import { parseCommands, type Command } from "./commands.js";
import { eligibility, eligibilityWithoutAccess, type Authority, type ChangeMakers, type EligibilityRefusal } from "./eligibility.js";
import { approverPolicy, canAnyoneApprove, describeApprovers, rulePolicy, sameLogin, type ApproverPolicy } from "./policy.js";

export const APPROVALS_ID = "approvals";
export const APPROVALS_TITLE = "Emergency approvals";

export type RefusalReason = EligibilityRefusal | "dismissed" | "edited" | "stale";

/** One requirement approvals are counted for: the global one, then each path rule. */
export interface Requirement {
  id: string;
  title: string;
  required: number;
  policy: ApproverPolicy;
  /** Path rules: the changed files they match. */
  paths?: string[];
  matched?: string[];
  /** Does the requirement apply to this PR (always for the global one)? */
  applies: boolean;
}

/** What the app decided about one command line. */
export interface CommandDecision {
  source: CommandSource;
  command: Command;
  /** The command's author; null for a deleted account. */
  login: string | null;
  outcome: "accepted" | "refused";
  reason: RefusalReason | null;
  /** Why, in words a user acts on (used by the reply and the check). */
  explanation: string;
  /** Accepted approvals: the requirement ids the approver is authorized for, and how. */
  grants: string[];
  via: string | null;
}

/** An approval that counts now: the latest accepted approval of its author. */
export interface Approval {
  login: string;
  at: string;
  /** The commit it was given on: the review's commit, or the head it was given after. */
  commitSha: string | null;
  source: CommandSource;
  reason: string | null;
  via: string;
  grants: string[];
}

export interface ApprovalsEvaluation {
  requirements: Requirement[];
  decisions: CommandDecision[];
  approvals: Approval[];
  /** Rows of the `Hotfix governance` check: the global requirement, then each path rule. */
  results: RuleResult[];
}

/** The PR's makers as GitHub records them (see `eligibility.ts`). */
export const changeMakers = (facts: Pick<PullRequestFacts, "author" | "commits">): ChangeMakers => ({
  author: facts.author?.login ?? null,
  committers: [
    ...new Set(facts.commits.flatMap((commit) => [...commit.authorLogins, ...(commit.committerLogin ? [commit.committerLogin] : [])])),
  ],
  pushers: [],
});

/** The requirements a person may be authorized for, as the eligibility decision reads them. */
export const authoritiesOf = (requirements: Requirement[]): Authority[] =>
  requirements.filter((requirement) => requirement.applies).map(({ id, policy, paths }) => ({ id, policy, paths }));

/** The requirements of this PR: the global approvals, then each path rule (in config order). */
export const requirementsOf = (facts: Pick<PullRequestFacts, "owner" | "files" | "filesComplete">, config: HotfixConfig): Requirement[] => [
  {
    id: APPROVALS_ID,
    title: APPROVALS_TITLE,
    required: config.approvals.required,
    policy: approverPolicy(config, facts.owner),
    applies: true,
  },
  ...config.approvals.rules.map((rule, index) => {
    const matched = matchingPaths(facts.files, rule.paths);
    return {
      id: `${APPROVALS_ID}:rule:${index + 1}`,
      title: `Approvals for ${rule.paths.map(code).join(", ")}`,
      required: rule.required,
      policy: rulePolicy(rule, config, facts.owner),
      paths: rule.paths,
      matched,
      // GitHub lists at most 3000 files: an unlisted file may match, so the rule applies (fail closed).
      applies: matched.length > 0 || !facts.filesComplete,
    };
  }),
];

interface Entry {
  source: CommandSource;
  command: Command;
}

const KIND_ORDER: Record<CommandSource["kind"], number> = { comment: 0, review: 1, review_comment: 2 };

/** Every command the PR holds, oldest first. The app's own comments are never read as commands. */
export const commandEntries = (facts: Pick<PullRequestFacts, "comments" | "reviews" | "reviewComments">): Entry[] =>
  [...facts.comments, ...facts.reviews.filter((review) => review.state !== "PENDING"), ...facts.reviewComments]
    .filter((source) => !source.viewerDidAuthor)
    .flatMap((source) => parseCommands(source.body).map((command) => ({ source, command })))
    .sort(
      (a, b) =>
        Date.parse(a.source.createdAt) - Date.parse(b.source.createdAt) ||
        KIND_ORDER[a.source.kind] - KIND_ORDER[b.source.kind] ||
        a.source.id - b.source.id ||
        a.command.line - b.command.line,
    );

/**
 * Who needs authorization look-ups: the authors of approval commands that authorization can
 * still decide. Bots, deleted accounts and (without `allow_author`) the change's makers are
 * refused without asking GitHub anything. Each comes with the policies that could grant them.
 */
export const peopleToLookUp = (facts: PullRequestFacts, config: HotfixConfig): Array<{ login: string; policies: ApproverPolicy[] }> => {
  const makers = changeMakers(facts);
  const authorities = authoritiesOf(requirementsOf(facts, config));
  const logins: string[] = [];
  for (const { source, command } of commandEntries(facts)) {
    if (command.kind !== "approve") continue;
    const early = eligibilityWithoutAccess({ actor: source.author, order: "approve", makers, allowAuthor: config.approvals.allow_author, authorities });
    if (early || !source.author) continue;
    const login = source.author.login;
    if (!logins.some((known) => sameLogin(known, login))) logins.push(login);
  }
  return logins.map((login) => ({ login, policies: authorities.map((authority) => authority.policy) }));
};

const short = (sha: string | null): string => (sha ? sha.slice(0, 7) : "unknown");

/** `2024-05-01 12:00:00 UTC` */
export const formatUtc = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
};

/** When the app first saw the head commit: the earliest start of its own check runs on it. */
export const headFirstSeenAt = (facts: Pick<PullRequestFacts, "ownCheckRuns">): string | null => {
  const times = facts.ownCheckRuns
    .map((run) => run.startedAt)
    .filter((time): time is string => Boolean(time) && !Number.isNaN(Date.parse(time!)));
  if (times.length === 0) return null;
  return times.reduce((earliest, time) => (Date.parse(time) < Date.parse(earliest) ? time : earliest));
};

interface Context {
  facts: PullRequestFacts;
  config: HotfixConfig;
  requirements: Requirement[];
  makers: ChangeMakers;
  access: ReadonlyMap<string, PersonAccess>;
  /** The push time approvals must follow: when the app first saw the head, or "now" when it has no record. */
  pushTime: string;
}

const decide = (ctx: Context, { source, command }: Entry): CommandDecision => {
  const base = { source, command, login: source.author?.login ?? null, grants: [] as string[], via: null };
  const refuse = (reason: RefusalReason, explanation: string): CommandDecision => ({ ...base, outcome: "refused", reason, explanation });
  if (command.kind === "revoke") {
    // Anyone but a bot or a deleted account may withdraw their own approval.
    const early = eligibilityWithoutAccess({ actor: source.author, order: "approve", makers: { author: null, committers: [], pushers: [] }, allowAuthor: true, authorities: [] });
    if (early && !early.allowed) return refuse(early.reason, early.reason === "bot" ? "bot accounts never approve an emergency change" : early.why);
    return { ...base, outcome: "accepted", reason: null, explanation: `\`${source.author!.login}\` withdrew their approval` };
  }

  const { config, facts } = ctx;
  const decision = eligibility({
    actor: source.author,
    order: "approve",
    makers: ctx.makers,
    allowAuthor: config.approvals.allow_author,
    authorities: authoritiesOf(ctx.requirements),
    access: (source.author && ctx.access.get(source.author.login.toLowerCase())) || emptyAccess(),
  });
  if (!decision.allowed) return refuse(decision.reason, decision.reason === "bot" ? "bot accounts never approve an emergency change" : decision.why);
  const { grants, via } = decision;
  const login = source.author!.login;
  if (source.kind === "review" && source.state === "DISMISSED") return refuse("dismissed", "the review was dismissed");
  if (source.lastEditedAt) {
    return refuse("edited", "it was edited after it was posted, and an edited comment never grants an approval (an admin can edit anyone's comment): post the command in a new comment");
  }
  if (config.approvals.dismiss_on_push) {
    const head = short(facts.headSha);
    if (source.kind === "review" && source.commitSha !== facts.headSha) {
      return refuse("stale", `the review was made on \`${short(source.commitSha)}\`, not on the head commit \`${head}\`: approve again on the new commit`);
    }
    // One wording whether the push time is on record or assumed to be now (no record: fail closed),
    // so the check's text does not change once the record exists.
    if (source.kind !== "review" && !(Date.parse(source.createdAt) > Date.parse(ctx.pushTime))) {
      return refuse("stale", `it is not newer than the head commit \`${head}\` (as the app first saw it): approve again on this commit`);
    }
  }
  return { ...base, grants, via, outcome: "accepted", reason: null, explanation: `approved by \`${login}\` (${via})` };
};

const SHOWN = 30;

const approvalLine = (approval: Approval): string =>
  `- \`${approval.login}\` at ${formatUtc(approval.at)} on \`${short(approval.commitSha)}\` (${approval.source.kind.replace("_", " ")}; ${approval.via})` +
  (approval.reason ? `: ${code(approval.reason.slice(0, 200))}` : "");

const decisionLine = (decision: CommandDecision): string =>
  `- \`${decision.login ?? "ghost"}\` at ${formatUtc(decision.source.createdAt)} (${decision.source.kind.replace("_", " ")}) ${code(decision.command.text.slice(0, 100))}: ${decision.explanation}`;

const capped = (lines: string[]): string[] =>
  lines.length > SHOWN ? [...lines.slice(0, SHOWN), `- … and ${lines.length - SHOWN} more`] : lines;

const requirementResult = (requirement: Requirement, approvals: Approval[], extra: string[]): RuleResult => {
  const { id, title, required, policy } = requirement;
  const counted = approvals.filter((approval) => approval.grants.includes(id));
  const names = counted.map((approval) => `\`${approval.login}\``).join(", ");
  const details = [
    ...(requirement.matched && requirement.matched.length > 0
      ? [`Changed files matching: ${requirement.matched.slice(0, 10).map(code).join(", ")}${requirement.matched.length > 10 ? ", …" : ""}`]
      : []),
    ...(counted.length > 0 ? ["Counted:", ...capped(counted.map(approvalLine))] : []),
    ...(policy.ignoredTeams.length > 0
      ? [`Ignored (teams of another organisation are never trusted): ${policy.ignoredTeams.map(code).join(", ")}`]
      : []),
    ...extra,
  ].join("\n");
  const withDetails = details || undefined;
  if (!requirement.applies) return pass(id, title, "No changed file matches these paths.", withDetails);
  if (required === 0) return pass(id, title, "No approvals are required (`approvals.required` is 0).", withDetails);
  if (!canAnyoneApprove(policy)) {
    return fail(id, title, "No one can approve: configure `users`, `teams` or `min_permission` (teams of other organisations are not trusted).", withDetails);
  }
  if (counted.length >= required) return pass(id, title, `Approved by ${names} (${counted.length} of ${required} required).`, withDetails);
  const missing = required - counted.length;
  return pending(
    id,
    title,
    `${counted.length} of ${required} required: needs ${plural(missing, "more approval")} from ${describeApprovers(policy)}.`,
    withDetails,
  );
};

/**
 * The approvals of a PR, recomputed from what GitHub holds now:
 * 1. every command in the conversation, review bodies and review comments, oldest first;
 * 2. each decided: bots, deleted accounts, the author and committers (unless `allow_author`),
 *    people no requirement authorizes, dismissed reviews, edited comments and (with
 *    `dismiss_on_push`) approvals older than the head commit are refused, with the reason;
 * 3. the latest accepted command of a person wins (`/revoke-emergency` withdraws), and a
 *    person counts once per requirement;
 * 4. one row for the global requirement and one per path rule.
 * `access` holds the look-ups of `peopleToLookUp`; `now` stands in for an unknown push time.
 */
export const evaluateApprovals = (input: {
  facts: PullRequestFacts;
  config: HotfixConfig;
  access: ReadonlyMap<string, PersonAccess>;
  now: Date;
}): ApprovalsEvaluation => {
  const { facts, config } = input;
  const requirements = requirementsOf(facts, config);
  const seenAt = headFirstSeenAt(facts);
  const ctx: Context = {
    ...input,
    requirements,
    makers: changeMakers(facts),
    pushTime: seenAt ?? input.now.toISOString(),
  };
  const decisions = commandEntries(facts).map((entry) => decide(ctx, entry));

  // The latest accepted command of a person decides; approving again keeps the standing approval (and its time).
  const standing = new Map<string, CommandDecision | null>();
  for (const decision of decisions) {
    if (decision.outcome !== "accepted" || !decision.login) continue;
    const key = decision.login.toLowerCase();
    if (decision.command.kind === "revoke") standing.set(key, null);
    else if (!standing.get(key)) standing.set(key, decision);
  }
  const approvals: Approval[] = [...standing.values()]
    .filter((decision): decision is CommandDecision => decision !== null)
    .map((decision) => ({
      login: decision.login!,
      at: decision.source.createdAt,
      commitSha: decision.source.commitSha ?? (config.approvals.dismiss_on_push ? facts.headSha : null),
      source: decision.source,
      reason: decision.command.reason,
      via: decision.via!,
      grants: decision.grants,
    }));

  const refused = decisions.filter((decision) => decision.outcome === "refused");
  const revoked = decisions.filter(
    (decision) => decision.outcome === "accepted" && decision.command.kind === "revoke" && !approvals.some((approval) => sameLogin(approval.login, decision.login!)),
  );
  const globalExtra = [
    ...(refused.length > 0 ? ["Not counted:", ...capped(refused.map(decisionLine))] : []),
    ...(revoked.length > 0 ? ["Withdrawn:", ...capped(revoked.map(decisionLine))] : []),
    ...(config.approvals.dismiss_on_push ? [`Approvals count only when given after the head commit \`${short(facts.headSha)}\` was pushed.`] : []),
  ];
  const results = requirements.map((requirement) => requirementResult(requirement, approvals, requirement.id === APPROVALS_ID ? globalExtra : []));
  return { requirements, decisions, approvals, results };
};
