import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, runReport } from "../../src/cli.js";
import { HotfixReport } from "../../src/report/schema.js";
import { testPrivateKey } from "../support/app.js";
import { buildReportHistory, HISTORY_NOW } from "../support/report-history.js";
import { serveSimulator, type SimulatorServer } from "../support/simulator/server.js";
import type { GitHubSimulator } from "../support/simulator/index.js";

/**
 * `hotfix-governance report` through its command-line entry, as a lead runs it: the app's
 * credentials (APP_ID, PRIVATE_KEY), GitHub Enterprise Server's layout (GHE_HOST, GHE_PROTOCOL)
 * and real HTTP to the simulator on loopback.
 */

let sim: GitHubSimulator;
let server: SimulatorServer;
let env: Record<string, string>;

beforeAll(async () => {
  sim = buildReportHistory();
  server = await serveSimulator(sim);
  env = { APP_ID: "1", PRIVATE_KEY: testPrivateKey().replace(/\n/g, "\\n"), GHE_HOST: server.host, GHE_PROTOCOL: "http" };
});
afterAll(async () => {
  await server.close();
});

const run = async (args: string[], environment: Record<string, string> = env) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runReport(args, { env: environment, out: (text) => out.push(text), err: (line) => err.push(line), now: () => HISTORY_NOW });
  return { code, out: out.join(""), err };
};

const PERIOD = ["--since", "2026-03-02", "--until", "2026-03-29"];

test("the app's installation token, GHE paths, progress on stderr, the JSON written to --out", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "hotfix-report-")), "report.json");
  sim.reset();
  const { code, out, err } = await run(["--repo", "acme/shop", ...PERIOD, "--format", "json", "--out", file]);
  expect({ code, out }).toEqual({ code: 0, out: "" });
  expect(err).toEqual([
    "reading GitHub as the app hotfix-governance (installation 42)",
    "reading merged pull requests of acme/shop: 30 of 30",
    "reading hotfix details: 6 of 6",
    `wrote ${file}: 6 hotfixes among 30 merged pull requests`,
  ]);
  const report = HotfixReport.parse(JSON.parse(readFileSync(file, "utf8")));
  expect(report.totals).toMatchObject({ hotfixes: 6, merged_pull_requests: 30, emergency_rate: 0.2, outside_governance: 2, postmortems_on_time: 0.5 });
  expect(sim.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
    "GET /app",
    "GET /app/installations",
    "POST /app/installations/42/access_tokens",
    "POST /graphql",
    "POST /graphql",
    "GET /repos/acme/shop/contents/.github/hotfix.yml",
    "POST /graphql",
  ]);
  expect(sim.unhandled).toEqual([]);
});

test("Markdown is the default and goes to stdout; `runCli` dispatches `report`", async () => {
  const { code, out } = await run(["--repo", "acme/shop", ...PERIOD]);
  expect(code).toBe(0);
  expect(out).toMatch(/^# Hotfix report: acme\/shop, 2026-03-02 to 2026-03-29\n/);
  const lines: string[] = [];
  expect(await runCli(["report", "--help"], (line) => lines.push(line))).toBe(0);
  expect(lines[0]).toMatch(/^Usage: hotfix-governance report/);
});

test("an owner the app is not installed on", async () => {
  const { code, err } = await run(["--org", "globex", ...PERIOD]);
  expect(code).toBe(1);
  expect(err).toEqual(["hotfix-governance report: the app hotfix-governance is not installed on globex: install it there, or use GITHUB_TOKEN with read access"]);
});

test("an installation whose access was revoked", async () => {
  sim.revokedInstallations.add(42);
  try {
    const { code, err } = await run(["--repo", "acme/shop", ...PERIOD]);
    expect(code).toBe(1);
    expect(err).toEqual(["hotfix-governance report: GitHub refused an installation token for acme (HTTP 404): the app's access to acme was revoked or restricted"]);
  } finally {
    sim.revokedInstallations.delete(42);
  }
});

test("with GITHUB_TOKEN: an unknown repository is one sentence and exit 1", async () => {
  const { code, err } = await run(["--repo", "acme/nope", ...PERIOD], { GITHUB_TOKEN: "ghp_x", GHE_HOST: server.host, GHE_PROTOCOL: "http" });
  expect(code).toBe(1);
  expect(err).toEqual([
    "reading GitHub as GITHUB_TOKEN",
    "hotfix-governance report: repository acme/nope was not found, or these credentials cannot see it (GitHub answers both the same way): check the name and that the app is installed there or the token has access",
  ]);
});

test("no credentials, and bad arguments (exit 2, with the usage)", async () => {
  expect(await run(["--repo", "acme/shop", ...PERIOD], {})).toEqual({
    code: 1,
    out: "",
    err: ["hotfix-governance report: no credentials: set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH), or GITHUB_TOKEN"],
  });
  const bad = await run(["--repo", "acme/shop", "--since", "2026-03-10", "--until", "2026-03-01"]);
  expect(bad.code).toBe(2);
  expect(bad.err[0]).toBe("hotfix-governance report: --since 2026-03-10 is after --until 2026-03-01: the period is empty");
  expect(bad.err[1]).toMatch(/^Usage: hotfix-governance report/);
});
