import type { HotfixConfig } from "../../config/schema.js";
import type { CommandSource, PullRequestFacts, PushRecord } from "../facts.js";
import { code, fail, pass, pending, plural, type RuleResult } from "../rule-result.js";
import { matchingPaths } from "../rules/forbidden-paths.js";
import { emptyAccess, type PersonAccess } from "./access.js";
import { parseCommands, type Command } from "./commands.js";
import { eligibility, eligibilityWithoutAccess, type Authority, type ChangeMakers, type EligibilityRefusal } from "./eligibility.js";
import { approverPolicy, canAnyoneApprove, describeApprovers, rulePolicy, sameLogin, type ApproverPolicy } from "./policy.js";

export const APPROVALS_ID = "approvals";
export const APPROVALS_TITLE = "Emergency approvals";

/**
 * Why a command does not count. The eligibility refusals, then what withdrew an approval that
 * was valid when given: a push (stale), a base change, a dismissal, a revocation (also one whose
 * comment is gone), its age (`expire_after_hours`), an edit, a review that requests changes.
 */
export type RefusalReason =
  | EligibilityRefusal
  | "dismissed"
  | "edited"
  | "stale"
  | "changes_requested"
  | "base_changed"
  | "revoked"
  | "expired";

/** How the check's table names a reason. */
export const REASON_LABEL: Record<RefusalReason, string> = {
  bot: "bot",
  unknown_author: "deleted account",
  author: "author",
  committer: "committer",
  pusher: "pusher",
  not_authorized: "not authorized",
  dismissed: "dismissed",
  edited: "edited",
  stale: "stale after push",
  changes_requested: "changes requested",
  base_changed: "base changed",
  revoked: "revoked",
  expired: "expired",
};

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
  /** The commit it was given on: the review's, or the head GitHub's pushes say the PR had then; null when unknown. */
  commitSha: string | null;
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
  /** With `expire_after_hours`: when it stops counting. */
  expiresAt: string | null;
}

/** A `/revoke-emergency` still in force: the person has not approved since. */
export interface Revocation {
  login: string;
  at: string;
  /** Read from the app's own earlier check run: the revoking comment itself is gone. */
  recorded: boolean;
  /** A visible command: its place among the PR's commands (a revocation withdraws what came before it). */
  index?: number;
}

export interface ApprovalsEvaluation {
  requirements: Requirement[];
  decisions: CommandDecision[];
  approvals: Approval[];
  revocations: Revocation[];
  /** When the head commit became the PR's head (null: GitHub has no record, "now" was assumed). */
  headPushedAt: string | null;
  /** Rows of the `Hotfix governance` check: the global requirement, then each path rule. */
  results: RuleResult[];
}

const PUSH_TYPES = new Set(["push", "force_push", "branch_creation"]);

/** GitHub's push records, newest first (activity before the timeline's copy of the same push). */
const newestFirst = (records: PushRecord[]): PushRecord[] =>
  [...records].sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.source === b.source ? 0 : a.source === "activity" ? -1 : 1));

/**
 * Who pushed to the PR: every push to its head branch since it was opened, and earlier pushes of
 * its own commits (the branch may predate the PR). Accounts GitHub no longer knows are skipped.
 */
export const pushersOf = (facts: Pick<PullRequestFacts, "pushes" | "createdAt" | "commits">): string[] => {
  const shas = new Set(facts.commits.map((commit) => commit.sha));
  const logins = facts.pushes.records
    .filter((record) => PUSH_TYPES.has(record.type) && record.actor)
    .filter((record) => Date.parse(record.at) >= Date.parse(facts.createdAt) || shas.has(record.after))
    .map((record) => record.actor!);
  return logins.filter((login, index) => logins.findIndex((other) => sameLogin(other, login)) === index);
};

/** Why the pushers to the PR may be incomplete, in words; null when GitHub listed them all. */
export const pushersUnknown = (facts: Pick<PullRequestFacts, "pushes" | "isCrossRepository">): string | null => {
  const { pushes } = facts;
  if (pushes.state === "read") return pushes.complete ? null : "GitHub listed only the newest pushes to its branch";
  if (pushes.state === "not_read") return "the app did not read who pushed to it";
  return facts.isCrossRepository
    ? `its branch is in the fork \`${pushes.repository ?? "deleted"}\`, whose pushes the app cannot read`
    : "GitHub did not let the app read the repository's pushes";
};

