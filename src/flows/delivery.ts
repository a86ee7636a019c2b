import type { Context, ProbotOctokit } from "probot";
import type { Logger } from "pino";
import { loadConfig, type LoadedConfig } from "../config/load-config.js";
import type { RepoRef } from "../github/repo-ref.js";

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
  log: Logger;
  /** This app's id: tells its own check runs from look-alikes of other apps. */
  appId: number | null;
  now: () => Date;
  config: () => Promise<LoadedConfig>;
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

export const appIdFromEnv = (): number | null => {
  const id = Number.parseInt(process.env.APP_ID ?? "", 10);
  return Number.isFinite(id) ? id : null;
};

export const deliveryFrom = (context: Context, now: () => Date = () => new Date()): Delivery => {
  const payload = context.payload as { repository?: { owner: { login: string }; name: string }; sender?: { login: string } };
  const repo = { owner: payload.repository!.owner.login, repo: payload.repository!.name };
  const actor = payload.sender?.login ?? null;
  return {
    id: context.id,
    event: context.name + ("action" in context.payload && context.payload.action ? `.${context.payload.action}` : ""),
    actor,
    repo,
    octokit: context.octokit,
    log: context.log.child({ delivery: context.id, repository: `${repo.owner}/${repo.repo}`, actor }) as unknown as Logger,
    appId: appIdFromEnv(),
    now,
    config: memoize(() => loadConfig((file) => context.config(file))),
  };
};
