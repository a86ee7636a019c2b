import { backportBranch } from "../backport/naming.js";
import { backportTitle } from "../backport/messages.js";
import { mergeTargets } from "../backport/targets.js";
import type { HotfixConfig } from "../config/schema.js";
import { postmortemTitle } from "../postmortem/markdown-text.js";
import type { PullRequestFacts } from "./facts.js";

type DryRunFacts = Pick<PullRequestFacts, "number" | "title" | "labels" | "baseRef" | "defaultBranch" | "author">;

const bold = (text: string) => `**${text.replace(/[*_`\\]/g, "\\$&")}**`;

/**
 * A trial (`dry_run: true`, SPEC §2) creates nothing, so the check output and the status comment
 * say what the merge of this hotfix would create: a backport branch and pull request per target
 * (computed as the merge will: configured targets, the default branch, `backport <branch>`
 * labels, minus the base), and the postmortem issue. Said before the merge, while people look.
 */
export const dryRunNote = (facts: DryRunFacts, config: HotfixConfig): string => {
  const { targets } = mergeTargets({ config, labels: facts.labels, baseRef: facts.baseRef, defaultBranch: facts.defaultBranch });
  const lines = ["🧪 **Dry run** (`dry_run: true`): the app creates no branch, pull request or issue. When this hotfix merges, it would:"];
  for (const target of targets) {
    lines.push(`- port it to \`${target}\`: branch \`${backportBranch(facts.number, target)}\` and pull request ${bold(backportTitle(target, facts.title))};`);
  }
  if (targets.length === 0) lines.push("- port it to no other branch (no backport target applies);");
  if (config.postmortem.enabled) {
    const people = [facts.author && !facts.author.isBot ? facts.author.login : null, ...config.postmortem.assignees.filter((login) => !login.endsWith("[bot]"))]
      .filter((login): login is string => Boolean(login))
      .filter((login, index, all) => all.findIndex((other) => other.toLowerCase() === login.toLowerCase()) === index);
    // Logins as code: the status comment is a comment, and a trial should not ping anyone.
    const assigned = people.length ? `, assigned to ${people.map((login) => `\`${login}\``).join(", ")}` : "";
    lines.push(`- open the postmortem issue ${bold(postmortemTitle(facts.title, facts.number))}${assigned}.`);
  } else {
    lines.push("- open no postmortem issue (`postmortem.enabled` is false).");
  }
  return lines.join("\n");
};
