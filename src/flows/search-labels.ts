import type { LoadedConfig } from "../config/load-config.js";
import { defaultConfig } from "../config/schema.js";
import type { Coordination } from "../platform/coordination.js";

/**
 * The hotfix labels other than the default that repositories of an account configure, as seen in
 * the configs the app loaded: the reconciliation sweep searches them besides `hotfix`. Only a
 * cost saving (the sweep cannot search "whatever each repository's config says" in one query);
 * shared by the replicas with Redis. Remembered for a week.
 */
const TTL_SECONDS = 7 * 24 * 3600;
const key = (account: string) => `reconcile-labels:${account.toLowerCase()}`;

export const knownLabels = async (coordination: Coordination, account: string): Promise<string[]> => {
  const raw = await coordination.cacheGet(key(account)).catch(() => null);
  try {
    const labels: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(labels) ? labels.filter((label): label is string => typeof label === "string") : [];
  } catch {
    return [];
  }
};

/** Best effort: a config naming another label is remembered for the account's next sweeps. */
export const rememberLabel = async (coordination: Coordination, account: string, loaded: LoadedConfig): Promise<void> => {
  if (!loaded.ok || loaded.config.label.toLowerCase() === defaultConfig().label.toLowerCase()) return;
  try {
    const labels = await knownLabels(coordination, account);
    if (labels.some((label) => label.toLowerCase() === loaded.config.label.toLowerCase())) return;
    await coordination.cacheSet(key(account), JSON.stringify([...labels, loaded.config.label].slice(-20)), TTL_SECONDS);
  } catch {
    // a cache that does not answer only narrows the next sweep's search
  }
};

/** The labels a scan of every repository's config found; `null` when no scan ran in the last day. */
const SCAN_TTL_SECONDS = 24 * 3600;
const scanKey = (account: string) => `reconcile-labels-scanned:${account.toLowerCase()}`;

export const scannedLabels = async (coordination: Coordination, account: string): Promise<string[] | null> => {
  const raw = await coordination.cacheGet(scanKey(account)).catch(() => null);
  if (raw == null) return null;
  try {
    const labels: unknown = JSON.parse(raw);
    return Array.isArray(labels) ? labels.filter((label): label is string => typeof label === "string") : null;
  } catch {
    return null;
  }
};

export const rememberScan = (coordination: Coordination, account: string, labels: string[]): Promise<void> =>
  coordination.cacheSet(scanKey(account), JSON.stringify(labels), SCAN_TTL_SECONDS).catch(() => {});

/**
 * Whether a repository's approvals expire (`approvals.expire_after_hours`), as its config said
 * when last loaded (a day): lets the sweep pass over green hotfixes of repositories where nothing
 * expires without reading their config each time. `null` when unknown.
 */
const EXPIRY_TTL_SECONDS = 24 * 3600;
const expiryKey = (repo: { owner: string; repo: string }) => `reconcile-expiry:${repo.owner}/${repo.repo}`.toLowerCase();

export const rememberExpiry = async (coordination: Coordination, repo: { owner: string; repo: string }, loaded: LoadedConfig): Promise<void> => {
  if (!loaded.ok) return;
  await coordination.cacheSet(expiryKey(repo), loaded.config.approvals.expire_after_hours != null ? "1" : "0", EXPIRY_TTL_SECONDS).catch(() => {});
};

export const approvalsExpire = async (coordination: Coordination, repo: { owner: string; repo: string }): Promise<boolean | null> => {
  const raw = await coordination.cacheGet(expiryKey(repo)).catch(() => null);
  return raw === "1" ? true : raw === "0" ? false : null;
};