/** The PR's makers as GitHub records them (see `eligibility.ts`); pushers need the pushes read (`github/activity.ts`). */
export const changeMakers = (facts: Pick<PullRequestFacts, "author" | "commits" | "pushes" | "createdAt" | "isCrossRepository">): ChangeMakers => ({
  author: facts.author?.login ?? null,
  committers: [
    ...new Set(facts.commits.flatMap((commit) => [...commit.authorLogins, ...(commit.committerLogin ? [commit.committerLogin] : [])])),
  ],
  pushers: pushersOf(facts),
  pushersUnknown: pushersUnknown(facts),
});

export interface HeadPush {
  /** When the head commit most recently became the PR's head; null when GitHub has no record. */
  at: string | null;
  actor: string | null;
  /** Why there is no record (for the check). */
  missing: string | null;
}

/**
 * When the current head commit became the PR's head: the newest of GitHub's records of moves of
 * the head branch, if it moved the branch to that commit. A newer record that points elsewhere
 * (a force-push away, a deletion), or no record at all, means the app cannot tell: null, and the
 * caller assumes "now" (fail closed). Never "when the app first saw the commit": it may have
 * been seen on another PR, or before a force-push away and back.
 */
export const headPushOf = (facts: Pick<PullRequestFacts, "pushes" | "headSha" | "headRef" | "isCrossRepository">): HeadPush => {
  const [newest] = newestFirst(facts.pushes.records);
  if (newest && newest.after === facts.headSha && newest.type !== "branch_deletion") return { at: newest.at, actor: newest.actor, missing: null };
  const head = `\`${short(facts.headSha)}\``;
  if (facts.pushes.state === "read") return { at: null, actor: null, missing: `GitHub's activity does not list a push of ${head} to \`${facts.headRef}\` yet` };
  return { at: null, actor: null, missing: `GitHub shows no push of ${head} the app can read: ${pushersUnknown(facts)}` };
};

/** The head the PR had at `at`, as GitHub's push records tell (null when they do not reach back that far). */
const headAt = (records: PushRecord[], at: string): string | null =>
  newestFirst(records).find((record) => Date.parse(record.at) <= Date.parse(at))?.after ?? null;

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

/** Hidden in the check's text: the revocations in force, so one survives its comment's deletion. */
const REVOKED_MARKER = /<!-- hotfix-governance:revoked:([A-Za-z0-9-]+(?:\[bot\])?):(\d{4}-\d\d-\d\dT[0-9:.]+Z) -->/g;
export const revocationMarker = (revocation: Pick<Revocation, "login" | "at">): string =>
  `<!-- hotfix-governance:revoked:${revocation.login}:${new Date(revocation.at).toISOString()} -->`;

/**
 * The revocations the app's own earlier check runs on this head recorded. GitHub keeps no text of
 * a deleted comment (the timeline's `CommentDeletedEvent` says who deleted whose comment, and
 * when); check runs can be written by their app only, so what the app recorded there is a record
 * no one else can remove.
 */
export const recordedRevocations = (facts: Pick<PullRequestFacts, "ownCheckRuns">): Revocation[] =>
  facts.ownCheckRuns.flatMap((run) => [...(run.text ?? "").matchAll(REVOKED_MARKER)].map((match) => ({ login: match[1], at: match[2], recorded: true })));

/**
 * The approvals as this check judged them, hidden in its text for the postmortem and the report
 * (one record, so neither re-derives a decision): counted approvals with the commit they were
 * given on, and approval commands that stopped counting with the reason. Only the app can write
 * its check runs, so the record cannot be forged; its fields are logins, SHAs, ISO times and
 * reason codes, none of which can close the HTML comment.
 */
