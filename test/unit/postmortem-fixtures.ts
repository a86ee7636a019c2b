import { HotfixConfig } from "../../src/config/schema.js";
import type { PostmortemInput } from "../../src/postmortem/build-postmortem.js";
import type { ApprovalsRecord } from "../../src/governance/approvals/evaluate-approvals.js";
import type { HistoryComment, LabelEvent, PullRequestHistory } from "../../src/postmortem/history.js";

/** Plain facts for the postmortem's pure functions: a hotfix opened 10:00, labelled 10:05, approved 10:20, merged 10:50 UTC. */
export const MERGED = "2024-05-01T10:50:00Z";
export const HEAD = "a".repeat(40);
/** The approvals record the check wrote on the head: `counted` approvals and refused ones with their reason, by login@time. */
export const recordOf = (counted: Array<[string, string]>, notCounted: Array<[string, string, ApprovalsRecord["not_counted"][number]["reason"]]> = []): ApprovalsRecord => ({
  head: HEAD,
  counted: counted.map(([login, at]) => ({ login, commit: HEAD, at, expires_at: null })),
  not_counted: notCounted.map(([login, at, reason]) => ({ login, commit: HEAD, at, reason })),
});

export const label = (action: LabelEvent["action"], at: string, name = "hotfix"): LabelEvent => ({ action, label: name, actor: "dev", at });

export const command = (login: string, body: string, at: string, extra: Partial<HistoryComment> = {}): HistoryComment => ({
  kind: "comment",
  id: 1,
  url: `https://github.com/acme/shop/pull/1#issuecomment-${at}`,
  author: { login, isBot: false },
  body,
  createdAt: at,
  lastEditedAt: null,
  byApp: false,
  appReactions: ["THUMBS_UP"],
  ...extra,
});

export const history = (extra: Partial<PullRequestHistory> = {}): PullRequestHistory => ({
  number: 12,
  title: "Fix checkout crash",
  body: "## Incident\nINC-42 checkout down\n\n## Rollback plan\nRevert.",
  url: "https://github.com/acme/shop/pull/12",
  createdAt: "2024-05-01T10:00:00Z",
  mergedAt: MERGED,
  mergeCommitSha: "b".repeat(40),
  mergedBy: { login: "lead", isBot: false },
  author: { login: "dev", isBot: false },
  labels: ["hotfix"],
  headSha: HEAD,
  headChecks: [],
  approvalsRecord: recordOf([["lead", "2024-05-01T10:20:00Z"]]),
  labelEvents: [label("labeled", "2024-05-01T10:05:00Z")],
  comments: [command("lead", "/approve-emergency", "2024-05-01T10:20:00Z")],
  referencingIssues: [],
  ...extra,
});

export const input = (extra: Partial<PostmortemInput> = {}, config: unknown = {}): PostmortemInput => ({
  repository: "acme/shop",
  history: history(),
  labelsAtMerge: ["hotfix", "sev1"],
  backports: [],
  config: HotfixConfig.parse(config),
  assignees: { assigned: ["dev"], skipped: [] },
  ...extra,
});

