import type { Context, ProbotOctokit } from "probot";
import type { Logger } from "pino";
import { configFilesOf, loadConfig, type LoadedConfig } from "../config/load-config.js";
import type { RepoRef } from "../github/repo-ref.js";
import type { Coordination } from "../platform/coordination.js";
import { readOnlyGraphql, type GraphqlQuery } from "../platform/instrument-octokit.js";
import type { Runtime } from "../platform/runtime.js";
import { rememberExpiry, rememberLabel } from "./search-labels.js";

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
  /** Waits between re-reads of what the event announced while GitHub's replicas catch up (default about 3 s in all). */
  readRetryDelaysMs?: readonly number[];
}

const memoize = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= load();
    // A failed read may be retried within the delivery.
    promise.catch(() => (promise = undefined));
    return promise;
  };
};

/**
 * The config, and what the reconciliation sweep needs of it remembered: a label other than the
 * default (no shared-store call for the default), and, in the sweep's own loads, whether approvals expire.
 */
const loadRemembered = async (runtime: Runtime, octokit: Octokit, repo: RepoRef, sweep = false): Promise<LoadedConfig> => {
  const loaded = await loadConfig(configFilesOf(octokit, repo));
  await rememberLabel(runtime.coordination, repo.owner, loaded);
  if (sweep) await rememberExpiry(runtime.coordination, repo, loaded);
  return loaded;
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
    query: readOnlyGraphql(context.octokit, payload.installation?.id),
    log: context.log.child({ delivery: context.id, repository: `${repo.owner}/${repo.repo}`, actor }) as unknown as Logger,
    appId: runtime.appId,
    now: runtime.now,
    config: memoize(() => loadRemembered(runtime, context.octokit, repo)),
    withPullRequestLock: (number, fn) => runtime.coordination.withLock(`${repo.owner}/${repo.repo}#${number}`.toLowerCase(), fn),
    coordination: runtime.coordination,
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
  const { repo, octokit } = options;
  return {
    id: options.id,
    event: options.event,
    actor: null,
    repo,
    octokit,
    query: readOnlyGraphql(octokit, options.installationId),
    log: options.log.child({ delivery: options.id, repository: `${repo.owner}/${repo.repo}` }),
    appId: runtime.appId,
    now: runtime.now,
    config: memoize(() => loadRemembered(runtime, octokit, repo, true)),
    withPullRequestLock: (number, fn) => runtime.coordination.withLock(`${repo.owner}/${repo.repo}#${number}`.toLowerCase(), fn),
    coordination: runtime.coordination,
    readRetryDelaysMs: runtime.readRetryDelaysMs,
  };
};