export interface ApprovalsRecord {
  head: string;
  counted: Array<{ login: string; commit: string | null; at: string; expires_at: string | null }>;
  not_counted: Array<{ login: string; commit: string | null; at: string; reason: RefusalReason | "revoked" }>;
}
const RECORD_PREFIX = "<!-- hotfix-governance:approvals ";
const RECORD = /<!-- hotfix-governance:approvals (\{[^<>]*\}) -->/;

export const approvalsRecordLine = (record: ApprovalsRecord): string => `${RECORD_PREFIX}${JSON.stringify(record)} -->`;

const SAFE = /^[A-Za-z0-9_.:\-\[\]]*$/;
/** Reads the record back; anything that does not have exactly its shape reads as none. */
export const readApprovalsRecord = (text: string | null | undefined): ApprovalsRecord | null => {
  const match = RECORD.exec(text ?? "");
  if (!match) return null;
  try {
    const record = JSON.parse(match[1]) as ApprovalsRecord;
    const safe = (value: unknown): boolean => value === null || (typeof value === "string" && SAFE.test(value));
    const entries = [...(record.counted ?? []), ...(record.not_counted ?? [])] as unknown as Array<Record<string, unknown>>;
    if (typeof record.head !== "string" || !Array.isArray(record.counted) || !Array.isArray(record.not_counted)) return null;
    if (!entries.every((entry) => Object.values(entry).every(safe) && typeof entry.login === "string" && typeof entry.at === "string")) return null;
    return record;
  } catch {
    return null;
  }
};

interface Context {
  facts: PullRequestFacts;
  config: HotfixConfig;
  requirements: Requirement[];
  makers: ChangeMakers;
  access: ReadonlyMap<string, PersonAccess>;
  now: Date;
  head: HeadPush;
  /** The push time approvals must follow: the head's push record, or "now" when there is none (fail closed). */
  pushTime: string;
  revocations: Revocation[];
}

const after = (a: string, b: string): boolean => Date.parse(a) > Date.parse(b);

