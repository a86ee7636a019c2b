import {
  hotfixCheckOutput,
  invalidConfigCheckOutput,
  notHotfixCheckOutput,
  planCheckWrite,
  type CheckOutput,
} from "../../src/governance/check-output.js";
import type { OwnCheckRun } from "../../src/governance/facts.js";
import { fail, pass, pending } from "../../src/governance/rule-result.js";

const run = (id: number, status: string, conclusion: string | null, output: Partial<CheckOutput> = {}): OwnCheckRun => ({
  id,
  status,
  conclusion,
  startedAt: "2026-01-01T00:00:00Z",
  title: output.title ?? "T",
  summary: output.summary ?? "S",
  text: output.text ?? "X",
});
const out = (status: CheckOutput["status"], conclusion: CheckOutput["conclusion"], title = "T"): CheckOutput => ({ status, conclusion, title, summary: "S", text: "X" });

describe("planCheckWrite", () => {
  test.each([
    ["no run yet → create", [], out("in_progress", null), "create", undefined],
    ["in progress, same text → none", [run(1, "in_progress", null)], out("in_progress", null), "none", undefined],
    ["in progress, new text → update in place", [run(1, "in_progress", null)], out("in_progress", null, "T2"), "update", 1],
    ["in progress → completed: update in place", [run(1, "in_progress", null)], out("completed", "success"), "update", 1],
    ["completed, same verdict and text → none", [run(1, "completed", "failure")], out("completed", "failure"), "none", undefined],
    ["completed, other verdict → new run", [run(1, "completed", "failure")], out("completed", "success"), "create", undefined],
    ["completed, same verdict, other text → new run", [run(1, "completed", "failure")], out("completed", "failure", "T2"), "create", undefined],
    ["completed → pending again → new run", [run(1, "completed", "failure")], out("in_progress", null), "create", undefined],
    ["the newest run decides", [run(1, "completed", "failure"), run(5, "in_progress", null)], out("in_progress", null, "T3"), "update", 5],
  ])("%s", (_name, runs, output, action, checkRunId) => {
    const plan = planCheckWrite(runs, output);
    expect(plan.action).toBe(action);
    expect(plan.checkRunId).toBe(checkRunId);
  });

  test("older runs still pending are superseded, never left behind", () => {
    const plan = planCheckWrite([run(1, "in_progress", null), run(2, "queued", null), run(3, "completed", "failure")], out("completed", "failure"));
    expect(plan).toEqual({ action: "none", supersede: [2, 1] });
  });
});

describe("check output", () => {
  test("failure lists only the failed rules in the summary and every rule in the text", () => {
    const output = hotfixCheckOutput({
      outcome: "failure",
      results: [pass("a", "Base branch allowed", "ok"), fail("b", "Changed files within scope", "30 files"), pending("c", "Emergency approvals", "0 of 1")],
    });
    expect(output).toMatchObject({ status: "completed", conclusion: "failure", title: "Hotfix blocked: 1 requirement failed" });
    expect(output.summary).toContain("❌ **Changed files within scope**: 30 files");
    expect(output.summary).not.toContain("Base branch");
    expect(output.text).toContain("✅ **Base branch allowed**: ok");
    expect(output.text).toContain("⏳ **Emergency approvals**: 0 of 1");
  });

  test("pending is in_progress with no conclusion and says what it waits for", () => {
    const output = hotfixCheckOutput({ outcome: "in_progress", results: [pass("a", "A", "ok"), pending("c", "Emergency approvals", "0 of 1")] });
    expect(output).toMatchObject({ status: "in_progress", conclusion: null, title: "Hotfix waiting for: Emergency approvals" });
  });

  test("success", () => {
    expect(hotfixCheckOutput({ outcome: "success", results: [pass("a", "A", "ok")] })).toMatchObject({ status: "completed", conclusion: "success" });
  });

  test("very long output is clipped to GitHub's limit", () => {
    const output = hotfixCheckOutput({ outcome: "failure", results: [fail("a", "A", "x".repeat(70000))] });
    expect(output.summary.length).toBeLessThanOrEqual(65535);
    expect(output.text.length).toBeLessThanOrEqual(65535);
  });

  test("not a hotfix is neutral and names the label", () => {
    expect(notHotfixCheckOutput("urgent")).toMatchObject({ conclusion: "neutral", status: "completed", summary: expect.stringContaining("`urgent`") });
  });

  test("invalid config names the file, each key, its line and the problem", () => {
    const output = invalidConfigCheckOutput(".github/hotfix.yml", [{ path: "approvals.min_permission", line: 4, message: 'found "owner"; allowed: "admin"' }]);
    expect(output.conclusion).toBe("failure");
    expect(output.summary).toContain('- `approvals.min_permission` (line 4): found "owner"; allowed: "admin"');
  });
});
