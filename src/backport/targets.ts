import type { HotfixConfig } from "../config/schema.js";

/** Why a requested branch is not a target. */
export interface IgnoredTarget {
  name: string;
  why: string;
}

export interface TargetPlan {
  /** Branches to port to, in order: configured, default branch, labels (or the command's list). */
  targets: string[];
  ignored: IgnoredTarget[];
}

/**
 * A branch name git and GitHub accept (git check-ref-format rules for `refs/heads/<name>`).
 * Names are also printed in shell commands, so anything else is refused before it gets there.
 */
export const isValidBranchName = (name: string): boolean => {
  if (name.length === 0 || name.length > 255) return false;
  if (name.startsWith("/") || name.endsWith("/") || name.endsWith(".") || name.startsWith("-")) return false;
  if (name === "@" || name.includes("..") || name.includes("//") || name.includes("@{")) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  return name.split("/").every((part) => part.length > 0 && !part.startsWith(".") && !part.endsWith(".lock"));
};

const add = (plan: TargetPlan, name: string, baseRef: string): void => {
  const branch = name.trim().replace(/^refs\/heads\//, "");
  if (!isValidBranchName(branch)) {
    plan.ignored.push({ name, why: "not a valid branch name" });
    return;
  }
  if (branch === baseRef) {
    plan.ignored.push({ name: branch, why: "the pull request was merged into it" });
    return;
  }
  if (!plan.targets.includes(branch)) plan.targets.push(branch);
};

/**
 * The targets of a merged hotfix (SPEC §5): `backport.targets`, the default branch when
 * `forward_port_to_default` applies, and every `<label_prefix><branch>` label, minus the PR's
 * own base. Duplicates count once.
 */
export const mergeTargets = (input: { config: HotfixConfig; labels: string[]; baseRef: string; defaultBranch: string | null }): TargetPlan => {
  const { config, labels, baseRef, defaultBranch } = input;
  const plan: TargetPlan = { targets: [], ignored: [] };
  for (const target of config.backport.targets) add(plan, target, baseRef);
  if (config.backport.forward_port_to_default && defaultBranch && defaultBranch !== baseRef) add(plan, defaultBranch, baseRef);
  const prefix = config.backport.label_prefix;
  for (const label of labels) {
    if (label.length > prefix.length && label.toLowerCase().startsWith(prefix.toLowerCase())) add(plan, label.slice(prefix.length), baseRef);
  }
  return plan;
};

/** The targets a `/backport` command names, minus the PR's own base. */
export const commandTargets = (requested: string[], baseRef: string): TargetPlan => {
  const plan: TargetPlan = { targets: [], ignored: [] };
  for (const name of requested) add(plan, name, baseRef);
  return plan;
};