const decide = (ctx: Context, { source, command }: Entry, index: number): CommandDecision => {
  const { config, facts } = ctx;
  const given = source.kind === "comment" ? headAt(facts.pushes.records, source.createdAt) : source.commitSha;
  const base = { source, command, login: source.author?.login ?? null, grants: [] as string[], via: null, commitSha: given };
  const refuse = (reason: RefusalReason, explanation: string): CommandDecision => ({ ...base, outcome: "refused", reason, explanation });
  if (command.kind === "revoke") {
    // Anyone but a bot or a deleted account may withdraw their own approval.
    const early = eligibilityWithoutAccess({ actor: source.author, order: "approve", makers: { author: null, committers: [], pushers: [] }, allowAuthor: true, authorities: [] });
    if (early && !early.allowed) return refuse(early.reason, early.reason === "bot" ? "bot accounts never approve an emergency change" : early.why);
    return { ...base, outcome: "accepted", reason: null, explanation: `\`${source.author!.login}\` withdrew their approval` };
  }

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
  const reviewState = source.kind === "review" ? source.state : source.kind === "review_comment" ? source.reviewState : null;
  if (reviewState === "DISMISSED") {
    const reviewId = source.kind === "review" ? source.id : source.reviewId;
    const dismissal = facts.timeline.dismissals.find((item) => item.reviewId !== null && item.reviewId === reviewId);
    const by = dismissal ? ` by \`${dismissal.actor ?? "ghost"}\` at ${formatUtc(dismissal.at)}` : "";
    return refuse(
      "dismissed",
      source.kind === "review" ? `the review was dismissed${by}` : `the review it belongs to was dismissed${by}, which withdraws its diff comments too`,
    );
  }
  if (reviewState === "CHANGES_REQUESTED") {
    return refuse("changes_requested", `${source.kind === "review" ? "the review" : "the review it belongs to"} requests changes, and a review that requests changes never approves`);
  }
  if (source.lastEditedAt) {
    return refuse("edited", "it was edited after it was posted, and an edited comment never grants an approval (an admin can edit anyone's comment): post the command in a new comment");
  }
  // GitHub dismisses approving reviews when the base changes: approvals given before the newest change are withdrawn.
  const baseChange = [...facts.timeline.baseChanges].reverse().find((change) => !after(source.createdAt, change.at));
  if (baseChange) {
    return refuse("base_changed", `the base branch was changed from \`${baseChange.from}\` to \`${baseChange.to}\` at ${formatUtc(baseChange.at)}, after it was given: approve again`);
  }
  const revoked = ctx.revocations.find(
    (revocation) => sameLogin(revocation.login, login) && (revocation.index !== undefined ? index < revocation.index : !after(source.createdAt, revocation.at)),
  );
  if (revoked) {
    return refuse("revoked", `\`${login}\` revoked their approval at ${formatUtc(revoked.at)}${revoked.recorded ? " (the app recorded it; the revoking comment is gone)" : ""}: approve again`);
  }
  // GitHub keeps no text of a deleted comment: it may have been a revocation, so what its author approved before it is withdrawn.
  const deletion = [...facts.timeline.deletions].reverse().find((item) => item.author && sameLogin(item.author, login) && !after(source.createdAt, item.at));
  if (deletion) {
    return refuse(
      "revoked",
      `a comment by \`${login}\` was deleted at ${formatUtc(deletion.at)}${deletion.actor ? ` by \`${deletion.actor}\`` : ""}; GitHub keeps no text of deleted comments and it may have been a \`/revoke-emergency\`, so approvals \`${login}\` gave before it no longer count: approve again`,
    );
  }
  if (facts.timeline.since && !after(source.createdAt, facts.timeline.since)) {
    return refuse("stale", `it is older than the oldest of the PR's events GitHub listed (${formatUtc(facts.timeline.since)}), so a later base change, dismissal or deletion cannot be ruled out: approve again`);
  }
  if (config.approvals.dismiss_on_push) {
    const head = short(facts.headSha);
    if (source.kind !== "comment" && source.commitSha !== facts.headSha) {
      const what = source.kind === "review" ? "the review was" : "the review comment was";
      return refuse("stale", `${what} made on \`${short(source.commitSha)}\`, not on the head commit \`${head}\`: approve again on the new commit`);
    }
    if (!after(source.createdAt, ctx.pushTime)) {
      return refuse(
        "stale",
        ctx.head.at
          ? `it was given before the head commit \`${head}\` became the PR's head (pushed at ${formatUtc(ctx.head.at)}${ctx.head.actor ? ` by \`${ctx.head.actor}\`` : ""}): approve again on this commit`
          : `${ctx.head.missing}, so the app assumes it was pushed just now: approve again once GitHub shows the push`,
      );
    }
  }
  const hours = config.approvals.expire_after_hours;
  if (hours != null) {
    const expiresAt = new Date(Date.parse(source.createdAt) + hours * 3_600_000).toISOString();
    if (!after(expiresAt, ctx.now.toISOString())) {
      return refuse("expired", `it expired at ${formatUtc(expiresAt)} (\`approvals.expire_after_hours\` is ${hours}): approve again`);
    }
  }
  return { ...base, grants, via, outcome: "accepted", reason: null, explanation: `approved by \`${login}\` (${via})` };
};

const SHOWN = 30;

const approvalLine = (approval: Approval): string =>
  `- \`${approval.login}\` at ${formatUtc(approval.at)} on \`${short(approval.commitSha)}\` (${approval.source.kind.replace("_", " ")}; ${approval.via})` +
  (approval.expiresAt ? `, expires at ${formatUtc(approval.expiresAt)}` : "") +
  (approval.reason ? `: ${code(approval.reason.slice(0, 200))}` : "");

/** A table cell: one line, no pipe that would split the row. */
const cell = (text: string): string => text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");

const decisionRow = (decision: CommandDecision): string =>
  `| \`${decision.login ?? "ghost"}\` | ${formatUtc(decision.source.createdAt)} | \`${short(decision.commitSha)}\` | ${decision.source.kind.replace("_", " ")} | ${cell(code(decision.command.text.slice(0, 100)))} | ${
    decision.reason ? `**${REASON_LABEL[decision.reason]}**: ` : "**revocation**: "
  }${cell(decision.explanation)} |`;

