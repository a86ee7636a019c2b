import nock from "nock";
import { createTestApp, type TestApp } from "../support/app.js";
import { pullRequestEvent } from "../support/events.js";

const REPO = "acme/shop";
let t: TestApp;

beforeEach(async () => {
  t = await createTestApp();
  t.sim.addRepo(REPO);
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

test("a labelled PR gets the check", async () => {
  const pr = t.sim.addPull(REPO, { labels: ["hotfix"] });
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "labeled", { label: "hotfix" }));
  expect(t.sim.unhandled).toEqual([]);
  const run = t.sim.latestCheck(REPO, pr.head.sha)!;
  expect(run).toMatchObject({ name: "Hotfix governance", status: "in_progress", conclusion: null });
  expect(run.output.title).toMatch(/^Hotfix (waiting for|blocked)/);
});
