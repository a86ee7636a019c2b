import type { Context, ProbotOctokit } from "probot";
import type { Logger } from "pino";
import { loadConfig, type LoadedConfig } from "../config/load-config.js";
import { CONFIG_FILE } from "../config/schema.js";
import type { RepoRef } from "../github/repo-ref.js";
import type { Coordination } from "../platform/coordination.js";
import { readOnlyGraphql, type GraphqlQuery } from "../platform/instrument-octokit.js";
import type { Runtime } from "../platform/runtime.js";

export type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * One webhook delivery, as the flows see it: the installation's client, the repository, a
 * logger bound to the delivery, and the config, loaded once (memoized) per delivery.
 */
export interface Delivery {
  id: string;
  event: string;
  actor: string | null;
  repo: RepoRef;
  octokit: Octokit;
  /** GraphQL queries (reads only: mutations go through `octokit`), not spaced like writes. */
  query: GraphqlQuery;
  log: Logger;
  /** This app's id: tells its own check runs from look-alikes of other apps. */
  appId: number | null;
  now: () => Date;
  config: () => Promise<LoadedConfig>;
  /** Runs `fn` as the only handler of the PR `number` at this moment, across replicas. */
  withPullRequestLock: <T>(number: number, fn: () => Promise<T>) => Promise<T>;
  coordination: Coordination;
  installationId: number | undefined;
  /** What lives as long as the process (coalescing, rate-limit budgets, deferrals). */
  runtime: Runtime;
}

/** How long a repository's config is reused (a push to its default branch touching `.github/` ends it sooner). */
export const CONFIG_TTL_SECONDS = 300;

/** The cache key of a repository's config, under its installation's config generation. */
export const configCacheKey = async (coordination: Coordination, installationId: number | undefined, repo: RepoRef): Promise<string> => {
  const generation = (await coordination.cacheGet(`config-generation:${installationId}`)) ?? "0";
  return `config:${installationId}:${generation}:${repo.owner}/${repo.repo}`.toLowerCase();
};

/**
 * Probot's config read, cached per installation and repository: every check and status event of
 * an organisation would otherwise read `.github/hotfix.yml` (and its `_extends` sources) again.
 * The raw file is cached, validation runs each time; a failed read is never cached.
 */
const cachedConfig = async (context: Context, runtime: Runtime, installationId: number | undefined, repo: RepoRef): Promise<LoadedConfig> => {
  const { coordination } = runtime;
  const key = `${await configCacheKey(coordination, installationId, repo)}:${CONFIG_FILE}`;
  const cached = await coordination.cacheGet(key);
  // The same file validates the same way: its validation is kept beside it in this process.
  const validated = cached ? runtime.validatedConfigs.get(cached) : undefined;
  if (validated) return validated;
  let text = cached;
  const loaded = await loadConfig(async (file) => {
    if (cached) return (JSON.parse(cached) as { raw: unknown }).raw;
    const raw = await context.config(file);
    text = JSON.stringify({ raw: raw ?? null });
    await coordination.cacheSet(key, text, CONFIG_TTL_SECONDS);
    return raw;
  });
  if (text) {
    if (runtime.validatedConfigs.size >= 1_000) runtime.validatedConfigs.clear();
    runtime.validatedConfigs.set(text, loaded);
  }
  return loaded;
};

const memoize = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= load();
    // A failed read may be retried within the delivery.
    promise.catch(() => (promise = undefined));
    return promise;
  };
};

export const deliveryFrom = (context: Context, runtime: Runtime): Delivery => {
  const payload = context.payload as {
    repository?: { owner: { login: string }; name: string };
    sender?: { login: string };
    installation?: { id: number };
  };
  const repo = { owner: payload.repository!.owner.login, repo: payload.repository!.name };
  const actor = payload.sender?.login ?? null;
  return {
    id: context.id,
    event: context.name + ("action" in context.payload && context.payload.action ? `.${context.payload.action}` : ""),
    actor,
    repo,
    octokit: context.octokit,
    query: readOnlyGraphql(context.octokit, payload.installation?.id, (headers) => runtime.rateBudget.record(payload.installation?.id, headers), runtime.readers),
    log: context.log.child({ delivery: context.id, repository: `${repo.owner}/${repo.repo}`, actor }) as unknown as Logger,
    appId: runtime.appId,
    now: runtime.now,
    config: memoize(() => cachedConfig(context, runtime, payload.installation?.id, repo)),
    withPullRequestLock: (number, fn) => runtime.coordination.withLock(`${repo.owner}/${repo.repo}#${number}`.toLowerCase(), fn),
    coordination: runtime.coordination,
    installationId: payload.installation?.id,
    runtime,
  };
};
