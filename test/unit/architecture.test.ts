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
  expect(importsOf(join(SRC, "flows", "authorize.ts"))).toContain("../github/read-through-lag.js");
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

/**
 * Flows depend on narrow interfaces of the gateway (`Delivery<Pick<GitHub, ...>>`, as prow's
 * plugins declare their `githubClient`), never on its functions or the clients: from `src/github`
 * a flow imports types, and values only from the pure modules (errors classified, reads through
 * replication lag, GitHub's size limits). Only the composition root (`flows/delivery.ts`) builds
 * the gateway from the clients.
 */
const COMPOSITION_ROOT = "flows/delivery.ts";
const PURE_GATEWAY_MODULES = ["github/errors.ts", "github/read-through-lag.ts", "github/limits.ts", "github/repo-ref.ts"];
/** The pure values of a module that also holds calls: the report's errors and its search scope. */
const PURE_GATEWAY_VALUES: Record<string, string[]> = { "github/report-queries.ts": ["RateLimitError", "ReportError", "scopeQualifier"] };
/** Modules that hand a flow a client: the gateway's factory, the clients' wrappers, Octokit itself. */
const CLIENT_MODULES = /^(probot$|@octokit\/)/;

/** The names an import or re-export brings in as values (`import type`, `type X` and `export type` bring none). */
const valueImportsOf = (code: string): Array<{ specifier: string; names: string[] }> =>
  [...code.matchAll(/(?:^|\n)\s*(import|export)\s+(type\s+)?([^"'`;]*?)\s*from\s+["']([^"']+)["']/g)].map((match) => {
    const [, , typeOnly, clause, specifier] = match;
    if (typeOnly) return { specifier, names: [] };
    const braced = /\{([^}]*)\}/.exec(clause);
    const outside = clause.replace(/\{[^}]*\}/, "").replace(/,/g, " ").trim();
    const names = [
      ...(outside ? [outside] : []),
      ...(braced?.[1] ?? "")
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name && !name.startsWith("type ")),
    ];
    return { specifier, names };
  });

const flowViolations = (file: string, text: string): string[] => {
  const where = relative(SRC, file);
  if (where === COMPOSITION_ROOT) return [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
  const found: string[] = [];
  for (const { specifier, names } of valueImportsOf(code)) {
    if (names.length === 0) continue;
    const target = specifier.startsWith(".") ? relative(SRC, resolve(file, "..", specifier)).replace(/\.js$/, ".ts") : specifier;
    const calls = names.filter((name) => !PURE_GATEWAY_VALUES[target]?.includes(name));
    if (target.startsWith("github/") && !PURE_GATEWAY_MODULES.includes(target) && calls.length > 0) found.push(`${where} imports ${calls.join(", ")} from ${specifier}`);
    if (target === "platform/instrument-octokit.ts" || CLIENT_MODULES.test(target)) found.push(`${where} imports ${names.join(", ")} from ${specifier}`);
  }
  for (const match of code.matchAll(/\.octokit\b|\.query\b|\bapp\.auth\(|\boctokit\.(?:graphql|request|paginate|rest)\b/g)) found.push(`${where} uses ${match[0]}`);
  return found;
};

test("flows call the gateway through their narrow interface: no gateway function, client or Octokit imported, no octokit or query touched", () => {
  const flows = filesUnder(join(SRC, "flows"));
  expect(flows.length).toBeGreaterThan(15);
  expect(flows.flatMap((file) => flowViolations(file, readFileSync(file, "utf8")))).toEqual([]);
});

test("the flows' check catches what the flows did before the gateway object (a function imported, the clients passed)", () => {
  const file = join(SRC, "flows", "merge-group.ts");
  const before = [
    'import { createCheckRun, type CheckOutput } from "../github/check-runs.js";',
    'import type { GitHub } from "../github/gateway.js";',
    'import { describeGitHubError } from "../github/errors.js";',
    'import { instrumentOctokit } from "../platform/instrument-octokit.js";',
    "// delivery.octokit in a comment is no use of it",
    "await createCheckRun(delivery.octokit, delivery.repo, sha, output, now);",
    "const facts = await fetchMergeGroup(delivery.query, delivery.repo, group, delivery.appId);",
    "const octokit = await app.auth(installation.id);",
    "for await (const issue of searchOpenPostmortems((q, variables) => octokit.graphql(q, variables), search)) {}",
  ].join("\n");
  expect(flowViolations(file, before)).toEqual([
    "flows/merge-group.ts imports createCheckRun from ../github/check-runs.js",
    "flows/merge-group.ts imports instrumentOctokit from ../platform/instrument-octokit.js",
    "flows/merge-group.ts uses .octokit",
    "flows/merge-group.ts uses .query",
    "flows/merge-group.ts uses app.auth(",
    "flows/merge-group.ts uses octokit.graphql",
  ]);
  expect(flowViolations(file, 'import { RateLimitError, limitedQuery } from "../github/report-queries.js";')).toEqual([
    "flows/merge-group.ts imports limitedQuery from ../github/report-queries.js",
  ]);
  expect(flowViolations(file, 'import { describeGitHubError, isLostAccess } from "../github/errors.js";\nawait delivery.github.createCheckRun(delivery.repo, sha, output, now);')).toEqual([]);
});

/**
 * `any` as a type: an annotation, an assertion, a type argument, an array, a union member. GitHub's
 * answers are typed as selections of its published schema (src/github/graphql-nodes.ts), so an
 * `any` there would let a read of a field GitHub lacks, or of a nullable one without a guard, pass.
 */
const ANY_TYPE = /(?::\s*any\b|\bas\s+any\b|<\s*any\s*[,>]|\bany\s*\[\]|,\s*any\s*>|\|\s*any\b|\bany\s*\|)/g;

/** `any` allowed in src/github, each with its reason: none so far. */
const ANY_EXCEPTIONS: Array<{ file: string; reason: string }> = [];

const anyTypesIn = (files: string[]): string[] =>
  files.flatMap((file) =>
    codeOf(file)
      .split("\n")
      .flatMap((line, index) => ([...line.matchAll(ANY_TYPE)].length > 0 ? [`${relative(SRC, file)}:${index + 1}: ${line.trim()}`] : [])),
  );

test("the gateway has no `any`: GitHub's answers are typed by its schema", () => {
  const files = filesUnder(join(SRC, "github")).filter((file) => !ANY_EXCEPTIONS.some((exception) => relative(SRC, file) === exception.file));
  expect(files.length).toBeGreaterThan(15);
  expect(anyTypesIn(files)).toEqual([]);
});

test("the `any` check catches each form, and not the word in prose", () => {
  const forms = ["const a: any = 1;", "x as any", "graphql<any>(q)", "let b: any[] = [];", "Map<string, any>", "type U = string | any;", "type V = any | null;"];
  expect(forms.filter((line) => [...line.matchAll(ANY_TYPE)].length === 0)).toEqual([]);
  const prose = ["`the app cannot read it any more`", "(any of needles)", "if any: stop", "company"];
  expect(prose.filter((line) => [...line.matchAll(ANY_TYPE)].length > 0)).toEqual([]);
});
