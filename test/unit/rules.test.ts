import { defaultConfig, type HotfixConfig } from "../../src/config/schema.js";
import { evaluateHotfix, isHotfix, outcomeOf } from "../../src/governance/evaluate-hotfix.js";
import type { HeadCheck, PullRequestFacts } from "../../src/governance/facts.js";
import { pass, pending, fail } from "../../src/governance/rule-result.js";
import { checkBaseBranch } from "../../src/governance/rules/base-branch.js";
import { checkBodySections, sectionsOf } from "../../src/governance/rules/body-sections.js";
import { checkForbiddenPaths } from "../../src/governance/rules/forbidden-paths.js";
import { checkIncident, incidentReference } from "../../src/governance/rules/incident.js";
import { checkRequiredChecks } from "../../src/governance/rules/required-checks.js";
import { checkScope } from "../../src/governance/rules/scope.js";

const config = (patch: (c: HotfixConfig) => void = () => {}): HotfixConfig => {
  const c = defaultConfig();
  patch(c);
  return c;
};

describe("base branch", () => {
  test.each([
    ["main", [], "pass"],
    ["release/1.2", [], "pass"],
    ["release/1.2/hot", [], "pass"],
    ["develop", [], "fail"],
    ["releases/1.2", [], "fail"],
    ["stable", ["stable", "lts/*"], "pass"],
    ["lts/2024", ["stable", "lts/*"], "pass"],
    ["main", ["stable"], "fail"],
  ])("%s with %j → %s", (baseRef, globs, status) => {
    const result = checkBaseBranch({ baseRef, defaultBranch: "main" }, config((c) => (c.base_branches = globs)));
    expect(result.status).toBe(status);
  });

  test("a failure lists what is allowed", () => {
    expect(checkBaseBranch({ baseRef: "develop", defaultBranch: "trunk" }, config()).summary).toBe(
      "`develop` is not a hotfix target; allowed: `trunk`, `release/**`.",
    );
  });
});

describe("scope", () => {
  test.each([
    [20, 250, 250, "pass", "pass"],
    [21, 0, 0, "fail", "pass"],
    [1, 400, 101, "pass", "fail"],
    [3000, 90000, 10, "fail", "fail"],
  ])("%d files, +%d −%d", (changedFiles, additions, deletions, files, lines) => {
    const [filesResult, linesResult] = checkScope({ changedFiles, additions, deletions }, config());
    expect([filesResult.status, linesResult.status]).toEqual([files, lines]);
  });
});

describe("forbidden paths", () => {
  const files = (...paths: string[]) => paths.map((path) => ({ path, additions: 1, deletions: 0, changeType: "MODIFIED" }));
  const globs = config((c) => (c.scope.forbidden_paths = [".github/workflows/**", "db/migrations/**", "*.lock"]));

  test.each([
    [["src/a.ts"], "pass"],
    [[".github/workflows/ci.yml"], "fail"],
    [["db/migrations/2024/01.sql", "src/a.ts"], "fail"],
    [["yarn.lock"], "fail"],
    [["packages/x/yarn.lock"], "pass"],
  ])("%j → %s", (paths, status) => {
    expect(checkForbiddenPaths({ files: files(...paths), filesComplete: true, changedFiles: paths.length }, globs).status).toBe(status);
  });

  test("no globs configured passes without looking", () => {
    expect(checkForbiddenPaths({ files: [], filesComplete: false, changedFiles: 5000 }, config()).status).toBe("pass");
  });

  test("an incomplete file list (GitHub's 3000-file cap) cannot be cleared", () => {
    const result = checkForbiddenPaths({ files: files("src/a.ts"), filesComplete: false, changedFiles: 3500 }, globs);
    expect(result.status).toBe("fail");
    expect(result.summary).toMatch(/listed only 1 of the 3500 changed files/);
  });

  test("a long list of touched paths is cut, saying how many more", () => {
    const many = files(...Array.from({ length: 30 }, (_, i) => `db/migrations/${i}.sql`));
    expect(checkForbiddenPaths({ files: many, filesComplete: true, changedFiles: 30 }, globs).details).toMatch(/… and 10 more/);
  });
});

describe("required sections", () => {
  const required = config();
  test.each([
    ["## Incident\nINC-1\n\n## Rollback plan\nrevert", "pass"],
    ["# incident:\nINC-1\n# ROLLBACK PLAN\nrevert", "pass"],
    ["## Incident\n\n## Rollback plan\nrevert", "fail"],
    ["## Incident\n<!-- describe the incident -->\n## Rollback plan\nrevert", "fail"],
    ["## Incident\nINC-1", "fail"],
    ["", "fail"],
    ["Incident: INC-1\nRollback plan: revert", "fail"],
    ["```\n## Incident\nx\n```\n## Rollback plan\nrevert", "fail"],
    ["## Incident\n### Details\nINC-1\n## Rollback plan\nrevert", "pass"],
  ])("%j → %s", (body, status) => {
    expect(checkBodySections(body, required).status).toBe(status);
  });

  test("the failure names each missing and empty section", () => {
    expect(checkBodySections("## Incident\n", required).summary).toBe(
      "The PR description needs: heading `Rollback plan` is missing; section `Incident` is empty.",
    );
  });

  test("no required sections passes", () => {
    expect(checkBodySections("", config((c) => (c.body.required_sections = []))).status).toBe("pass");
  });

  test("sections read the text under each heading", () => {
    expect(sectionsOf("# A\none\n## B\ntwo\n# C\n").get("a")).toBe("one\nB\ntwo");
    expect(sectionsOf("# A\none\n## B\ntwo\n# C\n").get("b")).toBe("two");
  });
});

