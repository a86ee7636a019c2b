import type { ProbotOctokit } from "probot";
import type { PullRequestFacts, PushHistory, PushRecord } from "../governance/facts.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** The activity types that move a branch: what an approval must follow. */
const BRANCH_MOVES = new Set(["push", "force_push", "branch_creation", "branch_deletion"]);
/** One page is the rule; more only for a PR with more than 100 pushes since it was opened. */
const MAX_ACTIVITY_PAGES = 10;

const nextCursor = (link: string | undefined): string | null => {
  const next = link?.split(",").find((part) => /rel="next"/.test(part));
  const url = next?.match(/<([^>]+)>/)?.[1];
  return url ? new URL(url).searchParams.get("after") : null;
};

const statusOf = (error: unknown): number | undefined => (error as { status?: number })?.status;

/**
 * The pushes to the PR's head branch, from GitHub's record of them: the head repository's
 * activity (`GET /repos/{owner}/{repo}/activity?ref=refs/heads/<branch>`, newest first, 100 a
 * page). One request in the usual case; further pages only while the listed pushes are all newer
 * than the PR (who pushed since it was opened are makers). A fork the installation cannot read
 * answers 404/403: the history is "unavailable" (the approvals fail closed and say why). Other
 * errors throw: the caller fails the check closed. The timeline's force-pushes already in the
 * facts are kept (they are the same record, seen from the PR).
 */
export const readPushHistory = async (octokit: Octokit, facts: Pick<PullRequestFacts, "headRepository" | "headRef" | "createdAt" | "pushes">): Promise<PushHistory> => {
  const timeline = facts.pushes.records.filter((record) => record.source === "timeline");
  if (!facts.headRepository) return { state: "unavailable", repository: null, complete: false, records: timeline };
  const [owner, repo] = facts.headRepository.split("/");
  const ref = `refs/heads/${facts.headRef}`;
  const records: PushRecord[] = [];
  let after: string | null = null;
  let complete = false;
  for (let page = 0; page < MAX_ACTIVITY_PAGES; page++) {
    let response;
    try {
      response = await octokit.request("GET /repos/{owner}/{repo}/activity", { owner, repo, ref, per_page: 100, ...(after ? { after } : {}) });
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 403) {
        return { state: "unavailable", repository: facts.headRepository, complete: false, records: timeline };
      }
      throw error;
    }
    for (const item of response.data) {
      if (item.ref !== ref || !BRANCH_MOVES.has(item.activity_type)) continue;
      records.push({
        after: item.after,
        before: item.before ?? null,
        actor: item.actor?.login ?? null,
        at: item.timestamp,
        type: item.activity_type as PushRecord["type"],
        source: "activity",
      });
    }
    after = nextCursor(response.headers.link);
    const oldest = response.data.at(-1);
    if (!after || (oldest && Date.parse(oldest.timestamp) < Date.parse(facts.createdAt))) {
      complete = true;
      break;
    }
  }
  return { state: "read", repository: facts.headRepository, complete, records: [...records, ...timeline] };
};
