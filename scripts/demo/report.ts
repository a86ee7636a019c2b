import type { GitHubSimulator } from "../../test/support/simulator/index.js";
import type { SimCheckRun } from "../../test/support/simulator/state.js";
import { checkIcon, checkState, readable, type Change } from "./observe.js";
import { DEMO_CONFIG, type StepRecord, type StoryResult } from "./story.js";

/** Facts about the run that the story does not know: how the app was reached, when, how long. */
export interface RunInfo {
  how: string;
  startedAt: Date;
  /** Wall-clock length of the run (left out of a report that must not change from run to run). */
  seconds?: number;
  /** What wrote the report (default `npm run demo`). */
  by?: string;
}

const indent = (text: string, prefix: string) =>
  text
    .split("\n")
    .map((line) => (line ? prefix + line : prefix.trimEnd()))
    .join("\n");

const clipLines = (text: string, max: number, more: string): string => {
  const lines = text.split("\n");
  if (lines.length <= max) return text;
  const rest = lines.length - max;
  return `${lines.slice(0, max).join("\n")}\n… (${rest} more line${rest === 1 ? "" : "s"} ${more})`;
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** How the app answered the webhook; in process there is no HTTP answer and no timing worth printing. */
const answered = ({ delivered }: StepRecord): string => {
  if (delivered.status == null) return "handled in process";
  if (delivered.status === 202 && delivered.answeredMs !== undefined) {
    return `app answered 202 after ${seconds(delivered.answeredMs)} (Probot's limit) and finished handling it after ${seconds(delivered.ms)}`;
  }
  return `app answered ${delivered.status} in ${seconds(delivered.ms)}`;
};

// ---- the transcript (terminal) -------------------------------------------------------------------

const changeText = (change: Change): string => {
  const head = `     • ${change.line}`;
  if (!change.detail) return head;
  const limit = change.kind === "check" ? 8 : 10;
  return `${head}\n${indent(clipLines(change.detail, limit, "in reports/demo.md"), "         ")}`;
};

export const transcriptOfStepStart = (index: number, title: string, narration: string[]): string =>
  [`\n━━ Step ${index} · ${title}`, ...narration.map((line) => `   ${line}`)].join("\n");

export const transcriptOfStep = (step: StepRecord): string => {
  const lines = [
    `   → webhook ${step.event} · ${answered(step)} · ${step.requests} GitHub requests, ${step.writes} writes${step.delivered.note ? ` · ${step.delivered.note}` : ""}`,
    step.changes.length ? "   On GitHub:" : "   On GitHub: nothing changed",
    ...step.changes.map(changeText),
    ...step.expectations.map((item) => (item.ok ? `   ✔ ${item.what}` : `   ✘ DID NOT HAPPEN: ${item.what} (${item.detail})`)),
  ];
  return lines.join("\n");
};

export const transcriptSummary = (result: StoryResult, info: RunInfo): string => {
  const total = result.steps.reduce((sum, step) => sum + step.expectations.length, 0);
  const lines = [
    "",
    "━━ Outcome",
    result.ok
      ? `   ✔ All ${total} expectations held${info.seconds === undefined ? "" : `, in ${info.seconds.toFixed(1)} s`}.`
      : `   ✘ ${result.missed.length} of ${total} expectations did not happen:\n${result.missed.map((item) => `     - ${item.step}: ${item.what} (${item.detail})`).join("\n")}`,
    `   ${result.steps.reduce((sum, step) => sum + step.requests, 0)} GitHub requests, ${result.steps.reduce((sum, step) => sum + step.writes, 0)} of them writes, over ${result.steps.length} webhook deliveries.`,
  ];
  return lines.join("\n");
};

// ---- the report (Markdown) -------------------------------------------------------------------------

const quote = (text: string) => indent(text, "> ");
const details = (summary: string, body: string) => `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

const checkLine = (run: SimCheckRun) =>
  `${checkIcon(run)} **${run.name}** \`${checkState(run)}\` on \`${run.headSha.slice(0, 7)}\` — ${run.output.title ?? ""} _(by ${run.app.slug})_`;

export const renderReport = (sim: GitHubSimulator, result: StoryResult, info: RunInfo): string => {
  const repo = sim.repo(result.repoName);
  const pr = sim.pull(result.repoName, result.pr);
  const out: string[] = [];
  const total = result.steps.reduce((sum, step) => sum + step.expectations.length, 0);
  out.push(
    "# Hotfix Governance — demo report",
    "",
    `Generated ${info.startedAt.toISOString().replace("T", " ").slice(0, 19)} UTC by ${info.by ?? "`npm run demo`"}: ${info.how}`,
    "",
    result.ok
      ? `**All ${total} expectations held** (${result.steps.length} webhook deliveries${info.seconds === undefined ? "" : `, ${info.seconds.toFixed(1)} s`}).`
      : `**${result.missed.length} of ${total} expectations did not happen:**\n\n${result.missed.map((item) => `- ${item.step}: ${item.what} — ${item.detail}`).join("\n")}`,
    "",
    "## The story, step by step",
    "",
    "| # | What people did | Webhook | Answer | GitHub requests (writes) | `Hotfix governance` after |",
    "| --- | --- | --- | --- | --- | --- |",
    ...result.steps.map(
      (step) =>
        `| ${step.index} | ${cell(step.title)} | \`${step.event}\` | ${cell(answered(step))} | ${step.requests} (${step.writes}) | ${step.check ? `${cell(step.check.state)}: ${cell(step.check.title)}` : "—"} |`,
    ),
    "",
  );
  for (const step of result.steps) {
    out.push(`### ${step.index}. ${step.title}`, "", ...step.narration.map((line) => `${line}  `), "");
    out.push(`Webhook \`${step.event}\`, ${answered(step)}${step.delivered.note ? ` (${step.delivered.note})` : ""}; ${step.requests} GitHub requests, ${step.writes} writes.`, "");
    for (const change of step.changes) {
      out.push(`- ${change.line}`);
      if (change.detail) out.push("", indent(details("text", quote(change.detail)), "  "), "");
    }
    if (step.changes.length === 0) out.push("- nothing changed on GitHub");
    out.push("", ...step.expectations.map((item) => (item.ok ? `- ✔ ${item.what}` : `- ✘ **did not happen:** ${item.what} (${item.detail})`)), "");
  }

  out.push("## Final state on GitHub", "", `### #${pr.number} ${pr.title}`, "");
  out.push(`\`${pr.head.ref}\` → \`${pr.base.ref}\`, ${pr.merged ? `merged by @${pr.mergedBy?.login} as \`${pr.mergeCommitSha?.slice(0, 7)}\`` : pr.state}; labels: ${pr.labels.join(", ") || "none"}.`, "");
  out.push("Check runs, per commit (GitHub shows the newest of a name):", "");
  for (const commit of pr.commits) {
    const runs = repo.checkRuns.filter((run) => run.headSha === commit.sha);
    out.push(`- \`${commit.sha.slice(0, 7)}\` ${commit.message?.split("\n")[0] ?? ""}`, ...runs.map((run) => `  - ${checkLine(run)}`));
  }
  const finalRun = sim.latestCheck(result.repoName, pr.head.sha);
  if (finalRun?.output.text) out.push("", details("The final check's details", finalRun.output.text));
  out.push("", "Conversation:", "");
  for (const comment of repo.issueComments.filter((item) => item.issueNumber === pr.number)) {
    const reactions = repo.reactions.filter((reaction) => reaction.subject === "comment" && reaction.subjectId === comment.id);
    const marks = reactions.length ? ` — reactions: ${reactions.map((reaction) => `${reaction.content === "+1" ? "👍" : reaction.content === "-1" ? "👎" : reaction.content} @${reaction.user.login}`).join(", ")}` : "";
    out.push(`- **@${comment.user.login}**${marks}`, "", indent(quote(readable(comment.body)), "  "), "");
  }

  const others = [...repo.pulls.values()].filter((pull) => pull.number !== pr.number);
  out.push("### Pull requests the app opened", "");
  if (others.length === 0) out.push("None.", "");
  for (const pull of others) {
    out.push(
      `#### #${pull.number} ${pull.title}`,
      "",
      `\`${pull.head.ref}\` → \`${pull.base.ref}\` by @${pull.user.login}; labels: ${pull.labels.join(", ") || "none"}; assigned: ${pull.assignees.map((login) => `@${login}`).join(", ") || "nobody"}; review requested: ${[...pull.requestedReviewers.map((login) => `@${login}`), ...pull.requestedTeams.map((slug) => `team ${slug}`)].join(", ") || "nobody"}.`,
      "",
      quote(readable(pull.body ?? "")),
      "",
      `Commit${pull.commits.length === 1 ? "" : "s"}: ${pull.commits.map((commit) => `\`${commit.sha.slice(0, 7)}\` “${commit.message?.split("\n")[0] ?? ""}”`).join(", ")}`,
      "",
    );
    if (pull.commits.length > 0 && pull.commits.at(-1)?.message) out.push(details("Commit message", "```\n" + pull.commits.at(-1)!.message + "\n```"), "");
  }

  out.push("### Issues", "");
  if (repo.issues.size === 0) out.push("None.", "");
  for (const issue of repo.issues.values()) {
    out.push(
      `#### #${issue.number} ${issue.title}`,
      "",
      `Opened by @${issue.user.login}; labels: ${issue.labels.join(", ") || "none"}; assigned: ${issue.assignees.map((login) => `@${login}`).join(", ") || "nobody"}.`,
      "",
      details("Issue body", readable(issue.body ?? "")),
      "",
    );
  }

  out.push("### Branches", "", ...[...repo.branches].map(([name, sha]) => `- \`${name}\` at \`${sha.slice(0, 7)}\``), "");
  out.push("### The configuration used", "", "```yaml", DEMO_CONFIG.trimEnd(), "```", "");
  return out.join("\n");
};
