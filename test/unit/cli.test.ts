import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";

const run = (file: string, text: string) => {
  const dir = mkdtempSync(join(tmpdir(), "hotfix-cli-"));
  const path = join(dir, file);
  writeFileSync(path, text);
  const lines: string[] = [];
  const code = runCli(["validate", path], (line) => lines.push(line), (line) => lines.push(line));
  return { code, lines, path };
};

test("a valid file prints valid and exits 0", () => {
  const { code, lines, path } = run("hotfix.yml", "approvals:\n  users: [alice]\n");
  expect(code).toBe(0);
  expect(lines).toEqual([`${path}: valid`]);
});

test("each problem is printed with its line and path, exit 1", () => {
  const { code, lines, path } = run("hotfix.yml", "label: hotfix\napprovals:\n  min_permission: owner\nscope:\n  max_filez: 3\n");
  expect(code).toBe(1);
  expect(lines).toContain(`${path}:3: approvals.min_permission: found "owner"; allowed: "admin", "maintain", "write"`);
  expect(lines.some((line) => line.startsWith(`${path}:5: scope.max_filez: unknown key "max_filez"`))).toBe(true);
  expect(lines.at(-1)).toBe("2 problems found");
});

test("YAML syntax errors are reported with the line", () => {
  const { code, lines } = run("hotfix.yml", "scope:\n  max_files: [1\n");
  expect(code).toBe(1);
  expect(lines[0]).toMatch(/:\d+: \(file\): invalid YAML/);
});

test("a missing file and a bad command say so", () => {
  const lines: string[] = [];
  expect(runCli(["validate", "/nonexistent/hotfix.yml"], (l) => lines.push(l), (l) => lines.push(l))).toBe(2);
  expect(runCli(["frobnicate"], (l) => lines.push(l), (l) => lines.push(l))).toBe(2);
  expect(lines.join("\n")).toMatch(/cannot read[\s\S]*Usage: hotfix-governance validate/);
});
