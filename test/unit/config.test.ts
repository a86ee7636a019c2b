import { readFileSync } from "node:fs";
import { defaultConfig, HotfixConfig } from "../../src/config/schema.js";
import { JSON_SCHEMA_FILE, renderJsonSchema } from "../../src/config/json-schema.js";
import { describeLoadError, validateConfig, validateConfigText } from "../../src/config/validate-config.js";

describe("defaults", () => {
  test("an empty file gives the SPEC defaults", () => {
    const config = defaultConfig();
    expect(config).toMatchObject({
      label: "hotfix",
      dry_run: false,
      report_all_pull_requests: true,
      base_branches: [],
      scope: { max_files: 20, max_changed_lines: 500, forbidden_paths: [] },
      body: { required_sections: ["Incident", "Rollback plan"], incident_pattern: null },
      required_checks: [],
      approvals: { required: 1, users: [], teams: [], min_permission: "maintain", allow_author: false, dismiss_on_push: true, rules: [] },
      request_reviews: true,
      backport: { targets: [], forward_port_to_default: true, label_prefix: "backport ", labels: ["backport"] },
      postmortem: { enabled: true, labels: ["postmortem"], assignees: [], due_in_days: 5, template: null },
    });
  });

  test("a partial section keeps the other defaults of that section", () => {
    const result = validateConfig({ scope: { max_files: 3 } });
    expect(result.ok && result.config.scope).toEqual({ max_files: 3, max_changed_lines: 500, forbidden_paths: [] });
  });

  test("null (an empty YAML file) is the defaults", () => {
    expect(validateConfig(null)).toEqual({ ok: true, config: defaultConfig() });
  });

  test("_extends is Probot's key, accepted and not ours", () => {
    expect(validateConfig({ _extends: ".github", label: "urgent" })).toMatchObject({ ok: true, config: { label: "urgent" } });
  });
});

describe("invalid configuration names the key, what was found and what is allowed", () => {
  test.each([
    [{ lable: "hotfix" }, "lable", /unknown key "lable"; allowed keys here: .*label/],
    [{ scope: { max_file: 2 } }, "scope.max_file", /unknown key "max_file".*max_files/],
    [{ approvals: { min_permission: "owner" } }, "approvals.min_permission", /found "owner"; allowed: "admin", "maintain", "write"/],
    [{ scope: { max_files: "ten" } }, "scope.max_files", /found "ten"; expected number/],
    [{ dry_run: "yes" }, "dry_run", /found "yes"; expected boolean/],
    [{ body: { incident_pattern: "INC-(" } }, "body.incident_pattern", /found "INC-\("; expected a valid JavaScript regular expression/],
    [{ scope: { forbidden_paths: ["/abs/**"] } }, "scope.forbidden_paths[0]", /a valid glob relative to the repository root/],
    [{ scope: { forbidden_paths: [""] } }, "scope.forbidden_paths[0]", /non-empty/],
    [{ approvals: { required: -1 } }, "approvals.required", /found -1; expected a number >= 0/],
    [{ approvals: { rules: [{ teams: ["dba"] }] } }, "approvals.rules[0].paths", /found nothing; expected array/],
    [{ postmortem: { due_in_days: 1000 } }, "postmortem.due_in_days", /at most 365/],
    [["a"], "", /expected a mapping/],
  ])("%j → %s", (raw, path, message) => {
    const result = validateConfig(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problem = result.problems.find((candidate) => candidate.path === path);
    expect(problem?.message).toMatch(message);
  });

  test("every bad key is reported, not just the first", () => {
    const result = validateConfig({ lable: 1, dry_run: 2, scope: { max_files: 0 } });
    expect(result.ok ? [] : result.problems.map((problem) => problem.path).sort()).toEqual(["dry_run", "lable", "scope.max_files"]);
  });
});

describe("config text (CLI validator)", () => {
  test("YAML syntax errors carry their line", () => {
    const result = validateConfigText("label: hotfix\nscope:\n  max_files: [1, 2\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0].message).toMatch(/invalid YAML/);
    expect(result.problems[0].line).toBeGreaterThanOrEqual(3);
  });

  test("schema problems carry the line of their key", () => {
    const result = validateConfigText("label: hotfix\napprovals:\n  required: 1\n  min_permission: owner\n");
    expect(result.ok ? null : result.problems[0]).toMatchObject({ path: "approvals.min_permission", line: 4 });
  });

  test("a valid file is valid", () => {
    expect(validateConfigText("approvals:\n  users: [alice]\n").ok).toBe(true);
  });
});

describe("Probot loader errors", () => {
  test("an invalid-YAML error from Probot's config plugin becomes a problem with the line", () => {
    const cause = Object.assign(new Error("Nested mappings are not allowed in compact mappings at line 2, column 8"), { linePos: [{ line: 2, col: 8 }] });
    const error = new Error("[@probot/octokit-plugin-config] Configuration could not be parsed from x (invalid YAML)", { cause });
    expect(describeLoadError(error)).toMatchObject({ line: 2, message: expect.stringMatching(/invalid YAML: Nested mappings/) });
  });

  test("other errors are not config problems (the caller fails closed)", () => {
    expect(describeLoadError(Object.assign(new Error("Server Error"), { status: 502 }))).toBeUndefined();
  });
});

test("the committed JSON Schema is generated from the zod schema (run `npm run schema`)", () => {
  expect(readFileSync(JSON_SCHEMA_FILE, "utf8")).toBe(renderJsonSchema());
});

test("the JSON Schema knows every top-level key", () => {
  const schema = JSON.parse(readFileSync(JSON_SCHEMA_FILE, "utf8"));
  expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(HotfixConfig.shape).sort());
  expect(schema.additionalProperties).toBe(false);
});

describe("names GitHub limits", () => {
  const problems = (input: unknown) => {
    const parsed = HotfixConfig.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  };
  test.each([
    [{ label: "x".repeat(51) }, "label: a label name of at most 50 characters"],
    [{ backport: { labels: ["y".repeat(51)] } }, "backport.labels.0: a label name of at most 50 characters"],
    [{ approvals: { teams: [".."] } }, "approvals.teams.0: a team slug (lowercase slug or org/slug), never `.` or `..`"],
    [{ approvals: { teams: ["acme/."] } }, "approvals.teams.0: a team slug (lowercase slug or org/slug), never `.` or `..`"],
    [{ approvals: { teams: ["acme/sre/extra"] } }, "approvals.teams.0: a team slug (lowercase slug or org/slug)"],
    [{ approvals: { teams: ["SRE"] } }, "approvals.teams.0: a team slug (lowercase slug or org/slug)"],
    [{ merge: { method: "fast-forward" } }, "merge.method"],
  ])("%j is refused", (input, expected) => {
    expect(problems(input).join("\n")).toContain(expected);
  });
  test("50-character labels, dotted slugs and the new keys are accepted", () => {
    expect(problems({ label: "x".repeat(50), approvals: { teams: ["acme/sre.oncall", "db_a"], expire_after_hours: 4 }, merge: { auto: true } })).toEqual([]);
  });
});
