import { ProbotOctokit } from "probot";
import { produceReport, type ReportRequest } from "../../src/flows/report.js";
import { reportGitHubGateway } from "../../src/github/gateway.js";
import { createReportClient, patientQuery } from "../../src/platform/report-client.js";
import type { HotfixReport } from "../../src/report/schema.js";
import { HISTORY_NOW, HISTORY_REPO, HISTORY_SINCE, HISTORY_UNTIL } from "./report-history.js";
import { serveThroughNock } from "./simulator/nock-serve.js";

/** Probot's client without retries (a refusal is final at once in tests). */
export const ReportTestOctokit = ProbotOctokit.defaults({ retry: { enabled: false } }) as unknown as new (options: object) => InstanceType<typeof ProbotOctokit>;

export const historyRequest = (): ReportRequest => {
  const [owner, name] = HISTORY_REPO.split("/");
  return { target: { kind: "repo", owner, name }, since: HISTORY_SINCE, until: HISTORY_UNTIL };
};

/** Runs the report in process with a token (the simulator is served through nock). */
export const runReportInProcess = async (
  request: ReportRequest = historyRequest(),
  options: { now?: Date; progress?: string[]; maxRateLimitWaitSeconds?: number } = {},
): Promise<HotfixReport> => {
  const client = await createReportClient({ GITHUB_TOKEN: "ghp_test" }, request.target.owner, { Octokit: ReportTestOctokit });
  const now = () => options.now ?? HISTORY_NOW;
  const progress = (line: string) => options.progress?.push(line);
  return produceReport(
    {
      github: reportGitHubGateway(patientQuery(client.query, { now, progress, maxWaitSeconds: options.maxRateLimitWaitSeconds })),
      readConfig: client.readConfig,
      appSlug: client.appSlug,
      now,
      progress,
      warn: (line) => options.progress?.push(`warning: ${line}`),
    },
    request,
  );
};

export const SAMPLE_FILE = "docs/report-sample.md";

/** The README's sample: the Markdown report of the simulator's month of history (`npm run report:sample`). */
export const sampleReportMarkdown = async (): Promise<string> => {
  const { default: nock } = await import("nock");
  const { buildReportHistory } = await import("./report-history.js");
  const { renderReport } = await import("../../src/report/render-report.js");
  const sim = buildReportHistory();
  serveThroughNock(sim);
  try {
    return renderReport(await runReportInProcess(), "markdown");
  } finally {
    nock.cleanAll();
    nock.restore();
  }
};
