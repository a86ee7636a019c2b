import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { produceReport } from "./flows/report.js";
import { ReportError, type ReportTarget } from "./github/report-queries.js";
import { reportGitHubGateway } from "./github/gateway.js";
import { createReportClient, patientQuery, type ReportClient, type ReportEnv } from "./platform/report-client.js";
import { REPORT_FORMATS, renderReport, type ReportFormat } from "./report/render-report.js";

export const REPORT_USAGE = `Usage: hotfix-governance report (--repo owner/name | --org owner) --since YYYY-MM-DD [--until YYYY-MM-DD]
                                [--format markdown|csv|json] [--out FILE] [--app-slug SLUG]

Reports the hotfixes merged in the period (UTC dates, both inclusive, by merge date; --until
defaults to today): approvals, verdicts, fast-track merges, backports, reverts, postmortems,
reviews after merge, and the totals. Credentials: APP_ID with PRIVATE_KEY or PRIVATE_KEY_PATH
(the app's installation on the owner), or GITHUB_TOKEN; GHE_HOST/GHE_PROTOCOL for GitHub
Enterprise Server. --app-slug names the app whose checks count when using GITHUB_TOKEN
(default hotfix-governance). Progress goes to stderr, the report to stdout or --out.
Exits 0 with a report, 1 when GitHub could not give one, 2 on bad arguments.`;

export interface ReportIo {
  env: ReportEnv;
  out: (text: string) => void;
  err: (line: string) => void;
  now?: () => Date;
  writeFile?: (path: string, text: string) => void;
  /** A client for tests (the simulator); otherwise one is made from `env`. */
  createClient?: (env: ReportEnv, owner: string, appSlug: string | undefined) => Promise<ReportClient>;
  maxRateLimitWaitSeconds?: number;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** A real UTC calendar date written YYYY-MM-DD. */
const isDate = (text: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;

type Parsed = { target: ReportTarget; since: string; until: string; format: ReportFormat; out: string | null; appSlug: string | undefined };

/** The arguments, or the sentence that says what is wrong with them. */
export const parseReportArgs = (args: string[], today: string): Parsed | string => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        repo: { type: "string" },
        org: { type: "string" },
        since: { type: "string" },
        until: { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        "app-slug": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return (error as Error).message;
  }
  const repo = values.repo as string | undefined;
  const org = values.org as string | undefined;
  if (Boolean(repo) === Boolean(org)) return "give exactly one of --repo owner/name and --org owner";
  let target: ReportTarget;
  if (repo) {
    const [owner, name, ...rest] = repo.split("/");
    if (rest.length > 0 || !owner || !name || !OWNER.test(owner) || !REPO.test(name)) return `--repo ${repo}: expected owner/name`;
    target = { kind: "repo", owner, name };
  } else {
    if (!OWNER.test(org!)) return `--org ${org}: expected an account name`;
    target = { kind: "org", owner: org! };
  }
  const since = values.since as string | undefined;
  const until = (values.until as string | undefined) ?? today;
  if (!since) return "--since is required (a UTC date, YYYY-MM-DD)";
  if (!isDate(since)) return `--since ${since}: expected a date YYYY-MM-DD`;
  if (!isDate(until)) return `--until ${until}: expected a date YYYY-MM-DD`;
  if (since > until) return `--since ${since} is after --until ${until}: the period is empty`;
  const format = (values.format as string | undefined) ?? "markdown";
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) return `--format ${format}: expected one of ${REPORT_FORMATS.join(", ")}`;
  return { target, since, until, format: format as ReportFormat, out: (values.out as string | undefined) ?? null, appSlug: values["app-slug"] as string | undefined };
};

/** What GitHub's error says, without anything that could be a secret (no headers, no request). */
const describe = (error: unknown): string => {
  if (error instanceof ReportError) return error.message;
  const status = (error as { status?: number }).status;
  const message = (error as Error).message ?? String(error);
  if (status === 401) return "GitHub refused the credentials (HTTP 401): the token is invalid or expired";
  if (status === 403) return `GitHub refused the request (HTTP 403): ${message}`;
  return `GitHub could not answer: ${message}`;
};

/** `hotfix-governance report …`: the exit code. */
export const runReportCommand = async (args: string[], io: ReportIo): Promise<number> => {
  const now = io.now ?? (() => new Date());
  if (args.includes("--help") || args.includes("-h")) {
    io.out(`${REPORT_USAGE}\n`);
    return 0;
  }
  const parsed = parseReportArgs(args, now().toISOString().slice(0, 10));
  if (typeof parsed === "string") {
    io.err(`hotfix-governance report: ${parsed}`);
    io.err(REPORT_USAGE);
    return 2;
  }
  try {
    const client = await (io.createClient ?? ((env, owner, appSlug) => createReportClient(env, owner, { appSlug })))(io.env, parsed.target.owner, parsed.appSlug);
    io.err(`reading GitHub as ${client.via}`);
    const report = await produceReport(
      {
        github: reportGitHubGateway(patientQuery(client.query, { now, progress: io.err, maxWaitSeconds: io.maxRateLimitWaitSeconds })),
        readConfig: client.readConfig,
        appSlug: client.appSlug,
        now,
        progress: io.err,
        warn: (line) => io.err(`warning: ${line}`),
      },
      parsed,
    );
    const text = renderReport(report, parsed.format);
    if (parsed.out) {
      (io.writeFile ?? ((path, content) => writeFileSync(path, content)))(parsed.out, text);
      io.err(`wrote ${parsed.out}: ${report.totals.hotfixes} hotfixes among ${report.totals.merged_pull_requests} merged pull requests`);
    } else {
      io.out(text);
    }
    return 0;
  } catch (error) {
    io.err(`hotfix-governance report: ${describe(error)}`);
    return 1;
  }
};
