import { describeMethod, type MergedChange } from "./change.js";
import { backportBranch, cherryPickedLine, markers } from "./naming.js";
import type { BackportOutcome } from "./outcome.js";

/** The merged PR as the texts need it. */
export interface SourcePullRequest {
  number: number;
  title: string;
  /** https://github.com/<owner>/<repo>/pull/<number> (or the GHE host). */
  url: string;
  baseRef: string;
}

/** The web address of a commit of the PR's repository. */
export const commitUrl = (pr: SourcePullRequest, sha: string): string => pr.url.replace(/\/pull\/\d+$/, `/commit/${sha}`);

/** The page that opens a pull request from `head` into `base`. */
export const compareUrl = (pr: SourcePullRequest, base: string, head: string): string =>
  pr.url.replace(/\/pull\/\d+$/, `/compare/${encodeURI(base)}...${encodeURI(head)}?expand=1`);

/** GitHub refuses pull request titles longer than 256 characters. */
export const TITLE_LIMIT = 256;

/** A title cut to GitHub's limit, with an ellipsis when cut (by code points, never halving a character). */
export const cutTitle = (title: string): string => {
  const characters = [...title];
  return characters.length <= TITLE_LIMIT ? title : `${characters.slice(0, TITLE_LIMIT - 1).join("")}…`;
};

export const backportTitle = (target: string, title: string): string => cutTitle(`[Backport ${target}] ${title}`);

/**
 * A GitHub-signed commit names no custom author, so the person who made the change is credited
 * the way GitHub shows co-authors: a `Co-authored-by` trailer, in its own last paragraph.
 */
export const coAuthoredBy = (message: string, author: { name: string; email: string }): string =>
  `${message.trimEnd()}\n\nCo-authored-by: ${author.name.replace(/[<>\n]/g, "")} <${author.email.replace(/[<>\n]/g, "")}>\n`;

export const backportBody = (pr: SourcePullRequest, target: string, change: MergedChange): string =>
  [
    `Backport of #${pr.number} to \`${target}\`.`,
    "",
    `- Original pull request: ${pr.url}`,
    `- Merge commit: [\`${change.tip.slice(0, 7)}\`](${commitUrl(pr, change.tip)}) (${describeMethod(change)} into \`${pr.baseRef}\`)`,
    `- The whole change, cherry-picked onto \`${target}\` as one commit by Hotfix Governance.`,
    "",
    markers.backportPullRequest(pr.number, target),
  ].join("\n");

/**
 * The backport commit's message, ending with `(cherry picked from commit <sha>)` as
 * `git cherry-pick -x` writes it. A squash keeps its own message; a merge commit or a rebase
 * is summed up by the PR's title and its commits' subjects.
 */
export const cherryPickMessage = (input: { pr: SourcePullRequest; change: MergedChange; mergeMessage: string; commitMessages: string[] }): string => {
  const { pr, change, mergeMessage, commitMessages } = input;
  if (change.method === "squash") return `${mergeMessage.trim()}\n\n${cherryPickedLine(change.tip)}\n`;
  const subjects = change.method === "rebase" && commitMessages.length > 1 ? commitMessages.map((message) => `* ${message.split("\n")[0]}`).join("\n") + "\n\n" : "";
  return `${pr.title} (#${pr.number})\n\n${subjects}${cherryPickedLine(change.tip)}\n`;
};

/**
 * Temporary commits: `[skip ci]` in the subject and `skip-checks: true` as a trailer, so neither
 * Actions nor other CI runs on a commit nobody will ever review.
 */
export const temporaryCommitMessage = (number: number, target: string): string =>
  `Backport #${number} to ${target}: temporary commit [skip ci]\n\n\nskip-checks: true\n`;

