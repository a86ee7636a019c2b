import { readFileSync } from "node:fs";
import { ProbotOctokit } from "probot";
import { configFilesOf, loadConfig, type LoadedConfig } from "../config/load-config.js";
import { RateLimitError, ReportError, limitedQuery } from "../github/report-queries.js";
import type { GraphqlQuery } from "./instrument-octokit.js";
import { getAppSlug, listInstallations, type Installation } from "../github/installations.js";

type Octokit = InstanceType<typeof ProbotOctokit>;
type OctokitClass = new (options: object) => Octokit;

export type ReportEnv = Record<string, string | undefined>;

/** The default slug of the app: with a token, its check runs and bot are recognised by it. */
export const DEFAULT_APP_SLUG = "hotfix-governance";

/** `GHE_HOST` / `GHE_PROTOCOL`: the REST base (`/api/v3`; Octokit sends GraphQL to `/api/graphql`). */
export const baseUrlOf = (env: ReportEnv): string | undefined =>
  env.GHE_HOST ? `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3` : undefined;

/** PRIVATE_KEY (its `\n` escapes undone, as Probot does) or the file PRIVATE_KEY_PATH names. */
const privateKeyOf = (env: ReportEnv): string | null => {
  if (env.PRIVATE_KEY) return env.PRIVATE_KEY.replace(/\\n/g, "\n");
  if (env.PRIVATE_KEY_PATH) {
    try {
      return readFileSync(env.PRIVATE_KEY_PATH, "utf8");
    } catch (error) {
      throw new ReportError(`PRIVATE_KEY_PATH ${env.PRIVATE_KEY_PATH} cannot be read: ${(error as Error).message}`);
    }
  }
  return null;
};

export interface ReportClient {
  query: GraphqlQuery;
  readConfig: (owner: string, repo: string) => Promise<LoadedConfig>;
  appSlug: string;
  /** How it authenticated, for the first progress line (never the secret). */
  via: string;
}

/** Probot's config loader, as the app reads it (`_extends`, the org's `.github` repository, an unreadable source is invalid). */
const configReader = (octokit: Octokit) => (owner: string, repo: string) => loadConfig(configFilesOf(octokit, { owner, repo }));

/**
 * A client for one owner: the app's installation token (APP_ID and PRIVATE_KEY/PRIVATE_KEY_PATH:
 * the app's installation on that account is looked up) or GITHUB_TOKEN. Probot's write spacing
 * and throttling are off (the report only reads; its rate limits are handled by the report).
 */
export const createReportClient = async (
  env: ReportEnv,
  owner: string,
  options: { Octokit?: OctokitClass; appSlug?: string } = {},
): Promise<ReportClient> => {
  const Octokit = options.Octokit ?? (ProbotOctokit as unknown as OctokitClass);
  const baseUrl = baseUrlOf(env);
  const common = { ...(baseUrl ? { baseUrl } : {}), throttle: { enabled: false } };
  const client = (octokit: Octokit, appSlug: string, via: string): ReportClient => ({
    query: (document, variables) => octokit.graphql(document, variables),
    readConfig: configReader(octokit),
    appSlug,
    via,
  });
  const privateKey = privateKeyOf(env);
  if (env.APP_ID && privateKey) {
    const app = new Octokit({ ...common, auth: { appId: Number(env.APP_ID), privateKey } });
    let slug: string;
    let installation: Installation | undefined;
    try {
      slug = (await getAppSlug(app)) ?? DEFAULT_APP_SLUG;
      installation = (await listInstallations(app)).find((candidate) => candidate.account.login.toLowerCase() === owner.toLowerCase());
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new ReportError(`GitHub refused the app's credentials (APP_ID ${env.APP_ID}${status ? `, HTTP ${status}` : ""}): check APP_ID and the private key`);
    }
    if (!installation) throw new ReportError(`the app ${slug} is not installed on ${owner}: install it there, or use GITHUB_TOKEN with read access`);
    if (installation.suspended) throw new ReportError(`the app ${slug}'s installation on ${owner} is suspended`);
    const octokit = new Octokit({ ...common, auth: { appId: Number(env.APP_ID), privateKey, installationId: installation.id } });
    try {
      // The installation token now: a revoked or restricted installation fails here, in plain words.
      await octokit.auth({ type: "installation" });
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new ReportError(`GitHub refused an installation token for ${owner}${status ? ` (HTTP ${status})` : ""}: the app's access to ${owner} was revoked or restricted`);
    }
    return client(octokit, options.appSlug ?? slug, `the app ${slug} (installation ${installation.id})`);
  }
  if (env.GITHUB_TOKEN) return client(new Octokit({ ...common, auth: { token: env.GITHUB_TOKEN } }), options.appSlug ?? DEFAULT_APP_SLUG, "GITHUB_TOKEN");
  throw new ReportError("no credentials: set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH), or GITHUB_TOKEN");
};

/**
 * The report's GraphQL client with its rate-limit policy: GitHub's limits become `RateLimitError`
 * (`limitedQuery`); one that resets within `maxWaitSeconds` (default 60) is waited out, said in
 * `progress`, and the query sent once more; one that resets later is thrown, and the report
 * stops saying what it had read. A second limit right after the wait is the end too.
 */
export const patientQuery = (
  query: GraphqlQuery,
  options: { now: () => Date; progress: (line: string) => void; maxWaitSeconds?: number; sleep?: (ms: number) => Promise<void> },
): GraphqlQuery => {
  const base = limitedQuery(query);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async <T>(document: string, variables?: Record<string, unknown>): Promise<T> => {
    try {
      return await base<T>(document, variables);
    } catch (error) {
      if (!(error instanceof RateLimitError)) throw error;
      const waitMs = error.resetAt ? error.resetAt.getTime() - options.now().getTime() + 1000 : Number.POSITIVE_INFINITY;
      if (waitMs > (options.maxWaitSeconds ?? 60) * 1000) throw error;
      options.progress(`${error.message}: waiting ${Math.ceil(Math.max(0, waitMs) / 1000)} s`);
      await sleep(Math.max(0, waitMs));
      return base<T>(document, variables).catch((again: unknown) => {
        // Said as GitHub's limit alone (the report's "stopped: ... read so far" is for a limit not waited for).
        throw again instanceof RateLimitError ? new ReportError(again.message) : again;
      });
    }
  };
};
