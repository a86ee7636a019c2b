import nock from "nock";
import pino from "pino";
import type { BackportOutcome } from "../../src/backport/outcome.js";
import { HotfixConfig } from "../../src/config/schema.js";
import type { MergedPullRequest } from "../../src/flows/after-merge.js";
import type { Delivery } from "../../src/flows/delivery.js";
import { gitHubGateway } from "../../src/github/gateway.js";
import { ensurePostmortem } from "../../src/flows/postmortem.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { INSTALLATION_ID, issueCommentEvent, pullRequestEvent } from "../support/events.js";
import { approvalsRecordLine } from "../../src/governance/approvals/evaluate-approvals.js";
import { sha, SIM_APP } from "../support/simulator/index.js";
import { addIssue, appBot, changeLabel } from "../support/simulator/routes-issues.js";
import type { SimPull } from "../support/simulator/state.js";

const REPO = "acme/shop";
const OPENED = "2024-05-01T10:00:00.000Z";
let t: TestApp;

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

const setup = async (config = "", options: { assignable?: string[] } = {}) => {
  t = await createTestApp();
  t.sim.setTime(OPENED);
  // The review after merge (SPEC §8) adds its own comment; test/integration/review-after-merge.test.ts covers it.
  t.sim.addRepo(REPO, { config: `${config}\nreview_after_merge:\n  required: false\n` });
  for (const login of options.assignable ?? ["dev", "lead"]) t.sim.setPermission(REPO, login, "write");
  t.sim.setPermission(REPO, "lead", "maintain");
};

/** A hotfix opened at 10:00, labelled 10:05, approved by @lead at 10:20 (the app's 👍), merged by @lead at 10:50. */
const mergedHotfix = (options: { title?: string; labels?: string[]; approve?: boolean; author?: string } = {}): SimPull => {
  const pr = t.sim.addPull(REPO, { title: options.title ?? "Fix checkout crash", author: options.author ?? "dev", labels: options.labels ?? ["sev1"] });
  t.sim.setTime("2024-05-01T10:05:00.000Z");
  changeLabel(t.sim, REPO, pr.number, "labeled", "hotfix", pr.user.login);
  if (options.approve !== false) {
    t.sim.setTime("2024-05-01T10:20:00.000Z");
    const comment = t.sim.addComment(REPO, pr.number, "lead", "/approve-emergency rollback is ready");
    t.sim.repo(REPO).reactions.push({ id: t.sim.id(), subject: "comment", subjectId: comment.id, user: appBot(t.sim), content: "+1", createdAt: t.sim.now() });
    // What the app's check wrote on the head when it counted the approval.
    const record = approvalsRecordLine({ head: pr.head.sha, counted: [{ login: "lead", commit: pr.head.sha, at: comment.createdAt, expires_at: null }], not_counted: [] });
    t.sim.addCheckRun(REPO, { headSha: pr.head.sha, name: "Hotfix governance", app: SIM_APP, output: { title: "Hotfix governance passed", summary: "", text: record } });
  }
  t.sim.setTime("2024-05-01T10:50:00.000Z");
  merge(pr);
  return pr;
};

const merge = (pr: SimPull, by = "lead") => {
  const at = t.sim.now();
  Object.assign(pr, { state: "closed", merged: true, mergedAt: at, closedAt: at, mergeCommitSha: sha(`merge-${pr.number}`), mergedBy: t.sim.user(by) });
};

const closedEvent = (pr: SimPull) => pullRequestEvent(t.sim, REPO, pr.number, "closed", { sender: pr.mergedBy?.login ?? pr.user.login });
const issues = () => [...t.sim.repo(REPO).issues.values()];
const prComments = (pr: SimPull) => t.sim.repo(REPO).issueComments.filter((comment) => comment.issueNumber === pr.number && comment.user.login === appBot(t.sim).login);
const postmortemRequests = () =>
  t.sim.requests.filter(
    (request) =>
      (request.path === "/graphql" && /PullRequestHistory/.test(request.body?.query ?? "")) ||
      /\/issues(\/|$)|\/assignees\//.test(request.path),
  );