/** Quotes a word for POSIX shells only when it needs it. */
export const shellQuote = (word: string): string => (/^[A-Za-z0-9._\/@%+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * The exact commands that make the backport by hand in a clone whose `origin` is the
 * repository: the same change, picked the same way (`-m 1` for a merge commit, the whole range
 * for a rebase), then pushed for a pull request.
 */
export const manualCommands = (pr: SourcePullRequest, target: string, change: MergedChange, remote = "origin"): string => {
  const branch = backportBranch(pr.number, target);
  const pick =
    change.method === "merge"
      ? `git cherry-pick -x -m 1 ${change.tip}`
      : change.method === "rebase"
        ? `git cherry-pick -x ${change.parent}..${change.tip}`
        : `git cherry-pick -x ${change.tip}`;
  const fetch = pr.baseRef === target ? [shellQuote(target)] : [shellQuote(target), shellQuote(pr.baseRef)];
  return [
    `git fetch ${remote} ${fetch.join(" ")}`,
    `git checkout -b ${shellQuote(branch)} ${shellQuote(`${remote}/${target}`)}`,
    pick,
    `git push ${remote} ${shellQuote(branch)}`,
  ].join("\n");
};

const HEADLINES: Record<BackportOutcome["status"], string> = {
  created: "Backport opened",
  planned: "Backport planned (dry run)",
  conflict: "Conflict",
  missing_branch: "Missing target branch",
  already_applied: "Already applied",
  refused: "Refused by GitHub",
  failed: "Failed",
};

/** One target's section of a report comment: the marker, what happened, and what to do. */
export const outcomeSection = (pr: SourcePullRequest, outcome: BackportOutcome): string => {
  const reported = outcome.status !== "created" && outcome.status !== "planned";
  const lines = [...(reported ? [markers.failure(pr.number, outcome.target)] : []), `#### \`${outcome.target}\`: ${HEADLINES[outcome.status]}`, ""];
  if (outcome.pullRequest) lines.push(`Backport pull request: #${outcome.pullRequest.number}`, "");
  if (outcome.reason) lines.push(outcome.reason, "");
  if (outcome.manualCommands) {
    const branch = outcome.branch ?? backportBranch(pr.number, outcome.target);
    lines.push(
      "To do it by hand, in a clone of this repository:",
      "",
      "```shell",
      outcome.manualCommands,
      "```",
      "",
      `If \`git cherry-pick\` stops on conflicts, fix the files, \`git add\` them and run \`git cherry-pick --continue\` before pushing. Then [open the pull request](${compareUrl(pr, outcome.target, branch)}) into \`${outcome.target}\`.`,
      "",
    );
  }
  return lines.join("\n");
};

/** The comment on the original PR for the targets without a backport PR (failures, and changes already there). */
export const failureComment = (pr: SourcePullRequest, outcomes: BackportOutcome[]): string =>
  [
    // Named by target: other targets of the same merge may have been ported.
    `### #${pr.number} was not ported to ${outcomes.map((outcome) => `\`${outcome.target}\``).join(", ")}`,
    "",
    `Hotfix Governance opened no backport pull request for ${outcomes.map((outcome) => `\`${outcome.target}\``).join(", ")}. The failures are also action items of the postmortem.`,
    "",
    ...outcomes.map((outcome) => outcomeSection(pr, outcome)),
  ].join("\n");

/** The trial's report after a merge with `dry_run: true`: what each target would have got. */
export const dryRunComment = (pr: SourcePullRequest, outcomes: BackportOutcome[]): string =>
  [
    markers.dryRun(pr.number),
    `### Backports of #${pr.number} (dry run: nothing was created)`,
    "",
    "`dry_run: true` is set in `.github/hotfix.yml`, so Hotfix Governance created no branch and no pull request. Without it:",
    "",
    ...outcomes.map((outcome) => outcomeSection(pr, outcome)),
  ].join("\n");

/** A command quoted in a reply (a block quote is never read as a command again). */
export const quote = (text: string): string => text.split("\n").map((line) => `> ${line}`).join("\n");

/** The reply to a `/backport` command: what happened to each branch it named. */
export const commandReply = (input: { command: string; pr: SourcePullRequest; outcomes: BackportOutcome[]; ignored: Array<{ name: string; why: string }>; dryRun: boolean }): string => {
  const { command, pr, outcomes, ignored, dryRun } = input;
  const lines = [quote(command), ""];
  if (dryRun) lines.push("Dry run (`dry_run: true`): nothing was created.", "");
  for (const item of ignored) lines.push(`- \`${item.name}\`: skipped, ${item.why}.`);
  if (ignored.length > 0) lines.push("");
  for (const outcome of outcomes) lines.push(outcomeSection(pr, outcome));
  return lines.join("\n");
};