describe("incident reference", () => {
  const pattern = config((c) => (c.body.incident_pattern = "INC-\\d+"));
  test.each([
    ["Fixes INC-1234 in checkout", "pass", "INC-1234"],
    ["Fixes inc-12", "fail", null],
    ["", "fail", null],
  ])("%j → %s", (body, status, reference) => {
    expect(checkIncident(body, pattern).status).toBe(status);
    expect(incidentReference(body, pattern)).toBe(reference);
  });

  test("without a pattern, the Incident section's first line is the reference", () => {
    expect(incidentReference("## Incident\nPD-77 payments down\nmore", config())).toBe("PD-77 payments down");
    expect(checkIncident("", config()).status).toBe("pass");
  });
});

describe("required checks", () => {
  const required = config((c) => (c.required_checks = ["build", "deploy/preview"]));
  const check = (
    name: string,
    status: HeadCheck["status"],
    conclusion: string | null,
    kind: HeadCheck["kind"] = "check_run",
    startedAt: string | null = "2026-01-01T10:00:00Z",
  ): HeadCheck => ({ name, kind, status, conclusion, completedAt: null, startedAt });
  const later = "2026-01-01T11:00:00Z";

  test.each([
    ["both succeeded", [check("build", "completed", "success"), check("deploy/preview", "completed", "success", "status")], ["pass", "pass"]],
    ["still running, never reported", [check("build", "pending", null)], ["pending", "pending"]],
    ["failure and error", [check("build", "completed", "failure"), check("deploy/preview", "completed", "error", "status")], ["fail", "fail"]],
    ["neutral passes, a pending status waits", [check("build", "completed", "neutral"), check("deploy/preview", "pending", null, "status")], ["pass", "pending"]],
    ["skipped passes", [check("build", "completed", "skipped")], ["pass", "pending"]],
    ["cancelled, timed out, action required fail", [check("build", "completed", "cancelled"), check("deploy/preview", "completed", "timed_out")], ["fail", "fail"]],
    // Another app's older run of the same name never stands in for the newer one.
    ["the newer failing run wins over an older success", [check("build", "completed", "success"), check("build", "completed", "failure", "check_run", later)], ["fail", "pending"]],
    ["the newer success wins over an older failure", [check("build", "completed", "failure", "check_run", later), check("build", "completed", "success", "check_run", "2026-01-01T12:00:00Z")], ["pass", "pending"]],
    ["a newer run still running waits", [check("build", "completed", "success"), check("build", "pending", null, "check_run", later)], ["pending", "pending"]],
    // Branch protection: a check run and a status of the same name must both pass.
    ["a check run and a status of one name: both must pass", [check("build", "completed", "success"), check("build", "completed", "failure", "status")], ["fail", "pending"]],
    ["a check run and a pending status of one name wait", [check("build", "completed", "success"), check("build", "pending", null, "status")], ["pending", "pending"]],
    ["a check run and a status that both passed", [check("build", "completed", "success"), check("build", "completed", "success", "status")], ["pass", "pending"]],
  ])("%s", (_name, checks, statuses) => {
    expect(checkRequiredChecks(checks, required).map((result) => result.status)).toEqual(statuses);
  });
});

describe("verdict", () => {
  test("failure beats pending beats success", () => {
    expect(outcomeOf([pass("a", "A", ""), pending("b", "B", ""), fail("c", "C", "")])).toBe("failure");
    expect(outcomeOf([pass("a", "A", ""), pending("b", "B", "")])).toBe("in_progress");
    expect(outcomeOf([pass("a", "A", "")])).toBe("success");
  });

  test("the label matches case-insensitively", () => {
    expect(isHotfix(["HotFix"], config())).toBe(true);
    expect(isHotfix(["hotfixes"], config())).toBe(false);
  });

  test("all rules run and the approvals rows are appended", () => {
    const facts = {
      baseRef: "main",
      defaultBranch: "main",
      changedFiles: 1,
      additions: 1,
      deletions: 0,
      files: [{ path: "a", additions: 1, deletions: 0, changeType: "MODIFIED" }],
      filesComplete: true,
      body: "## Incident\nx\n## Rollback plan\ny",
      headChecks: [],
    } as unknown as PullRequestFacts;
    const evaluation = evaluateHotfix(facts, config(), [pass("approvals", "Emergency approvals", "1 of 1")]);
    expect(evaluation.outcome).toBe("success");
    expect(evaluation.results.map((result) => result.id)).toEqual([
      "base-branch",
      "scope:files",
      "scope:lines",
      "forbidden-paths",
      "body-sections",
      "incident",
      "approvals",
    ]);
  });
});
