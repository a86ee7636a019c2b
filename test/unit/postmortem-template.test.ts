import nock from "nock";
import { buildPostmortem } from "../../src/postmortem/build-postmortem.js";
import { fillTemplate, PLACEHOLDERS } from "../../src/postmortem/template.js";
import { input } from "./postmortem-fixtures.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

const pm = buildPostmortem(
  input({
    backports: [{ target: "release/1.9", status: "conflict", reason: "conflicts", at: "2024-05-01T10:52:00Z" }],
    assignees: { assigned: ["dev"], skipped: [] },
  }),
);
const filled = (template: string) => {
  const result = fillTemplate(template, pm);
  if (!result.ok) throw new Error(result.problem);
  return result.body.split("\n").slice(3).join("\n");
};

test("the documented placeholders exist", () => {
  for (const name of ["pr.title", "pr.number", "pr.url", "incident", "approvers", "merged_by", "timeline", "due_date", "backports"]) {
    expect(PLACEHOLDERS).toHaveProperty([name]);
  }
});

test.each([
  ["{{pr.title}}", "Fix checkout crash"],
  ["{{ pr.number }}", "12"],
  ["{{pr.url}}", "https://github.com/acme/shop/pull/12"],
  ["{{pr.author}}", "@dev"],
  ["{{repository}}", "acme/shop"],
  ["{{incident}}", "INC-42 checkout down"],
  ["{{approvers}}", "@lead"],
  ["{{merged_by}}", "@lead"],
  ["{{merged_at}}", "2024-05-01 10:50 UTC"],
  ["{{opened_at}}", "2024-05-01 10:00 UTC"],
  ["{{labeled_at}}", "2024-05-01 10:05 UTC"],
  ["{{due_date}}", "2024-05-06"],
  ["{{assignees}}", "@dev"],
  ["{{severity}}", "`sev1`"],
  ["{{backports}}", "- Backport to `release/1.9` failed: conflicts"],
  ["{{merge_commit}}", `[\`bbbbbbb\`](https://github.com/acme/shop/commit/${"b".repeat(40)})`],
])("%s is filled", (template, expected) => {
  expect(filled(template)).toBe(expected);
});

test("tables and checklists are filled as Markdown blocks", () => {
  expect(filled("{{timeline}}").split("\n")[0]).toBe("| Time (UTC) | Event |");
  expect(filled("{{durations}}")).toContain("| Label → merge | 45 min |");
  expect(filled("{{action_items}}").split("\n")).toEqual([
    "- [ ] Port #12 to `release/1.9` by hand (conflicts)",
    "- [ ] Follow up the hotfix with the permanent fix for INC-42 checkout down (tests, monitoring, clean-up of the emergency change)",
  ]);
});

test("the hidden markers come first whatever the template", () => {
  const result = fillTemplate("# {{pr.title}}\n\nwrite here", pm);
  expect(result).toEqual({
    ok: true,
    body: "<!-- hotfix-governance:postmortem pr=12 -->\n<!-- hotfix-governance:due=2024-05-06 -->\n\n# Fix checkout crash\n\nwrite here",
  });
});

test("a title with Markdown is escaped where the template puts it", () => {
  const result = fillTemplate("# {{pr.title}}", buildPostmortem(input({ history: { ...input().history, title: "Fix *it*" } })));
  expect(result.ok && result.body.endsWith("# Fix \\*it\\*")).toBe(true);
});

test.each([
  ["{{pr.titel}}", "unknown placeholder `{{pr.titel}}`"],
  ["{{ owner }} {{owner}} {{due}}", "unknown placeholders `{{owner}}`, `{{due}}`"],
  ["{{}}", "unknown placeholder `{{}}`"],
  ["  \n ", "the template is empty"],
])("%j is refused: %s", (template, problem) => {
  expect(fillTemplate(template, pm)).toEqual({ ok: false, problem });
});

test("text that only looks like braces is left alone", () => {
  expect(filled("{ not } {{pr.number}} }}")).toBe("{ not } 12 }}");
});

test("a filled template too long for GitHub is refused (the default body is then used)", () => {
  const result = fillTemplate("{{timeline}}\n".repeat(2000), pm);
  expect(result.ok).toBe(false);
});