const TABLE_HEAD = ["| Who | Given at | On commit | Where | Command | Why it does not count |", "| --- | --- | --- | --- | --- | --- |"];

const capped = (lines: string[]): string[] =>
  lines.length > SHOWN ? [...lines.slice(0, SHOWN), `- … and ${lines.length - SHOWN} more`] : lines;

const requirementResult = (requirement: Requirement, approvals: Approval[], extra: string[], blocked: string | null): RuleResult => {
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
  if (blocked) return pending(id, title, blocked, withDetails);
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
 * The approvals of a PR, recomputed from what GitHub holds now (pure: `now` is passed in):
 * 1. every command in the conversation, review bodies and review comments, oldest first;
 * 2. each decided: bots, deleted accounts, the PR's makers (author, committers, pushers, unless
 *    `allow_author`) and people no requirement authorizes are refused; then what withdrew an
 *    approval: a dismissed review (with its diff comments), a review requesting changes, an edit,
 *    a later base change, a revocation (also one whose comment was deleted), and with
 *    `dismiss_on_push` a head that became the head after it, or another commit than the head (a
 *    review's or review comment's own commit); with `expire_after_hours`, its age;
 * 3. the latest accepted command of a person wins (`/revoke-emergency` withdraws, also after its
 *    comment is deleted), and a person counts once per requirement;
 * 4. one row for the global requirement and one per path rule; the global row lists what does not
 *    count, on which commit it was given and why.
 */
