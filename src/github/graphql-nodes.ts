import type { Actor, HeadCheck } from "../governance/facts.js";

/** GraphQL nodes as the rules read them: one conversion for every query of the app. */

/** An `Actor` node (`__typename login`): GitHub's own account type tells a bot. */
export const actorOf = (node: any): Actor | null => (node?.login ? { login: node.login, isBot: node.__typename === "Bot" } : null);

/** A `CheckRun` or `StatusContext` of a commit's status rollup. */
export const headCheckOf = (node: any): HeadCheck => {
  if (node.__typename === "StatusContext") {
    const state = String(node.state).toLowerCase();
    const pending = state === "pending" || state === "expected";
    return { name: node.context, kind: "status", status: pending ? "pending" : "completed", conclusion: pending ? null : state, completedAt: node.createdAt ?? null };
  }
  return {
    name: node.name,
    kind: "check_run",
    status: node.status === "COMPLETED" ? "completed" : "pending",
    conclusion: node.conclusion ? String(node.conclusion).toLowerCase() : null,
    completedAt: node.completedAt ?? null,
  };
};
