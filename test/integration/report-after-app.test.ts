import nock from "nock";
import { clockAt, fakeDateOnly } from "../support/clock.js";
import { issueCommentEvent } from "../support/events.js";
import { disposeAllGitRepos } from "../support/git/git-repo.js";
import { cartFix, createScenario, openLabelledHotfix, REPO, type Scenario } from "../support/git/scenario.js";
import { runReportInProcess } from "../support/report-run.js";
import { addRuleset, appBypass } from "../support/simulator/routes-merge.js";

/**
 * The report reads what the real app wrote: its `Hotfix governance` check on the head, the
 * approval it counted, and its fast-track merge (`/merge-emergency`) with the record in the merge
 * commit — no hand-written stand-ins.
 */
const CONFIG = `
approvals:
  users: [lead]
postmortem:
  enabled: false
backport:
  forward_port_to_default: false
`;
const T0 = Date.parse("2026-11-30T10:00:00.000Z");
let s: Scenario;
const at = clockAt(T0, () => s.t.sim);

fakeDateOnly();
afterAll(() => {
  nock.cleanAll();
  nock.restore();
  disposeAllGitRepos();
});

test("a hotfix approved and fast-tracked by the app: the report shows the app's verdict, the counted approval and who ordered the merge", async () => {
  s = await createScenario(CONFIG);
  at(0);
  cartFix(s);
  const pr = await openLabelledHotfix(s);
  addRuleset(s.t.sim, REPO, { name: "main", branches: ["~DEFAULT_BRANCH"], requiredApprovingReviewCount: 1, bypassActors: [appBypass("always")] });
  at(5);
  const approval = s.t.sim.addComment(REPO, pr.number, "lead", "/approve-emergency rollback checked");
  await s.t.receive("issue_comment", issueCommentEvent(s.t.sim, REPO, approval, "created"));
  at(10);
  const order = s.t.sim.addComment(REPO, pr.number, "dev", "/merge-emergency checkout is down");
  await s.t.receive("issue_comment", issueCommentEvent(s.t.sim, REPO, order, "created"));
  expect(s.t.sim.pull(REPO, pr.number).merged).toBe(true);

  const report = await runReportInProcess(
    { target: { kind: "repo", owner: "acme", name: "shop" }, since: "2026-11-30", until: "2026-11-30" },
    { now: new Date(T0 + 60 * 60_000) },
  );
  const head = s.t.sim.pull(REPO, pr.number).head.sha;
  expect(report.hotfixes).toHaveLength(1);
  expect(report.hotfixes[0]).toMatchObject({
    number: pr.number,
    merged_by: "hotfix-governance[bot]",
    fast_tracked: true,
    fast_track_ordered_by: "dev",
    verdict: "success",
    outside_governance: false,
    approvals: [{ login: "lead", commit: head, at: approval.createdAt.replace(/\.\d{3}Z$/, "Z"), status: "counted" }],
    backports: [],
    postmortem: null,
    review_after_merge: { status: "pending", reviewer: null },
  });
  expect(report.totals).toMatchObject({ hotfixes: 1, fast_tracked: 1, outside_governance: 0, postmortems_missing: 0 });
});