export const evaluateApprovals = (input: {
  facts: PullRequestFacts;
  config: HotfixConfig;
  access: ReadonlyMap<string, PersonAccess>;
  now: Date;
}): ApprovalsEvaluation => {
  const { facts, config } = input;
  const requirements = requirementsOf(facts, config);
  const head = headPushOf(facts);
  const entries = commandEntries(facts);

  // Revocations in force: visible `/revoke-emergency` commands and those the app's earlier runs recorded;
  // an accepted approval after one ends it (decided in two passes: revocations first).
  const visible: Revocation[] = entries.flatMap((entry, index) =>
    entry.command.kind === "revoke" && entry.source.author ? [{ login: entry.source.author.login, at: entry.source.createdAt, recorded: false, index }] : [],
  );
  const known = [...visible, ...recordedRevocations(facts).filter((record) => !visible.some((other) => sameLogin(other.login, record.login) && other.at === record.at))];
  const latestRevocation = new Map<string, Revocation>();
  for (const revocation of known) {
    const key = revocation.login.toLowerCase();
    const current = latestRevocation.get(key);
    if (!current || after(revocation.at, current.at) || (revocation.at === current.at && (revocation.index ?? -1) > (current.index ?? -1))) latestRevocation.set(key, revocation);
  }
  const ctx: Context = {
    ...input,
    requirements,
    makers: changeMakers(facts),
    head,
    pushTime: head.at ?? input.now.toISOString(),
    revocations: [...latestRevocation.values()],
  };
  const decisions = entries.map((entry, index) => decide(ctx, entry, index));

  // The latest accepted command of a person decides; approving again keeps the standing approval (and its time).
  const standing = new Map<string, CommandDecision | null>();
  for (const decision of decisions) {
    if (decision.outcome !== "accepted" || !decision.login) continue;
    const key = decision.login.toLowerCase();
    if (decision.command.kind === "revoke") standing.set(key, null);
    else if (!standing.get(key)) standing.set(key, decision);
  }
  const hours = config.approvals.expire_after_hours;
  const approvals: Approval[] = [...standing.values()]
    .filter((decision): decision is CommandDecision => decision !== null)
    .map((decision) => ({
      login: decision.login!,
      at: decision.source.createdAt,
      commitSha: decision.source.commitSha ?? (config.approvals.dismiss_on_push ? facts.headSha : decision.commitSha),
      source: decision.source,
      reason: decision.command.reason,
      via: decision.via!,
      grants: decision.grants,
      expiresAt: hours != null ? new Date(Date.parse(decision.source.createdAt) + hours * 3_600_000).toISOString() : null,
    }));
  // Still in force: the person has no standing approval (one after it).
  const revocations = ctx.revocations.filter((revocation) => !approvals.some((approval) => sameLogin(approval.login, revocation.login)));

  const refused = decisions.filter((decision) => decision.outcome === "refused");
  const revokes = decisions.filter(
    (decision) => decision.outcome === "accepted" && decision.command.kind === "revoke" && !approvals.some((approval) => sameLogin(approval.login, decision.login!)),
  );
  const notCounted = [...refused, ...revokes].sort((a, b) => Date.parse(a.source.createdAt) - Date.parse(b.source.createdAt));
  const unknownPushers = ctx.makers.pushersUnknown;
  // Pushes are read only when an approval needs them (`flows/approvals.ts`): unread, nothing is decided on them.
  // What the pushes say is shown only while there is an approval to decide: the check's text (and its writes) stays the same otherwise.
  const read = entries.some((entry) => entry.command.kind === "approve");
  const blocked =
    unknownPushers && !config.approvals.allow_author && read
      ? `Who pushed to this pull request cannot be verified (${unknownPushers}), and whoever pushed to it cannot approve it: no approval counts until GitHub shows the pushes.`
      : null;
  const record: ApprovalsRecord = {
    head: facts.headSha,
    counted: approvals.map((approval) => ({ login: approval.login, commit: approval.commitSha, at: approval.at, expires_at: approval.expiresAt })),
    not_counted: [
      ...notCounted
        .filter((decision) => decision.command.kind === "approve" && decision.login)
        .map((decision) => ({ login: decision.login!, commit: decision.commitSha, at: decision.source.createdAt, reason: decision.reason! })),
      // Accepted, then withdrawn by a later `/revoke-emergency` of the same person.
      ...decisions
        .filter(
          (decision, index) =>
            decision.outcome === "accepted" &&
            decision.command.kind === "approve" &&
            decisions.slice(index + 1).some((later) => later.outcome === "accepted" && later.command.kind === "revoke" && sameLogin(later.login ?? "", decision.login ?? "")),
        )
        .map((decision) => ({ login: decision.login!, commit: decision.commitSha, at: decision.source.createdAt, reason: "revoked" as const })),
    ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
  };
  const globalExtra = [
    ...revocations.map(revocationMarker),
    approvalsRecordLine(record),
    ...(notCounted.length > 0 ? ["Not counted:", "", ...TABLE_HEAD, ...capped(notCounted.map(decisionRow)), ""] : []),
    ...revocations.filter((revocation) => revocation.recorded && !visible.some((other) => other.at === revocation.at)).map(
      (revocation) => `\`${revocation.login}\` revoked their approval at ${formatUtc(revocation.at)}; the revoking comment is gone, the revocation stands until they approve again.`,
    ),
    ...(config.approvals.dismiss_on_push && read
      ? [
          head.at
            ? `Approvals count only when given after the head commit \`${short(facts.headSha)}\` became the PR's head (pushed at ${formatUtc(head.at)}${head.actor ? ` by \`${head.actor}\`` : ""}), and reviews only on that commit.`
            : `Approvals count only when given after the head commit \`${short(facts.headSha)}\` became the PR's head: ${head.missing}, so the app assumes it was pushed just now.`,
        ]
      : []),
    ...(facts.timeline.baseChanges.length > 0
      ? [`The base branch was changed at ${formatUtc(facts.timeline.baseChanges.at(-1)!.at)}: approvals given before then do not count.`]
      : []),
    ...(hours != null ? [`Approvals stop counting ${plural(hours, "hour")} after they were given (\`approvals.expire_after_hours\`).`] : []),
    ...(read && ctx.makers.pushers.length > 0 && !config.approvals.allow_author
      ? [`Pushed to this pull request (cannot approve): ${ctx.makers.pushers.slice(0, 10).map((login) => `\`${login}\``).join(", ")}${ctx.makers.pushers.length > 10 ? ", …" : ""}.`]
      : []),
  ];
  const results = requirements.map((requirement) => requirementResult(requirement, approvals, requirement.id === APPROVALS_ID ? globalExtra : [], blocked));
  return { requirements, decisions, approvals, revocations, headPushedAt: head.at, results };
};
