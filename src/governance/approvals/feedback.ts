import type { HotfixConfig } from "../../config/schema.js";
import type { CommandSource, PullRequestFacts } from "../facts.js";
import { code, type RuleResult } from "../rule-result.js";
import type { ApprovalsEvaluation, CommandDecision } from "./evaluate-approvals.js";
import { eligibilityWithoutAccess, isBotAccount } from "./eligibility.js";
import { changeMakers } from "./evaluate-approvals.js";
import { describeApprovers, sameLogin } from "./policy.js";

/** Hidden markers: how the app finds its own comments again (GitHub is the only record). */
export const STATUS_MARKER = "<!-- hotfix-governance:status -->";
export const INACTIVE_MARKER = "<!-- hotfix-governance:status:inactive -->";
export const replyMarker = (source: Pick<CommandSource, "kind" | "id">): string => `<!-- hotfix-governance:reply:${source.kind}:${source.id} -->`;

export type ReactionContent = "+1" | "-1";

export interface FeedbackPlan {
  reactions: Array<{ source: CommandSource; content: ReactionContent }>;
  replies: Array<{ source: CommandSource; body: string }>;
  /** Decisions the app had not answered yet: each is logged and counted once. */
  fresh: CommandDecision[];
}

const ANSWERED = ["THUMBS_UP", "THUMBS_DOWN"];

/** Where the command is, for a reply that sits in the conversation. */
export const sourceUrl = (prUrl: string, source: Pick<CommandSource, "kind" | "id">): string => {
  switch (source.kind) {
    case "comment":
      return `${prUrl}#issuecomment-${source.id}`;
    case "review":
      return `${prUrl}#pullrequestreview-${source.id}`;
    case "review_comment":
      return `${prUrl}#discussion_r${source.id}`;
  }
};

const sentence = (text: string): string => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/** The one reply to a refused command: quotes it, says why, and (for authorization) who can approve. */
export const replyBody = (decision: CommandDecision, prUrl: string): string => {
  const who =
    decision.source.author && !isBotAccount(decision.source.author) ? `@${decision.source.author.login}` : `\`${decision.login ?? "ghost"}\``;
  // Quoted as code: a reason that @-mentions people or teams must not make the app ping them.
  const quoted = code(decision.command.text.slice(0, 300));
  return [
    replyMarker(decision.source),
    `> ${quoted}`,
    "",
    `${who}, this [command](${sourceUrl(prUrl, decision.source)}) was not accepted: ${sentence(decision.explanation)}`,
  ].join("\n");
};

/**
 * What to say about the commands the app has not answered yet. A command is answered once the
 * app reacted to it (GitHub keeps the app's reactions; they do not mark a comment as edited), so
 * re-evaluations triggered by other events add nothing, and a redelivered webhook neither adds a
 * second reaction nor a second reply (the reply is found by the marker naming the command).
 * One reaction per comment, for its last command; dismissed reviews get none.
 */
export const planFeedback = (evaluation: Pick<ApprovalsEvaluation, "decisions">, facts: Pick<PullRequestFacts, "comments" | "url">): FeedbackPlan => {
  const last = new Map<string, CommandDecision>();
  for (const decision of evaluation.decisions) last.set(`${decision.source.kind}:${decision.source.id}`, decision);
  const plan: FeedbackPlan = { reactions: [], replies: [], fresh: [] };
  for (const decision of last.values()) {
    const { source } = decision;
    if (source.kind === "review" && source.state === "DISMISSED") continue;
    const reactions = source.viewerReactions ?? [];
    const reacted = reactions.some((content) => ANSWERED.includes(content));
    const replied = facts.comments.some((comment) => comment.viewerDidAuthor && comment.body.includes(replyMarker(source)));
    if (!reacted) {
      plan.fresh.push(...evaluation.decisions.filter((other) => other.source === source));
      plan.reactions.push({ source, content: decision.outcome === "accepted" ? "+1" : "-1" });
    }
    // A refusal is answered by a 👎 and a reply; a reply lost to an earlier failure is made up for.
    const refusedAnswer = !reacted ? decision.outcome === "refused" : reactions.includes("THUMBS_DOWN") && decision.outcome === "refused";
    if (refusedAnswer && !replied) plan.replies.push({ source, body: replyBody(decision, facts.url) });
  }
  return plan;
};

/** The app's status comment on the PR, if any (the oldest, should two ever exist). */
export const findStatusComment = (facts: Pick<PullRequestFacts, "comments">): CommandSource | undefined =>
  facts.comments.find((comment) => comment.viewerDidAuthor && comment.body.includes(STATUS_MARKER));

const FOOTER = "<sub>Kept up to date by Hotfix Governance: this comment is edited in place, never reposted.</sub>";

