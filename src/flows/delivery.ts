import type { Context, Probot, ProbotOctokit } from "probot";
import type { Logger } from "pino";
import { configFilesOf, loadConfig, type ConfigFile, type LoadedConfig } from "../config/load-config.js";
import { CONFIG_FILE } from "../config/schema.js";
import { appGitHubGateway, gitHubGateway, type AppGitHub, type GitHub } from "../github/gateway.js";
import type { RepoRef } from "../github/repo-ref.js";
import type { Coordination } from "../platform/coordination.js";
import { instrumentOctokit, readOnlyGraphql } from "../platform/instrument-octokit.js";
import type { Runtime } from "../platform/runtime.js";
import { rememberExpiry, rememberLabel } from "./search-labels.js";

export type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * One webhook delivery, as the flows see it: the installation's gateway, the repository, a
 * logger bound to the delivery, and the config, loaded once (memoized) per delivery. A flow
 * takes `Delivery<ItsGitHub>`: the `Pick` of the gateway's calls it uses, and nothing more.
 */
export interface Delivery<G = GitHub> {
  id: string;
  event: string;
  actor: string | null;
  repo: RepoRef;
  /** The installation's GitHub: the gateway's calls bound to its clients (`github/gateway.ts`): REST and mutations on its Octokit, queries on a reader not spaced like writes. The clients themselves are not handed to flows. */
  github: G;
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
  /** Waits between re-reads of what the event announced while GitHub's replicas catch up (default about 3 s in all). */
  readRetryDelaysMs?: readonly number[];
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
 * The files the loader read are cached (an `_extends` source it could not read included, so the
 * config stays invalid from the cache too), validation runs each time; a failed read is never
 * cached. What the reconciliation sweep needs of it is remembered: a label other than the default
 * (no shared-store call for the default), and, in the sweep's own reads, whether approvals expire.
 */
const cachedConfig = async (
  octokit: Octokit,
  runtime: Runtime,
  installationId: number | undefined,
  repo: RepoRef,
  sweep = false,
): Promise<LoadedConfig> => {
  const { coordination } = runtime;
  const key = `${await configCacheKey(coordination, installationId, repo)}:${CONFIG_FILE}`;
  const cached = await coordination.cacheGet(key);
  // The same files validate the same way: their validation is kept beside them in this process.
  const validated = cached ? runtime.validatedConfigs.get(cached) : undefined;
  if (validated) return validated;
  let text = cached;
  const loaded = await loadConfig(async (path) => {
    if (cached) return JSON.parse(cached) as { files: ConfigFile[] };
    const { files } = await configFilesOf(octokit, repo)(path);
    text = JSON.stringify({ files });
    await coordination.cacheSet(key, text, CONFIG_TTL_SECONDS);
    return { files };
  });
  if (text) {
    if (runtime.validatedConfigs.size >= 1_000) runtime.validatedConfigs.clear();
    runtime.validatedConfigs.set(text, loaded);
  }
  await rememberLabel(coordination, repo.owner, loaded);
  if (sweep) await rememberExpiry(coordination, repo, loaded);
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
  const query = readOnlyGraphql(context.octokit, runtime.metrics, payload.installation?.id, (headers) => runtime.rateBudget.record(payload.installation?.id, headers), runtime.readers, runtime.fetch);
  return {
    id: context.id,
    event: context.name + ("action" in context.payload && context.payload.action ? `.${context.payload.action}` : ""),
    actor,
    repo,
    github: gitHubGateway(context.octokit, query),
    log: context.log.child({ delivery: context.id, repository: `${repo.owner}/${repo.repo}`, actor }) as unknown as Logger,
    appId: runtime.appId,
    now: runtime.now,
    config: memoize(() => cachedConfig(context.octokit, runtime, payload.installation?.id, repo)),
    withPullRequestLock: (number, fn) => runtime.coordination.withLock(`${repo.owner}/${repo.repo}#${number}`.toLowerCase(), fn),
    coordination: runtime.coordination,
    installationId: payload.installation?.id,
    runtime,
    readRetryDelaysMs: runtime.readRetryDelaysMs,
  };
};

/**
 * A delivery that no webhook carried: work the app starts itself (the reconciliation sweep), for
 * one repository of one installation. Same config loading, locks and logging as a webhook's.
 */
export const deliveryForRepository = (
  runtime: Runtime,
  options: { id: string; event: string; octokit: Octokit; installationId: number; repo: RepoRef; log: Logger },
): Delivery => {
  const { repo, octokit, installationId } = options;
  const query = readOnlyGraphql(octokit, runtime.metrics, installationId, (headers) => runtime.rateBudget.record(installationId, headers), runtime.readers, runtime.fetch);
  return {
    id: options.id,
    event: options.event,
    actor: null,
    repo,
    github: gitHubGateway(octokit, query),
    log: options.log.child({ delivery: options.id, repository: `${repo.owner}/${repo.repo}` }),
    appId: runtime.appId,
    now: runtime.now,
    config: memoize(() => cachedConfig(octokit, runtime, installationId, repo, true)),
    withPullRequestLock: (number, fn) => runtime.coordination.withLock(`${repo.owner}/${repo.repo}#${number}`.toLowerCase(), fn),
    coordination: runtime.coordination,
    installationId,
    runtime,
    readRetryDelaysMs: runtime.readRetryDelaysMs,
  };
};

/** The app's own GitHub (its JWT, no installation): its installations and its slug. */
export const appGitHubOf = async (app: Probot): Promise<AppGitHub> => appGitHubGateway((await app.auth()) as unknown as Octokit);

/** An installation's GitHub as the reminder sweep reaches it: Probot's client for the installation, queries sent through it. */
export const installationGitHub = async (app: Probot, installationId: number): Promise<GitHub> => {
  const octokit = (await app.auth(installationId)) as unknown as Octokit;
  return gitHubGateway(octokit, (query, variables) => octokit.graphql(query, variables));
};

/**
 * An installation as the reconciliation sweep reaches it: the app's client for it, counted in the
 * installation's rate-limit budgets; its GitHub (queries unspaced, as a delivery's); and a delivery
 * of one of its repositories, for the flows the sweep runs as a webhook would.
 */
export const installationForSweep = async (app: Probot, runtime: Runtime, installationId: number) => {
  const octokit = instrumentOctokit((await app.auth(installationId)) as unknown as Octokit, runtime.metrics, (headers) => runtime.rateBudget.record(installationId, headers));
  const query = readOnlyGraphql(octokit, runtime.metrics, installationId, (headers) => runtime.rateBudget.record(installationId, headers), runtime.readers);
  return {
    github: gitHubGateway(octokit, query),
    deliveryFor: (options: { id: string; event: string; repo: RepoRef; log: Logger }): Delivery => deliveryForRepository(runtime, { ...options, octokit, installationId }),
  };
};
