import { CONFIG_FILE, CONFIG_PATH } from "./schema.js";
import { describeLoadError, validateConfig, type ConfigResult } from "./validate-config.js";

/** What Probot's `context.config` offers: reads `.github/<file>` with `_extends` and the org `.github` repo. */
export type ReadConfig = (file: string) => Promise<unknown>;

export type LoadedConfig = ConfigResult & { path: string };

/**
 * Loads and validates `.github/hotfix.yml`. A missing file means the defaults; a file that does
 * not parse or validate is reported, never replaced by defaults. GitHub errors are thrown: the
 * caller fails closed.
 */
export const loadConfig = async (readConfig: ReadConfig): Promise<LoadedConfig> => {
  let raw: unknown;
  try {
    raw = await readConfig(CONFIG_FILE);
  } catch (error) {
    const problem = describeLoadError(error);
    if (!problem) throw error;
    return { ok: false, problems: [problem], path: CONFIG_PATH };
  }
  return { ...validateConfig(raw), path: CONFIG_PATH };
};