/** The status comment of a hotfix: what is still missing and who can approve. */
export const statusCommentBody = (input: {
  config: HotfixConfig;
  results: RuleResult[];
  approvals: Pick<ApprovalsEvaluation, "approvals" | "requirements">;
  /** Said above the footer (a dry run: what the merge would create). */
  note?: string;
}): string => {
  const { config, results, approvals } = input;
  const missing = results.filter((result) => result.status !== "pass");
  const [global, ...rules] = approvals.requirements.filter((requirement) => requirement.applies);
  const lines = [
    STATUS_MARKER,
    "## 🚑 Hotfix governance",
    "",
    `This pull request carries the \`${config.label}\` label: it is an emergency change and must meet the rules below before it merges.`,
    "",
    ...(missing.length === 0
      ? ["✅ **Every requirement holds.**"]
      : ["**Still missing:**", ...missing.map((result) => `- ${result.status === "fail" ? "❌" : "⏳"} **${result.title}**: ${result.summary}`)]),
    "",
  ];
  if (approvals.approvals.length > 0) {
    lines.push(`**Approved by:** ${approvals.approvals.map((approval) => `\`${approval.login}\` (on \`${(approval.commitSha ?? "").slice(0, 7) || "?"}\`)`).join(", ")}`, "");
  }
  const makers = config.approvals.allow_author ? "" : " The author, the committers and whoever pushed to this pull request cannot approve it.";
  lines.push(`**Who can approve:** ${describeApprovers(global.policy)}.${makers}`);
  for (const rule of rules) lines.push(`- for ${rule.paths!.map((path) => `\`${path}\``).join(", ")}: ${describeApprovers(rule.policy)} (${rule.required} needed)`);
  lines.push(
    "",
    `**How:** comment \`/approve-emergency <reason>\` on a line of its own; \`/revoke-emergency\` withdraws your approval. An edited comment never approves${config.approvals.dismiss_on_push ? ", and a new push dismisses earlier approvals" : ""}.`,
    "",
    ...(input.note ? [input.note, ""] : []),
    FOOTER,
  );
  return lines.join("\n");
};

/** The status comment once the label is gone. */
export const inactiveStatusBody = (config: HotfixConfig): string =>
  [
    STATUS_MARKER,
    INACTIVE_MARKER,
    "## Hotfix governance",
    "",
    `This pull request no longer carries the \`${config.label}\` label, so the emergency rules no longer apply to it.`,
    "",
    FOOTER,
  ].join("\n");

const normalize = (text: string): string => text.replace(/\r\n?/g, "\n").trim();

export type StatusCommentPlan =
  | { action: "create"; body: string; becameHotfix: boolean }
  | { action: "update"; commentId: number; body: string; becameHotfix: boolean }
  | { action: "none"; becameHotfix: false };

/**
 * Find-or-create the one status comment, edited only when its text changes. The PR "became a
 * hotfix" when there was no status comment yet or it said the rules no longer apply: that is
 * when reviews are requested, so a redelivered `labeled` event requests nothing twice.
 */
export const planStatusComment = (facts: Pick<PullRequestFacts, "comments">, body: string): StatusCommentPlan => {
  const existing = findStatusComment(facts);
  const activating = !body.includes(INACTIVE_MARKER);
  if (!existing) return activating ? { action: "create", body, becameHotfix: true } : { action: "none", becameHotfix: false };
  if (normalize(existing.body) === normalize(body)) return { action: "none", becameHotfix: false };
  return { action: "update", commentId: existing.id, body, becameHotfix: activating && existing.body.includes(INACTIVE_MARKER) };
};

/**
 * Whom to ask for a review when the PR becomes a hotfix: the approver users and teams of every
 * requirement that applies. Never the PR's author (GitHub refuses it), nor a bot, nor (without
 * `allow_author`) a committer or pusher, who could not approve anyway.
 */
export const reviewRequestsFor = (
  approvals: Pick<ApprovalsEvaluation, "requirements">,
  facts: Pick<PullRequestFacts, "author" | "commits" | "pushes" | "createdAt" | "isCrossRepository">,
  config: HotfixConfig,
): { users: string[]; teams: string[] } => {
  const makers = changeMakers(facts);
  // The same decision as approving: nobody is asked who could not approve anyway.
  const excluded = (login: string): boolean =>
    eligibilityWithoutAccess({
      actor: { login, isBot: false },
      order: "review",
      makers,
      allowAuthor: config.approvals.allow_author,
      authorities: [],
    }) !== null;
  const users: string[] = [];
  const teams: string[] = [];
  for (const requirement of approvals.requirements.filter((candidate) => candidate.applies)) {
    for (const login of requirement.policy.users) {
      // GitHub refuses a review request to the PR's author even with `allow_author`.
      if (excluded(login) || (makers.author && sameLogin(makers.author, login)) || users.some((other) => sameLogin(other, login))) continue;
      users.push(login);
    }
    for (const team of requirement.policy.teams) if (!teams.some((slug) => sameLogin(slug, team.slug))) teams.push(team.slug);
  }
  return { users, teams };
};