describe("a merged hotfix", () => {
  test("gets exactly one postmortem issue, filled from GitHub, linked on the PR: 6 requests, 2 writes", async () => {
    await setup("postmortem:\n  assignees: [lead]\n");
    const pr = mergedHotfix();
    t.sim.reset();
    const before = (await t.runtime.metrics.postmortems.get()).values[0]?.value ?? 0;
    const leadTime = async (span: string, field: "count" | "sum") =>
      (await t.runtime.metrics.leadTime.get()).values.find((value) => value.labels.span === span && value.metricName === `hotfix_lead_time_seconds_${field}`)?.value ?? 0;
    const [mergeCount, mergeSum, approvalSum] = [await leadTime("label_to_merge", "count"), await leadTime("label_to_merge", "sum"), await leadTime("label_to_first_approval", "sum")];

    await t.receive("pull_request", closedEvent(pr));

    expect(issues()).toHaveLength(1);
    const [issue] = issues();
    expect(issue.title).toBe(`Postmortem: Fix checkout crash (#${pr.number})`);
    expect(issue.labels).toEqual(["postmortem", "sev1"]);
    expect(issue.assignees).toEqual(["dev", "lead"]);
    expect(issue.user.login).toBe("hotfix-governance[bot]");
    const body = issue.body!;
    expect(body).toContain(`<!-- hotfix-governance:postmortem pr=${pr.number} -->`);
    expect(body).toContain("<!-- hotfix-governance:due=2024-05-06 -->");
    expect(body).toContain(`[#${pr.number} Fix checkout crash](https://github.com/${REPO}/pull/${pr.number})`);
    expect(body).toContain(`(https://github.com/${REPO}/commit/${pr.mergeCommitSha})`);
    expect(body).toContain("| Incident | INC-1 checkout is down |");
    expect(body).toContain("| Merged by | @lead, 2024-05-01 10:50 UTC |");
    expect(body).toContain("| Approvers | @lead |");
    expect(body).toContain("| 2024-05-01 10:00 | Pull request #1 opened by @dev |");
    expect(body).toContain("| 2024-05-01 10:05 | Labelled `hotfix` by @dev |");
    expect(body).toMatch(/\| 2024-05-01 10:20 \| Emergency approval by @lead \(\[comment\]\(https:\/\/github\.com\/acme\/shop\/pull\/1#issuecomment-\d+\)\) \|/);
    expect(body).toContain("| 2024-05-01 10:50 | Merged by @lead as `");
    expect(body).toContain("| Label → first approval | 15 min |");
    expect(body).toContain("| Label → quorum (1 approval) | 15 min |");
    expect(body).toContain("| Label → merge | 45 min |");
    expect(body).toContain("| Opened → merge | 50 min |");
    expect(body).toContain("**2024-05-06**");
    for (const heading of ["Summary", "Impact", "Root cause", "Detection", "Resolution", "What went well", "What went badly", "Action items"]) {
      expect(body).toContain(`## ${heading}\n`);
    }
    expect(body).toContain("- [ ] Follow up the hotfix with the permanent fix for INC-1 checkout is down");

    const comments = prComments(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(`<!-- hotfix-governance:postmortem-comment pr=${pr.number} issue=${issue.number} -->`);
    expect(comments[0].body).toContain(`#${issue.number}, due **2024-05-06**, assigned to @dev, @lead.`);

    // history query, issue listing (crash-window fallback), 2 assignee checks, the issue, the PR comment
    expect(postmortemRequests().map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      "POST /graphql 200",
      `GET /repos/${REPO}/issues 200`,
      `GET /repos/${REPO}/assignees/dev 204`,
      `GET /repos/${REPO}/assignees/lead 204`,
      `POST /repos/${REPO}/issues 201`,
      `POST /repos/${REPO}/issues/${pr.number}/comments 201`,
    ]);
    expect(t.sim.unhandled).toEqual([]);
    expect((await t.runtime.metrics.postmortems.get()).values[0].value).toBe(before + 1);
    expect(await leadTime("label_to_merge", "count")).toBe(mergeCount + 1);
    expect(await leadTime("label_to_merge", "sum")).toBe(mergeSum + 45 * 60);
    expect(await leadTime("label_to_first_approval", "sum")).toBe(approvalSum + 15 * 60);
  });

  test("a redelivered merge event finds it again from the PR's history: one read, no write", async () => {
    await setup();
    const pr = mergedHotfix();
    await t.receive("pull_request", closedEvent(pr));
    const before = (await t.runtime.metrics.postmortems.get()).values[0].value;
    t.sim.reset();

    await t.receive("pull_request", closedEvent(pr));
    await t.receive("pull_request", closedEvent(pr));

    expect(issues()).toHaveLength(1);
    expect(prComments(pr)).toHaveLength(1);
    expect(postmortemRequests().map((request) => `${request.method} ${request.path}`)).toEqual(["POST /graphql", "POST /graphql"]);
    expect(t.sim.writes()).toEqual([]);
    expect((await t.runtime.metrics.postmortems.get()).values[0].value).toBe(before);
  });

  test("an earlier attempt that stopped after opening the issue is completed, not duplicated", async () => {
    await setup();
    const pr = mergedHotfix();
    // The issue exists (found by its marker) but the PR was never told; a template had no link to the PR.
    t.sim.setTime("2024-05-01T10:51:00.000Z");
    const earlier = addIssue(t.sim, REPO, { title: "Postmortem: Fix checkout crash (#1)", body: `<!-- hotfix-governance:postmortem pr=${pr.number} -->\nOur template` });
    t.sim.reset();

    await t.receive("pull_request", closedEvent(pr));

    expect(issues()).toHaveLength(1);
    expect(prComments(pr).map((comment) => comment.body)).toEqual([
      `<!-- hotfix-governance:postmortem-comment pr=${pr.number} issue=${earlier.number} -->\n📝 Postmortem for this hotfix: #${earlier.number}.`,
    ]);
    expect(t.sim.writes().map((request) => `${request.method} ${request.path}`)).toEqual([`POST /repos/${REPO}/issues/${pr.number}/comments`]);
  });

  test("an issue of someone else's that mentions the PR is not taken for the postmortem", async () => {
    await setup();
    const pr = mergedHotfix();
    addIssue(t.sim, REPO, { title: "Copy", author: "mallory", body: `<!-- hotfix-governance:postmortem pr=${pr.number} -->\nsee #${pr.number}` });

    await t.receive("pull_request", closedEvent(pr));

    expect(issues().filter((issue) => issue.user.login === "hotfix-governance[bot]")).toHaveLength(1);
  });

  test("a second run right after the first (the per-PR lock serializes concurrent deliveries) finds the first's issue", async () => {
    await setup();
    const pr = mergedHotfix();
    const config = HotfixConfig.parse({});
    const delivery = await flowDelivery();
    expect(await ensurePostmortem(delivery, payloadOf(pr), config, [])).toBe("created");
    expect(await ensurePostmortem(delivery, payloadOf(pr), config, [])).toBe("exists");
    expect(issues()).toHaveLength(1);
  });

  test("two deliveries of the merge at once (a redelivery racing the first) open one issue", async () => {
    await setup();
    const pr = mergedHotfix();

    await Promise.all([t.receive("pull_request", closedEvent(pr)), t.receive("pull_request", closedEvent(pr))]);

    expect(issues()).toHaveLength(1);
    expect(prComments(pr)).toHaveLength(1);
  });

  test("labels carry the PR's severity labels; a bot author and an unassignable lead are skipped and named", async () => {
    await setup("postmortem:\n  assignees: [lead, ghost]\n  labels: [postmortem, incident-review]\n");
    const pr = mergedHotfix({ author: "renovate[bot]", labels: ["severity:high", "P1", "frontend"] });
    t.sim.reset();

    await t.receive("pull_request", closedEvent(pr));

    const [issue] = issues();
    expect(issue.labels).toEqual(["postmortem", "incident-review", "severity:high", "P1"]);
    expect(issue.assignees).toEqual(["lead"]);
    expect(issue.body).toContain("| Assignees | @lead; not assigned: `renovate[bot]` (a bot account cannot be assigned), `ghost` (cannot be assigned in this repository) |");
    expect(issue.body).toContain("| Author | renovate[bot] |");
    expect(prComments(pr)[0].body).toContain("Not assigned: `renovate[bot]` (a bot account cannot be assigned), `ghost` (cannot be assigned in this repository).");
    // Bots are never looked up.
    expect(t.sim.requests.filter((request) => request.path.includes("/assignees/")).map((request) => request.path)).toEqual([
      `/repos/${REPO}/assignees/lead`,
      `/repos/${REPO}/assignees/ghost`,
    ]);
  });

  test("end to end: the approval the app accepted on the PR (its 👍) is the one the postmortem names; a refused one is not", async () => {
    await setup("postmortem:\n  assignees: [lead]\n");
    // The app dates a head commit by its own check run (real clock): the story happens just after now.
    const base = Date.now() + 60_000;
    const at = (minutes: number) => t.sim.setTime(new Date(base + minutes * 60_000).toISOString());
    at(0);
    const pr = t.sim.addPull(REPO, { author: "dev", labels: [] });
    at(5);
    changeLabel(t.sim, REPO, pr.number, "labeled", "hotfix", "dev");
    await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "labeled", { label: "hotfix", sender: "dev" }));
    at(12);
    const refused = t.sim.addComment(REPO, pr.number, "dev", "/approve-emergency my own fix");
    await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, refused, "created"));
    at(20);
    const accepted = t.sim.addComment(REPO, pr.number, "lead", "/approve-emergency rollback ready");
    await t.receive("issue_comment", issueCommentEvent(t.sim, REPO, accepted, "created"));
    const reactions = t.sim.repo(REPO).reactions.map((reaction) => [reaction.subjectId, reaction.content]);
    expect(reactions).toEqual([
      [refused.id, "-1"],
      [accepted.id, "+1"],
    ]);
    at(50);
    merge(pr);

    await t.receive("pull_request", closedEvent(pr));

    const body = issues()[0].body!;
    expect(body).toContain("| Approvers | @lead |");
    expect(body).toMatch(/Emergency approval by @lead \(\[comment\]/);
    expect(body).not.toContain("Emergency approval by @dev");
    expect(body).toContain("| Label → first approval | 15 min |");
    expect(body).toContain("| Label → merge | 45 min |");
  });

  test("no approval because the label came after the merge: the postmortem says so", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { author: "dev", labels: [] });
    t.sim.setTime("2024-05-01T11:00:00.000Z");
    merge(pr);
    t.sim.setTime("2024-05-01T11:00:30.000Z");
    changeLabel(t.sim, REPO, pr.number, "labeled", "hotfix", "lead");
    // The merge payload carried the label (GitHub's closed event raced the labelling).
    const payload = closedEvent(pr);

    await t.receive("pull_request", payload);

    const body = issues()[0].body!;
    expect(body).toContain("The `hotfix` label was added after the merge (2024-05-01 11:00 UTC): no emergency approval was collected");
    expect(body).toContain("| Label → merge | _label added after merge_ |");
    expect(body).toContain("- [ ] Review why #1 merged with 0 of 1 required emergency approvals");
  });
});

