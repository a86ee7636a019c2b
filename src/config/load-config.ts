import { CONFIG_PATH } from "./schema.js";
import { describeLoadError, validateConfig, type ConfigProblem, type ConfigResult } from "./validate-config.js";

/** One file Probot's config loader read (`@probot/octokit-plugin-config`): `config` is null when GitHub answered 404. */
export interface ConfigFile {
  owner: string;
  repo: string;
  path: string;
  config: Record<string, unknown> | null;
}

/**
 * What `octokit.config.get` answers for a path: the files it read, in order — the repository's
 * own file, then (only when that one is missing) the organisation's `.github` repository, then
 * each source named by `_extends`.
 */
export type ReadConfigFiles = (path: string) => Promise<{ files: ConfigFile[] }>;

export type LoadedConfig = ConfigResult & { path: string };

/** The app's client as the loader needs it: Probot's Octokit carries the config plugin. */
interface ConfigOctokit {
  config: { get: (options: { owner: string; repo: string; path: string }) => Promise<{ files: ConfigFile[] }> };
}

/** Probot's loader, for one repository (the same reads as `context.config`). */
export const configFilesOf =
  (octokit: ConfigOctokit, repo: { owner: string; repo: string }): ReadConfigFiles =>
  (path) =>
    octokit.config.get({ owner: repo.owner, repo: repo.repo, path });

/**
 * Loads and validates `.github/hotfix.yml`. A missing file (and no organisation file) means the
 * defaults; a file that does not parse or validate is reported, never replaced by defaults. A
 * source named by `_extends` that cannot be read is reported too: GitHub answers 404 both for a
 * file or repository that does not exist and for one the installation cannot see, and Probot's
 * loader takes either for "no config" — which would silently drop the policy. GitHub errors other
 * than 404 are thrown: the caller fails closed.
 */
export const loadConfig = async (readFiles: ReadConfigFiles): Promise<LoadedConfig> => {
  let files: ConfigFile[];
  try {
    ({ files } = await readFiles(CONFIG_PATH));
  } catch (error) {
    const problem = describeLoadError(error) ?? describeLoaderRefusal(error);
    if (!problem) throw error;
    return { ok: false, problems: [problem], path: CONFIG_PATH };
  }
  const unreadable = unreadableSources(files);
  if (unreadable.length > 0) return { ok: false, problems: unreadable, path: CONFIG_PATH };
  // Merged as `context.config` merges them: the extended source first, the repository's file last.
  const configs = files.map((file) => file.config).filter((config): config is Record<string, unknown> => config != null).reverse();
  const raw = configs.length === 0 ? null : configs.reduce<unknown>((merged, config) => deepMerge(merged, config), {});
  return { ...validateConfig(raw), path: CONFIG_PATH };
};

const sourceName = (file: ConfigFile): string => `${file.owner}/${file.repo}:${file.path}`;

/**
 * The `_extends` sources that answered 404. The loader reads the repository's file, then the
 * organisation's `.github` repository only when that file is missing (its absence is simply no
 * organisation config), then the chain of `_extends`: every file after the first one found was
 * named by the one before it.
 */
export const unreadableSources = (files: ConfigFile[]): ConfigProblem[] => {
  const base = files.findIndex((file) => file.config != null);
  if (base < 0) return [];
  return files.slice(base + 1).flatMap((file, index) =>
    file.config != null
      ? []
      : [
          {
            path: "_extends",
            message:
              `\`${sourceName(files[base + index])}\` extends \`${sourceName(file)}\`, which the app cannot read: GitHub answers 404 both when it ` +
              "does not exist and when the app is not installed on that repository. Install the app there (or correct `_extends`); " +
              "until then the configuration is invalid rather than silently replaced by defaults",
          },
        ],
  );
};

/** The loader's own refusals (an `_extends` value it cannot parse, a loop, a directory). */
const describeLoaderRefusal = (error: unknown): ConfigProblem | undefined => {
  const message = error instanceof Error ? error.message : "";
  if (!message.startsWith("[@probot/octokit-plugin-config]")) return undefined;
  const text = message.replace("[@probot/octokit-plugin-config] ", "").split("\n")[0];
  return { path: /_extends|Recursion/.test(text) ? "_extends" : "", message: text };
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value != null && typeof value === "object" && !Array.isArray(value);

/** `deepmerge` as Probot's `context.config` applies it: objects merged, arrays concatenated, later values win. */
const deepMerge = (target: unknown, source: unknown): unknown => {
  if (Array.isArray(target) && Array.isArray(source)) return [...target, ...source];
  if (!isPlainObject(target) || !isPlainObject(source)) return source;
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(source)) merged[key] = key in merged ? deepMerge(merged[key], value) : value;
  return merged;
};
