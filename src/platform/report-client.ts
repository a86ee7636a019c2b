import { readFileSync } from "node:fs";
import { ProbotOctokit } from "probot";
import { loadConfig, type LoadedConfig } from "../config/load-config.js";
import { ReportError } from "../github/report-queries.js";
import type { GraphqlQuery } from "./instrument-octokit.js";

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

/** Probot's `context.config`: `.github/<file>` with `_extends` and the org's `.github` repository, merged deeply. */
const deepMerge = (a: unknown, b: unknown): unknown => {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const merged: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [key, value] of Object.entries(b as Record<string, unknown>)) merged[key] = key in merged ? deepMerge(merged[key], value) : value;
    return merged;
  }
  return b;
};

const configReader = (octokit: Octokit) => (owner: string, repo: string) =>
  loadConfig(async (file) => {
    const { config, files } = await (octokit as any).config.get({ owner, repo, path: `.github/${file}`, defaults: (configs: unknown[]) => configs.reduce(deepMerge, {}) });
    return files.some((item: { config: unknown }) => item.config !== null) ? config : null;
  });

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
    let installation: { id: number; suspended_at?: string | null } | undefined;
    try {
      slug = String((await app.request("GET /app")).data?.slug ?? DEFAULT_APP_SLUG);
      const installations = (await app.paginate("GET /app/installations", { per_page: 100 })) as Array<{ id: number; account: { login: string } | null; suspended_at?: string | null }>;
      installation = installations.find((candidate) => candidate.account?.login?.toLowerCase() === owner.toLowerCase());
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new ReportError(`GitHub refused the app's credentials (APP_ID ${env.APP_ID}${status ? `, HTTP ${status}` : ""}): check APP_ID and the private key`);
    }
    if (!installation) throw new ReportError(`the app ${slug} is not installed on ${owner}: install it there, or use GITHUB_TOKEN with read access`);
    if (installation.suspended_at) throw new ReportError(`the app ${slug}'s installation on ${owner} is suspended`);
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