describe("no postmortem", () => {
  test("for a hotfix closed without merging", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
    Object.assign(pr, { state: "closed", closedAt: t.sim.now() });
    t.sim.reset();
    await t.receive("pull_request", closedEvent(pr));
    expect(issues()).toEqual([]);
    expect(postmortemRequests()).toEqual([]);
  });

  test("for a PR whose hotfix label was removed before the merge", async () => {
    await setup();
    const pr = t.sim.addPull(REPO, { labels: [] });
    changeLabel(t.sim, REPO, pr.number, "labeled", "hotfix");
    changeLabel(t.sim, REPO, pr.number, "unlabeled", "hotfix");
    merge(pr);
    t.sim.reset();
    await t.receive("pull_request", closedEvent(pr));
    expect(issues()).toEqual([]);
    expect(postmortemRequests()).toEqual([]);
  });

  test("when `postmortem.enabled` is false", async () => {
    await setup("postmortem:\n  enabled: false\n");
    const pr = mergedHotfix();
    t.sim.reset();
    await t.receive("pull_request", closedEvent(pr));
    expect(issues()).toEqual([]);
    expect(postmortemRequests()).toEqual([]);
  });

  test("in a dry run: the PR says what would be opened, once", async () => {
    await setup("dry_run: true\npostmortem:\n  assignees: [lead]\n");
    const pr = mergedHotfix();
    await t.receive("pull_request", closedEvent(pr));
    await t.receive("pull_request", closedEvent(pr));

    expect(issues()).toEqual([]);
    const comments = prComments(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(
      "🧪 Dry run (`dry_run: true`): a postmortem issue would be opened, titled **Postmortem: Fix checkout crash (#1)**, labelled `postmortem`, `sev1`, assigned to @dev, @lead, due **2024-05-06**.",
    );
    expect(t.sim.requests.filter((request) => request.method === "POST" && request.path === `/repos/${REPO}/issues`)).toEqual([]);
  });
});

