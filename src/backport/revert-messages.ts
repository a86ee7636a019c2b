import type { MergedChange } from "./change.js";
import { cutTitle, shellQuote, type SourcePullRequest } from "./messages.js";
import { markers, revertBranch, revertedLine } from "./naming.js";

/** `Revert "<original title>"`, cut to GitHub's 256 characters. */
export const revertTitle = (title: string): string => cutTitle(`Revert "${title}"`);

/** The revert commit's message, as `git revert` writes it: the subject quoted, then the reverted commit. */
export const revertCommitMessage = (input: { pr: SourcePullRequest; change: MergedChange; mergeMessage: string }): string => {
  const subject = input.mergeMessage.split("\n")[0].trim() || `${input.pr.title} (#${input.pr.number})`;
  const range = input.change.method === "rebase" ? `\n\nThe ${input.change.commits} commits ${input.change.parent}..${input.change.tip} are reverted together.` : "";
  return `Revert "${subject}"\n\n${revertedLine(input.change.tip)}${range}\n\nReverts #${input.pr.number}.\n`;
};

/**
 * The revert PR's body: `Reverts #<n>` first, the incident and the reason, who ordered it; then
 * the sections the governance check requires (the revert is a hotfix too), filled so it can be
 * fast-tracked, each saying where the facts are.
 */
export const revertBody = (input: { pr: SourcePullRequest; incident: string | null; reason: string; commander: string; requiredSections: string[] }): string => {
  const { pr, incident, reason, commander } = input;
  const filled = (heading: string): string => {
    const name = heading.trim().toLowerCase();
    if (name === "incident") return incident ?? `The incident of #${pr.number}.`;
    if (name === "rollback plan") return `Revert this pull request (it re-applies #${pr.number}).`;
    return `See #${pr.number}: this pull request only reverts it.`;
  };
  return [
    `Reverts #${pr.number}`,
    "",
    ...(incident ? [`Incident: ${incident}`, ""] : []),
    `Reason: ${reason || "none given."}`,
    "",
    `Ordered by @${commander} with \`/revert-emergency\` on ${pr.url}. One commit that applies the inverse of the merged change, made by Hotfix Governance.`,
    "",
    ...input.requiredSections.flatMap((heading) => [`## ${heading}`, "", filled(heading), ""]),
    markers.revertPullRequest(pr.number),
  ].join("\n");
};

/** The commands that make the revert by hand in a clone whose `origin` is the repository. */
export const revertManualCommands = (pr: SourcePullRequest, change: MergedChange, remote = "origin"): string => {
  const branch = revertBranch(pr.number);
  const revert =
    change.method === "merge"
      ? `git revert --no-edit -m 1 ${change.tip}`
      : change.method === "rebase"
        ? `git revert --no-edit ${change.parent}..${change.tip}`
        : `git revert --no-edit ${change.tip}`;
  return [`git fetch ${remote} ${shellQuote(pr.baseRef)}`, `git checkout -b ${shellQuote(branch)} ${shellQuote(`${remote}/${pr.baseRef}`)}`, revert, `git push ${remote} ${shellQuote(branch)}`].join("\n");
};

/** Temporary commits of a revert never run CI either (`[skip ci]`, `skip-checks: true`). */
export const revertTemporaryMessage = (number: number): string => `Revert #${number}: temporary commit [skip ci]\n\n\nskip-checks: true\n`;
