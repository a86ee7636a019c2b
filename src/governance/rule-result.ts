/** Every rule explains itself: the check output lists each result with its reason. */
export type RuleStatus = "pass" | "fail" | "pending";

export interface RuleResult {
  /** Stable identifier, e.g. `scope` or `approvals:rule:1`. */
  id: string;
  /** The requirement, as a user reads it in the check ("Base branch allowed"). */
  title: string;
  status: RuleStatus;
  /** One line: why it passed, failed or waits. */
  summary: string;
  /** Optional Markdown with the evidence (file lists, approvers ...). */
  details?: string;
}

export const pass = (id: string, title: string, summary: string, details?: string): RuleResult => ({ id, title, status: "pass", summary, details });
export const fail = (id: string, title: string, summary: string, details?: string): RuleResult => ({ id, title, status: "fail", summary, details });
export const pending = (id: string, title: string, summary: string, details?: string): RuleResult => ({ id, title, status: "pending", summary, details });

/** Inline code that survives backticks in user-controlled text. */
export const code = (text: string): string => {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${text.replace(/\r?\n/g, " ")}${fence}`;
};

export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
