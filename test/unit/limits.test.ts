import { fitBody, fitTitle, GITHUB_LIMITS } from "../../src/github/limits.js";

describe("GitHub's limits on what the app writes", () => {
  test.each([0, 1, 65_536])("a body of %i characters is written as it is", (length) => {
    const body = "x".repeat(length);
    expect(fitBody(body)).toBe(body);
  });

  test.each([65_537, 70_000, 1_000_000])("a body of %i characters is cut to the limit and says so, markers kept", (length) => {
    const body = `<!-- hotfix-governance:status -->\n${"y".repeat(length)}`;
    const fitted = fitBody(body);
    expect(fitted.length).toBeLessThanOrEqual(GITHUB_LIMITS.body);
    expect(fitted.startsWith("<!-- hotfix-governance:status -->\n")).toBe(true);
    expect(fitted).toMatch(/Cut to GitHub's limit of 65,536 characters: the last [\d,]+ characters are left out\.$/);
    const omitted = Number(/the last ([\d,]+) characters/.exec(fitted)![1].replace(/,/g, ""));
    expect(fitted.indexOf("\n\n---\n✂️") + omitted).toBe(body.length);
  });

  test("a cut never splits a surrogate pair", () => {
    const body = "😀".repeat(40_000);
    const fitted = fitBody(body);
    expect(fitted.length).toBeLessThanOrEqual(GITHUB_LIMITS.body);
    expect(fitted).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  test.each([
    ["Fix the outage", "Fix the outage"],
    ["t".repeat(256), "t".repeat(256)],
    ["t".repeat(300), `${"t".repeat(255)}…`],
  ])("title %#", (title, expected) => {
    expect(fitTitle(title)).toBe(expected);
    expect(fitTitle(title).length).toBeLessThanOrEqual(GITHUB_LIMITS.title);
  });
});
