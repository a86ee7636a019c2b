import type { GitHubSimulator } from "../../test/support/simulator/index.js";
import type { SimCheckRun, SimComment, SimIssue, SimPull, SimReaction, SimRepo } from "../../test/support/simulator/state.js";

/** One thing that changed on (simulated) GitHub, said the way a person would see it in the web UI. */
export interface Change {
  kind: "check" | "comment" | "reaction" | "pull" | "issue" | "branch";
  line: string;
  /** Text worth reading (a check's summary, a comment's body), shown indented under the line. */
  detail?: string;
}

/** What the repository looks like at one moment: enough to tell what an event changed. */
export interface Snapshot {
  checks: Map<number, string>;
  comments: Map<number, string>;
  reactions: Set<number>;
  pulls: Map<number, string>;
  issues: Map<number, string>;
  branches: Map<string, string>;
}

const pullKey = (pull: SimPull) =>
  JSON.stringify([pull.state, pull.merged, pull.labels, pull.assignees, pull.requestedReviewers, pull.requestedTeams, pull.title, pull.body]);
const issueKey = (issue: SimIssue) => JSON.stringify([issue.state, issue.labels, issue.assignees, issue.title, issue.body]);
const checkKey = (run: SimCheckRun) => JSON.stringify([run.status, run.conclusion, run.output]);

export const snapshot = (repo: SimRepo): Snapshot => ({
  checks: new Map(repo.checkRuns.map((run) => [run.id, checkKey(run)])),
  comments: new Map(repo.issueComments.map((comment) => [comment.id, comment.body])),
  reactions: new Set(repo.reactions.map((reaction) => reaction.id)),
  pulls: new Map([...repo.pulls.values()].map((pull) => [pull.number, pullKey(pull)])),
  issues: new Map([...repo.issues.values()].map((issue) => [issue.number, issueKey(issue)])),
  branches: new Map(repo.branches),
});

const short = (sha: string) => sha.slice(0, 7);

export const checkIcon = (run: Pick<SimCheckRun, "status" | "conclusion">): string => {
  if (run.status !== "completed") return "⏳";
  return ({ success: "✅", failure: "❌", neutral: "⚪" } as Record<string, string>)[run.conclusion ?? ""] ?? "•";
};

export const checkState = (run: Pick<SimCheckRun, "status" | "conclusion">): string =>
  run.status === "completed" ? (run.conclusion ?? "completed") : run.status;

/** A comment's text without the app's hidden markers, for reading. */
export const readable = (body: string): string =>
  body
    .replace(/<!--[\s\S]*?-->\n?/g, "")
    .replace(/<sub>[\s\S]*?<\/sub>/g, "")
    .trim();

const REACTION_ICON: Record<string, string> = { "+1": "👍", "-1": "👎", THUMBS_UP: "👍", THUMBS_DOWN: "👎" };

const whereIs = (repo: SimRepo, reaction: SimReaction): string => {
  const pool: SimComment[] =
    reaction.subject === "review" ? repo.reviews : reaction.subject === "review_comment" ? repo.reviewComments : repo.issueComments;
  const subject = pool.find((comment) => comment.id === reaction.subjectId);
  if (!subject) return `${reaction.subject} ${reaction.subjectId}`;
  // The app reacts to a command: quote its line (a comment may open with other text).
  const lines = subject.body.split("\n").map((line) => line.trim());
  const quoted = lines.find((line) => /^\/[a-z-]+/i.test(line)) ?? lines.find(Boolean) ?? "";
  return `@${subject.user.login}'s ${reaction.subject.replace("_", " ")} “${quoted}”`;
};

const describePull = (pull: SimPull): string => {
  const parts = [`${pull.head.ref} → ${pull.base.ref}`];
  if (pull.labels.length) parts.push(`labels: ${pull.labels.join(", ")}`);
  if (pull.assignees.length) parts.push(`assigned: ${pull.assignees.map((login) => `@${login}`).join(", ")}`);
  const reviewers = [...pull.requestedReviewers.map((login) => `@${login}`), ...pull.requestedTeams.map((slug) => `team ${slug}`)];
  if (reviewers.length) parts.push(`review requested: ${reviewers.join(", ")}`);
  return parts.join("; ");
};

/** What changed between `before` and now, oldest first, in the words of GitHub's UI. */
export const changesSince = (sim: GitHubSimulator, repoName: string, before: Snapshot): Change[] => {
  const repo = sim.repo(repoName);
  const changes: Change[] = [];

  for (const [name, sha] of repo.branches) {
    const was = before.branches.get(name);
    if (was === undefined) changes.push({ kind: "branch", line: `branch \`${name}\` created at ${short(sha)}` });
    else if (was !== sha) changes.push({ kind: "branch", line: `branch \`${name}\` moved ${short(was)} → ${short(sha)}` });
  }
  for (const name of before.branches.keys()) {
    if (!repo.branches.has(name)) changes.push({ kind: "branch", line: `branch \`${name}\` deleted` });
  }

  for (const run of repo.checkRuns) {
    const was = before.checks.get(run.id);
    if (was === checkKey(run)) continue;
    const verb = was === undefined ? "new check run" : "check run updated";
    changes.push({
      kind: "check",
      line: `${verb} “${run.name}” on ${short(run.headSha)}: ${checkIcon(run)} ${checkState(run)} — ${run.output.title ?? "(no title)"}`,
      detail: run.output.summary ?? undefined,
    });
  }

  for (const reaction of repo.reactions) {
    if (before.reactions.has(reaction.id)) continue;
    changes.push({ kind: "reaction", line: `${REACTION_ICON[reaction.content] ?? reaction.content} by @${reaction.user.login} on ${whereIs(repo, reaction)}` });
  }

  for (const comment of repo.issueComments) {
    const was = before.comments.get(comment.id);
    if (was === comment.body) continue;
    const verb = was === undefined ? "commented on" : "edited its comment on";
    changes.push({ kind: "comment", line: `@${comment.user.login} ${verb} #${comment.issueNumber}`, detail: readable(comment.body) });
  }

  for (const pull of repo.pulls.values()) {
    const was = before.pulls.get(pull.number);
    if (was === pullKey(pull)) continue;
    if (was === undefined) {
      changes.push({ kind: "pull", line: `pull request #${pull.number} opened by @${pull.user.login}: “${pull.title}” (${describePull(pull)})`, detail: readable(pull.body ?? "") });
    } else {
      changes.push({ kind: "pull", line: `pull request #${pull.number} now: ${pull.merged ? "merged" : pull.state} (${describePull(pull)})` });
    }
  }

  for (const issue of repo.issues.values()) {
    const was = before.issues.get(issue.number);
    if (was === issueKey(issue)) continue;
    const people = issue.assignees.length ? `; assigned: ${issue.assignees.map((login) => `@${login}`).join(", ")}` : "";
    const labels = issue.labels.length ? `; labels: ${issue.labels.join(", ")}` : "";
    changes.push({
      kind: "issue",
      line: `issue #${issue.number} ${was === undefined ? "opened" : "changed"} by @${issue.user.login}: “${issue.title}”${labels}${people}`,
      detail: was === undefined ? readable(issue.body ?? "") : undefined,
    });
  }
  return changes;
};