describe("when the issue cannot be opened", () => {
  test("issues disabled (410): logged and said on the PR, never thrown; a redelivery writes nothing more", async () => {
    await setup();
    t.sim.repo(REPO).hasIssues = false;
    const pr = mergedHotfix();

    await t.receive("pull_request", closedEvent(pr));
    t.sim.reset();
    await t.receive("pull_request", closedEvent(pr));

    expect(issues()).toEqual([]);
    const comments = prComments(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(`<!-- hotfix-governance:postmortem-comment pr=${pr.number} issue=none -->`);
    expect(comments[0].body).toContain("could not open the postmortem issue **Postmortem: Fix checkout crash (#1)**: GitHub answered 410: Issues are disabled for this repo");
    expect(comments[0].body).toContain("<details><summary>The postmortem to open by hand</summary>");
    // the redelivery tried again (issues may have been enabled meanwhile) and left the same comment as it was
    expect(t.sim.writes().map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([`POST /repos/${REPO}/issues 410`]);
  });

  test("once issues are enabled again, a redelivery opens it and turns the failure comment into the link", async () => {
    await setup();
    t.sim.repo(REPO).hasIssues = false;
    const pr = mergedHotfix();
    await t.receive("pull_request", closedEvent(pr));
    t.sim.repo(REPO).hasIssues = true;

    await t.receive("pull_request", closedEvent(pr));

    expect(issues()).toHaveLength(1);
    const comments = prComments(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(`issue=${issues()[0].number} -->`);
  });
});

describe("templates", () => {
  const TEMPLATE = [
    "# {{pr.title}} (#{{ pr.number }})",
    "PR: {{pr.url}} · incident {{incident}} · merged by {{merged_by}} · approvers {{approvers}}",
    "Due {{due_date}}",
    "{{timeline}}",
    "{{backports}}",
    "## Notes",
  ].join("\n");

  test("a repository template replaces the default body, placeholders filled, markers kept", async () => {
    await setup("postmortem:\n  template: docs/postmortem.md\n");
    t.sim.setFile(REPO, "docs/postmortem.md", TEMPLATE);
    const pr = mergedHotfix();

    await t.receive("pull_request", closedEvent(pr));

    const body = issues()[0].body!;
    expect(body.startsWith(`<!-- hotfix-governance:postmortem pr=1 -->\n<!-- hotfix-governance:due=2024-05-06 -->\n\n# Fix checkout crash (#1)\n`)).toBe(true);
    expect(body).toContain(`PR: https://github.com/${REPO}/pull/1 · incident INC-1 checkout is down · merged by @lead · approvers @lead`);
    expect(body).toContain("Due 2024-05-06");
    expect(body).toContain("| 2024-05-01 10:05 | Labelled `hotfix` by @dev |");
    expect(body).toContain("_No backport targets._");
    expect(body).not.toContain("## Root cause");
    expect(prComments(t.sim.pull(REPO, 1))[0].body).not.toContain("template");
  });

  test("an unknown placeholder is reported on the PR and the default body is used", async () => {
    await setup("postmortem:\n  template: docs/postmortem.md\n");
    t.sim.setFile(REPO, "docs/postmortem.md", `${TEMPLATE}\n{{ owner }} {{pr.titel}}`);
    const pr = mergedHotfix();

    await t.receive("pull_request", closedEvent(pr));

    expect(issues()[0].body).toContain("## Root cause");
    const comment = prComments(pr)[0].body;
    expect(comment).toContain("The postmortem template `docs/postmortem.md` was not used: unknown placeholders `{{owner}}`, `{{pr.titel}}`. The default layout was used instead.");
    expect(comment).toContain("`{{pr.title}}`");
  });

  test("a missing template file is reported on the PR and the default body is used", async () => {
    await setup("postmortem:\n  template: docs/missing.md\n");
    const pr = mergedHotfix();

    await t.receive("pull_request", closedEvent(pr));

    expect(issues()[0].body).toContain("## Root cause");
    expect(prComments(pr)[0].body).toContain("The postmortem template `docs/missing.md` was not used: `docs/missing.md` does not exist on the default branch.");
  });
});

describe("backports in the postmortem", () => {
  test("each backport PR and failure is on the timeline; failures are action items", async () => {
    await setup();
    const pr = mergedHotfix();
    const backports: BackportOutcome[] = [
      { target: "release/1.2", status: "created", pullRequest: { number: 7, url: `https://github.com/${REPO}/pull/7` }, at: "2024-05-01T10:51:00.000Z" },
      { target: "release/1.1", status: "conflict", reason: "src/app.ts conflicts", at: "2024-05-01T10:52:00.000Z" },
      { target: "release/0.9", status: "missing_branch", at: "2024-05-01T10:52:30.000Z" },
    ];

    await ensurePostmortem(await flowDelivery(), payloadOf(pr), HotfixConfig.parse({}), backports);

    const body = issues()[0].body!;
    expect(body).toContain("| 2024-05-01 10:51 | Backport to `release/1.2` opened: #7 |");
    expect(body).toContain("| 2024-05-01 10:52 | Backport to `release/1.1` failed: src/app.ts conflicts |");
    expect(body).toContain("- [ ] Port #1 to `release/1.1` by hand (src/app.ts conflicts)");
    expect(body).toContain("- [ ] Port #1 to `release/0.9` by hand, or drop the target (the branch does not exist)");
    expect(body).not.toContain("Port #1 to `release/1.2`");
  });
});

/** A delivery as the flows see it, for calling a flow with outcomes the backport step would produce. */
const flowDelivery = async (): Promise<Delivery> => {
  const octokit = await t.probot.auth(INSTALLATION_ID);
  const query = <T>(document: string, variables?: Record<string, unknown>) => octokit.graphql<T>(document, variables);
  return {
    id: "flow-test",
    event: "pull_request.closed",
    actor: "lead",
    repo: { owner: "acme", repo: "shop" },
    github: gitHubGateway(octokit as never, query),
    log: pino({ level: "silent" }),
    appId: 1,
    now: () => new Date("2024-05-01T10:55:00.000Z"),
    config: async () => ({ ok: true, config: HotfixConfig.parse({}), path: ".github/hotfix.yml" }),
    withPullRequestLock: (_number: number, fn: () => Promise<unknown>) => fn(),
    runtime: t.runtime,
  } as unknown as Delivery;
};

const payloadOf = (pr: SimPull): MergedPullRequest => ({
  number: pr.number,
  title: pr.title,
  body: pr.body,
  url: `https://github.com/${REPO}/pull/${pr.number}`,
  labels: ["hotfix", ...pr.labels],
  author: pr.user.login,
  authorIsBot: pr.user.type === "Bot",
  baseRef: pr.base.ref,
  headRef: pr.head.ref,
  headSha: pr.head.sha,
  mergeCommitSha: pr.mergeCommitSha!,
  mergedAt: pr.mergedAt!,
  mergedBy: pr.mergedBy?.login ?? null,
  createdAt: pr.createdAt,
  fromFork: false,
  defaultBranch: "main",
  commitCount: pr.commits.length || 1,
});
