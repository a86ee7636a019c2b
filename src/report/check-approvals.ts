import { readApprovalsRecord, type ApprovalsRecord } from "../governance/approvals/evaluate-approvals.js";
import type { ReportApproval } from "./schema.js";

/** What the record's reasons mean for the report: approvals bound to other code, or expired; the rest were never approvals. */
const STATUS_OF: Partial<Record<ApprovalsRecord["not_counted"][number]["reason"], ReportApproval["status"]>> = {
  stale: "stale",
  base_changed: "stale",
  expired: "expired",
};

/**
 * The approvals as the `Hotfix governance` check judged them: the hidden record the check writes
 * (`readApprovalsRecord`), exactly as the check decided. Check runs written before the record
 * existed are read back from their text (below).
 */
export const approvalsFromCheck = (text: string | null, commits: string[]): ReportApproval[] => {
  const record = readApprovalsRecord(text);
  if (!record) return approvalsFromCheckText(text, commits);
  const full = (sha: string | null): string | null => (sha && /^[0-9a-f]{40}$/.test(sha) ? sha : null);
  // The report's times are GitHub's: whole seconds.
  const second = (iso: string): string => (Number.isNaN(Date.parse(iso)) ? iso : new Date(iso).toISOString().replace(/\.\d{3}Z$/, "Z"));
  const counted = record.counted.map((approval) => ({ login: approval.login, commit: full(approval.commit), at: second(approval.at), status: "counted" as const }));
  const latest = new Map<string, ReportApproval>();
  for (const refused of record.not_counted) {
    const status = STATUS_OF[refused.reason];
    if (!status || counted.some((approval) => approval.login.toLowerCase() === refused.login.toLowerCase())) continue;
    latest.set(refused.login.toLowerCase(), { login: refused.login, commit: full(refused.commit), at: second(refused.at), status });
  }
  return [...counted, ...latest.values()];
};

/**
 * Legacy: check runs written before the record, read back from the check run's
 * output text. Only lines of the
 * "Counted:" and "Not counted:" lists are read, each by a pattern anchored on the whole line
 * shape the check writes (`` - `login` at 2024-05-01 12:00:00 UTC on `abc1234` (comment; …) ``),
 * so user text elsewhere in the output (titles, reasons, file names) can never pass for an
 * approval. The check writes short SHAs: they are expanded against the PR's commits, and a
 * prefix that matches none, or more than one, gives `commit: null` rather than a guess.
 * A test renders real check outputs and parses them back, so a change of wording fails there.
 */

const TIME = "(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}) UTC";
const COUNTED = new RegExp(`^\\s*- \`([^\`\\s]+)\` at ${TIME} on \`([0-9a-f]{7,40}|unknown)\` \\((comment|review|review comment); `);
const NOT_COUNTED = new RegExp(`^\\s*- \`([^\`\\s]+)\` at ${TIME} \\((comment|review|review comment)\\) (?:\`\`.*?\`\`|\`[^\`]*\`): (.*)$`);
/** The refusals that are approvals given on an older commit (SPEC 4: bound to what the approver saw). */
const STALE = /^(?:the review was made on `([0-9a-f]{7,40}|unknown)`, not on the head commit|it is not newer than the head commit)/;

const isoOf = (utc: string): string => `${utc.replace(" ", "T")}Z`;

export const expandSha = (short: string, candidates: string[]): string | null => {
  if (short === "unknown") return null;
  const matches = [...new Set(candidates.filter((sha) => sha.startsWith(short)))];
  return matches.length === 1 ? matches[0] : null;
};

export const approvalsFromCheckText = (text: string | null, commits: string[]): ReportApproval[] => {
  const counted = new Map<string, ReportApproval>();
  const stale = new Map<string, ReportApproval>();
  let list: "counted" | "not_counted" | null = null;
  for (const line of (text ?? "").split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "Counted:") list = "counted";
    else if (trimmed === "Not counted:") list = "not_counted";
    else if (!trimmed.startsWith("- ")) list = null;
    else if (list === "counted") {
      const match = COUNTED.exec(line);
      if (!match) continue;
      const [, login, at, short] = match;
      const key = login.toLowerCase();
      // Path rules list the same approval again: one person counts once.
      if (!counted.has(key)) counted.set(key, { login, commit: expandSha(short, commits), at: isoOf(at), status: "counted" });
    } else if (list === "not_counted") {
      const match = NOT_COUNTED.exec(line);
      const why = match ? STALE.exec(match[4]) : null;
      if (!match || !why) continue;
      const [, login, at] = match;
      stale.set(login.toLowerCase(), { login, commit: why[1] ? expandSha(why[1], commits) : null, at: isoOf(at), status: "stale" });
    }
  }
  for (const key of counted.keys()) stale.delete(key);
  return [...counted.values(), ...stale.values()];
};
