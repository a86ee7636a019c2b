import type { Probot } from "probot";
import { configCacheKey } from "../flows/delivery.js";
import { CONFIG_FILE } from "../config/schema.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

type PushCommit = { added?: string[]; modified?: string[]; removed?: string[] };

/** Did the push change anything under `.github/`? A push GitHub lists without commits counts as yes. */
export const touchesGithubFolder = (commits: PushCommit[] | undefined): boolean =>
  !commits?.length || commits.some((commit) => [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])].some((path) => path.startsWith(".github/")));

/**
 * The config cache ends when the config may have changed: a push to the default branch touching
 * `.github/`. A push to the organisation's `.github` repository (the source of `_extends` and of
 * organisation-wide config) ends it for every repository of the installation. Costs no request.
 */
export const registerPushHandler = (app: Probot, runtime: Runtime): void => {
  on(app, runtime, "push", async (delivery, context) => {
    const payload = context.payload;
    if (payload.ref !== `refs/heads/${payload.repository.default_branch}`) return;
    const orgConfigRepo = payload.repository.name === ".github";
    if (!orgConfigRepo && !touchesGithubFolder(payload.commits as PushCommit[])) return;
    const { coordination } = runtime;
    if (orgConfigRepo) {
      await coordination.cacheSet(`config-generation:${delivery.installationId}`, String(Date.now()), 7 * 24 * 3600);
    } else {
      // An empty value reads as "not cached"; it expires by itself.
      await coordination.cacheSet(`${await configCacheKey(coordination, delivery.installationId, delivery.repo)}:${CONFIG_FILE}`, "", 1);
    }
    delivery.log.info({ outcome: "config-cache-cleared", scope: orgConfigRepo ? "installation" : "repository" }, "config changed on the default branch; it is read again");
  });
};
