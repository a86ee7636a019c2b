import type { Actor, HeadCheck, OwnCheckRun } from "../governance/facts.js";

/** GraphQL nodes as the rules read them: one conversion for every query of the app. */

/** An `Actor` node (`__typename login`): GitHub's own account type tells a bot. */
export const actorOf = (node: any): Actor | null => (node?.login ? { login: node.login, isBot: node.__typename === "Bot" } : null);

/** A PR read with `MergedPullRequestFields` (graphql-fragments.ts). */
export const mergedPullRequestOf = (node: any) => ({
  number: node.number as number,
  title: node.title as string,
  body: (node.body ?? "") as string,
  url: node.url as string,
  createdAt: node.createdAt as string,
  mergedAt: (node.mergedAt ?? null) as string | null,
  mergeCommitSha: (node.mergeCommit?.oid ?? null) as string | null,
  mergedBy: actorOf(node.mergedBy),
  author: actorOf(node.author),
});

/** A `CheckRun` or `StatusContext` of a commit's status rollup. */
export const headCheckOf = (node: any): HeadCheck => {
  if (node.__typename === "StatusContext") {
    const state = String(node.state).toLowerCase();
    const pending = state === "pending" || state === "expected";
    return { name: node.context, kind: "status", status: pending ? "pending" : "completed", conclusion: pending ? null : state, completedAt: node.createdAt ?? null, startedAt: node.createdAt ?? null };
  }
  return {
    name: node.name,
    kind: "check_run",
    status: node.status === "COMPLETED" ? "completed" : "pending",
    conclusion: node.conclusion ? String(node.conclusion).toLowerCase() : null,
    completedAt: node.completedAt ?? null,
    startedAt: node.startedAt ?? null,
  };
};

/** This app's `Hotfix governance` runs among a commit's `checkSuites { app checkRuns }`. */
export const ownCheckRunsOf = (commit: any, appId: number | null): OwnCheckRun[] =>
  (commit?.checkSuites?.nodes ?? [])
    .filter((suite: any) => appId == null || suite.app?.databaseId === appId)
    .flatMap((suite: any) => suite.checkRuns.nodes)
    .map((run: any) => ({
      id: run.databaseId,
      status: String(run.status).toLowerCase(),
      conclusion: run.conclusion ? String(run.conclusion).toLowerCase() : null,
      startedAt: run.startedAt ?? null,
      title: run.title ?? null,
      summary: run.summary ?? null,
      text: run.text ?? null,
    }));
