import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { defaultConfig } from "../../src/config/schema.js";
import { validateConfigText } from "../../src/config/validate-config.js";

const readme = readFileSync("README.md", "utf8");

/** The `yaml` block under "## Configuration" is the reference users copy. */
const referenceBlock = (): string => {
  const section = readme.slice(readme.indexOf("## Configuration"));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error("no yaml block under ## Configuration in README.md");
  return match[1];
};

const keyPaths = (value: unknown, prefix = ""): string[] =>
  value && typeof value === "object" && !Array.isArray(value)
    ? Object.entries(value).flatMap(([key, child]) => keyPaths(child, prefix ? `${prefix}.${key}` : key))
    : [prefix];

test("the README's configuration reference names every key of the schema, with its default", () => {
  const { _extends: _ignored, ...defaults } = defaultConfig();
  const reference = parse(referenceBlock());
  expect(keyPaths(reference).sort()).toEqual(keyPaths(defaults).sort());
  expect(reference).toEqual(defaults);
});

test("the README's configuration reference is a valid file", () => {
  expect(validateConfigText(referenceBlock())).toMatchObject({ ok: true });
});

test("the README documents every command and script a newcomer types", () => {
  for (const text of ["npm ci", "npm start", "npm test", "npm run demo", "npm run bench", "npx hotfix-governance validate", "npx hotfix-governance report", "/approve-emergency", "/revoke-emergency", "/backport"]) {
    expect(readme).toContain(text);
  }
});
