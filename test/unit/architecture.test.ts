import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

/**
 * The dependency direction of docs/ARCHITECTURE.md, enforced: the pure folders (rules, approvals,
 * port planning, postmortem rendering, the config schema) import nothing that talks to GitHub —
 * not the gateway, not the flows or handlers, not Probot, not Octokit, not the platform.
 */
const SRC = resolve("src");
const PURE = ["governance", "backport", "postmortem", "report"];
const FORBIDDEN_FOLDERS = ["github", "flows", "handlers", "platform"];
const FORBIDDEN_PACKAGES = /^(probot|@octokit\/|ioredis|pino|prom-client|node:http|node:net)/;

const filesUnder = (dir: string): string[] => {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith(".ts") ? [path] : [];
  });
};

const importsOf = (file: string): string[] =>
  [...readFileSync(file, "utf8").matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s+["']([^"']+)["']/g)].map((match) => match[1]);

const violations = (): string[] =>
  PURE.flatMap((folder) =>
    filesUnder(join(SRC, folder)).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => {
          if (FORBIDDEN_PACKAGES.test(specifier)) return true;
          if (!specifier.startsWith(".")) return false;
          const target = relative(SRC, resolve(file, "..", specifier));
          return FORBIDDEN_FOLDERS.some((forbidden) => target === forbidden || target.startsWith(`${forbidden}/`));
        })
        .map((specifier) => `${relative(SRC, file)} imports ${specifier}`),
    ),
  );

test("pure folders import neither the gateway, the flows, Probot nor Octokit", () => {
  expect(filesUnder(join(SRC, "governance")).length).toBeGreaterThan(5);
  expect(violations()).toEqual([]);
});

test("the check catches a violation (a pure file importing the gateway)", () => {
  expect(importsOf(join(SRC, "flows", "authorize.ts"))).toContain("../github/authorization.js");
  const pretend = (specifier: string) => FORBIDDEN_FOLDERS.some((forbidden) => relative(SRC, resolve(SRC, "governance", specifier)).startsWith(forbidden));
  expect(pretend("../github/check-runs.js")).toBe(true);
  expect(pretend("./rules/scope.js")).toBe(false);
});

const codeOf = (file: string): string =>
  readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1");

test("REST calls are written in the gateway only: flows, handlers and the platform call its functions", () => {
  const outside = filesUnder(SRC).filter((file) => !relative(SRC, file).startsWith("github/"));
  expect(outside.length).toBeGreaterThan(20);
  const calls = outside.flatMap((file) =>
    [...codeOf(file).matchAll(/\.(rest\.[a-zA-Z]+\.[a-zA-Z]+|paginate(?:\.iterator)?\(|request\(["'`](?:GET|POST|PATCH|PUT|DELETE))/g)].map((match) => `${relative(SRC, file)}: ${match[0]}`),
  );
  expect(calls).toEqual([]);
});

test("no code asks NODE_ENV: what differs between tests and production is handed in (the runtime, the environment read once)", () => {
  const asks = filesUnder(SRC).filter((file) => /\bNODE_ENV\b/.test(codeOf(file))).map((file) => relative(SRC, file));
  expect(asks).toEqual([]);
});
