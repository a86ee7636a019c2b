import { readFileSync } from "node:fs";

/** What a newcomer reads to deploy the app says what the app and its tools really do. */

const readme = readFileSync("README.md", "utf8");
const envExample = readFileSync(".env.example", "utf8");
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string }; dependencies: Record<string, string> };

// SPEC §1: the environment the app reads.
const VARIABLES = ["APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET", "PORT", "HOST", "LOG_LEVEL", "LOG_FORMAT", "GHE_HOST", "GHE_PROTOCOL", "REDIS_URL", "SENTRY_DSN", "RECONCILE_INTERVAL_MINUTES", "WEBHOOK_PROXY_URL"];

test.each(VARIABLES)("%s is documented in .env.example and in the README", (name) => {
  expect(envExample).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  expect(readme).toContain(`\`${name}\``);
});

test("RECONCILE_INTERVAL_MINUTES: default 10, fractions allowed, 0 turns it off", () => {
  const line = envExample.split("\n").find((text) => text.includes("RECONCILE_INTERVAL_MINUTES="))!;
  expect(line).toMatch(/RECONCILE_INTERVAL_MINUTES=10\b/);
  expect(readme).toMatch(/`RECONCILE_INTERVAL_MINUTES` \| [^\n]*default 10; fractions allowed[^\n]*`0` turns it off/);
});

test("the webhook path is named exactly, for a public URL and in .env.example", () => {
  expect(readme).toContain("`https://<your host>/api/github/webhooks`");
  expect(envExample).toContain("/api/github/webhooks");
});

test("Node.js 24 LTS is the supported runtime: engines, README, Dockerfile", () => {
  expect(pkg.engines.node).toBe(">=24");
  expect(readme).toContain("Node.js 24 LTS or newer");
  expect(readFileSync("Dockerfile", "utf8")).not.toMatch(/^FROM node:(?!24-slim)/m);
});

test("smee-client is a production dependency, so Probot's setup page can create a channel", () => {
  expect(pkg.dependencies["smee-client"]).toBeDefined();
});

test("npm script flags are written after `--` (npm drops them otherwise)", () => {
  expect(readme).toContain("npm run bench -- --quick");
  // `npm run <script> --flag` without the separator: npm swallows the flag.
  expect(readme.match(/npm run [\w:]+ --[a-z]/g) ?? []).toEqual([]);
});
