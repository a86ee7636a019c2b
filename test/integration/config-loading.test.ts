import nock from "nock";
import { createTestApp, type TestApp } from "../support/app.js";
import { pullRequestEvent } from "../support/events.js";

/**
 * SPEC §2: a configuration that cannot be read completely is invalid, never a reason to use
 * defaults. GitHub answers 404 for a repository or file that does not exist and for a repository
 * the installation cannot see; Probot's loader takes both for "no config".
 */
const REPO = "acme/shop";
let t: TestApp;

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

const open = async (labels: string[] = ["hotfix"]) => {
  const pr = t.sim.addPull(REPO, { labels });
  await t.receive("pull_request", pullRequestEvent(t.sim, REPO, pr.number, "opened"));
  return t.sim.latestCheck(REPO, pr.head.sha)!;
};

describe("a source named by `_extends` that the installation cannot read fails the check, naming it", () => {
  test("a private repository of another account the app is not installed on (404, as if missing)", async () => {
    t = await createTestApp();
    t.sim.addRepo(REPO, { config: "_extends: other-org/policies\nscope:\n  max_files: 5\n" });
    t.sim.addRepo("other-org/policies", { config: "label: emergency\napprovals:\n  required: 3\n" });
    t.sim.invisibleRepositories.add("other-org/policies");
    const check = await open();
    expect(check).toMatchObject({ conclusion: "failure", output: { title: "Invalid configuration in .github/hotfix.yml" } });
    expect(check.output.summary).toContain("`other-org/policies:.github/hotfix.yml`");
    expect(check.output.summary).toContain("cannot read");
  });

  test("a repository that does not exist", async () => {
    t = await createTestApp();
    t.sim.addRepo(REPO, { config: "_extends: policies\n" });
    const check = await open();
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("`acme/policies:.github/hotfix.yml`");
  });

  test("a file that does not exist in a readable repository", async () => {
    t = await createTestApp();
    t.sim.addRepo(REPO, { config: "_extends: policies:governance/hotfix.yml\n" });
    t.sim.addRepo("acme/policies", { config: "label: emergency\n" });
    const check = await open();
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("`acme/policies:governance/hotfix.yml`");
  });

  test("the organisation's `.github` config extending an unreadable source", async () => {
    t = await createTestApp();
    t.sim.addRepo(REPO);
    t.sim.addRepo("acme/.github", { config: "_extends: other-org/policies\n" });
    t.sim.addRepo("other-org/policies", { config: "label: emergency\n" });
    t.sim.invisibleRepositories.add("other-org/policies");
    const check = await open();
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("`acme/.github:.github/hotfix.yml` extends `other-org/policies:.github/hotfix.yml`");
  });
});

describe("what can be read is used", () => {
  test("a readable `_extends` source is merged under the repository's own keys", async () => {
    t = await createTestApp();
    t.sim.addRepo(REPO, { config: "_extends: policies\nscope:\n  max_files: 5\n" });
    t.sim.addRepo("acme/policies", { config: "label: emergency\nscope:\n  max_files: 50\n  forbidden_paths: [\"src/**\"]\n" });
    const check = await open(["emergency"]);
    // The label and the forbidden path come from the source, the file limit from the repository.
    expect(check.conclusion).toBe("failure");
    expect(`${check.output.summary}\n${check.output.text}`).toContain("src/app.ts");
    expect(check.output.text).toContain("(limit 5)");
  });

  test("an organisation without a `.github` repository simply has no organisation config: the defaults", async () => {
    t = await createTestApp();
    t.sim.addRepo(REPO);
    const check = await open([]);
    expect(check).toMatchObject({ conclusion: "neutral", output: { title: "Not a hotfix: no emergency governance applies" } });
  });

  test("an organisation `.github` repository the app cannot see is no organisation config either (only `_extends` names a source)", async () => {
    t = await createTestApp();
    t.sim.addRepo(REPO);
    t.sim.addRepo("acme/.github", { config: "label: emergency\n" });
    t.sim.invisibleRepositories.add("acme/.github");
    const check = await open([]);
    expect(check.conclusion).toBe("neutral");
  });
});
