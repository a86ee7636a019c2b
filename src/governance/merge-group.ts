import type { HotfixConfig } from "../config/schema.js";
import type { CheckOutput } from "./check-output.js";
import { isHotfix } from "./evaluate-hotfix.js";

/** A PR whose changes are in a merge group commit. */
export interface GroupMember {
  number: number;
  labels: string[];
  /** This app's newest verdict on the PR's head commit; null when it has none. */
  verdict: { status: string; conclusion: string | null; title: string | null } | null;
}

/** `refs/heads/gh-readonly-queue/<base>/pr-<number>-<head sha>`: the PR a merge group was made for. */
export const parseMergeGroupRef = (headRef: string): { baseBranch: string; number: number; headSha: string } | null => {
  const match = /^refs\/heads\/gh-readonly-queue\/(.+)\/pr-(\d+)-([0-9a-f]{40})$/.exec(headRef);
  return match ? { baseBranch: match[1], number: Number(match[2]), headSha: match[3] } : null;
};

/**
 * The PRs a group commit contains: the one its `head_ref` names and those ahead of it in the
 * queue (GitHub builds each group on top of the groups ahead). When the queue does not list the
 * named PR, the PRs ahead are unknown (null): the verdict then fails closed.
 */
export const groupMembers = <T extends { number: number; position: number | null }>(named: T, entries: T[]): T[] | null => {
  const position = entries.find((entry) => entry.number === named.number)?.position ?? named.position;
  if (position == null) return null;
  return [...entries.filter((entry) => entry.position != null && entry.position < position), named];
};

const describe = (member: GroupMember): string => {
  if (!member.verdict) return "has no `Hotfix governance` verdict on its head commit";
  if (member.verdict.status !== "completed") return `is still waiting (${member.verdict.title ?? "in progress"})`;
  return `has the verdict \`${member.verdict.conclusion}\` (${member.verdict.title ?? "no title"})`;
};

/**
 * `success` when every PR in the group is either not a hotfix or has a `success` verdict on its
 * head; otherwise `failure` naming each PR that holds the group back.
 */
export const mergeGroupCheckOutput = (members: GroupMember[] | null, config: HotfixConfig, namedNumber: number): CheckOutput => {
  if (members === null) {
    return {
      status: "completed",
      conclusion: "failure",
      title: `Merge group not verified: #${namedNumber} is not in the merge queue`,
      summary: `GitHub's merge queue does not list #${namedNumber}, so the pull requests merged with it cannot be known and none can be vouched for.`,
      text: "Queue the pull request again; the group gets a new check.",
    };
  }
  const hotfixes = members.filter((member) => isHotfix(member.labels, config));
  const blocking = hotfixes.filter((member) => member.verdict?.status !== "completed" || member.verdict.conclusion !== "success");
  const list = members.map((member) => `- #${member.number}: ${isHotfix(member.labels, config) ? `hotfix, ${describe(member)}` : "not a hotfix"}`).join("\n");
  if (blocking.length > 0) {
    return {
      status: "completed",
      conclusion: "failure",
      title: `Hotfix ${blocking.map((member) => `#${member.number}`).join(", ")} not cleared by emergency governance`,
      summary: `This merge group contains ${blocking.map((member) => `#${member.number} (a hotfix that ${describe(member)})`).join(", ")}. A hotfix merges only with a \`success\` verdict on its head.`,
      text: list,
    };
  }
  return {
    status: "completed",
    conclusion: "success",
    title: hotfixes.length ? `Every hotfix in this merge group is cleared (${hotfixes.map((member) => `#${member.number}`).join(", ")})` : "No hotfix in this merge group",
    summary: `The ${members.length === 1 ? "pull request" : `${members.length} pull requests`} in this merge group ${hotfixes.length ? "are either not hotfixes or have a `success` verdict" : "carry no hotfix label"}.`,
    text: list,
  };
};
