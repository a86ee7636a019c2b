import type { Logger } from "pino";
import type { AppGitHub } from "../github/gateway.js";
import type { Installation } from "../github/installations.js";
import { describeGitHubError } from "../github/errors.js";

/**
 * The sweeps' outer loop: `task` for each installation of the app that is not suspended, one
 * after the other, with a logger naming it. One installation's failure is logged (`skipped`
 * says what was skipped) and counted, and never stops the others.
 */
export const forEachInstallation = async (
  app: Pick<AppGitHub, "listInstallations">,
  log: Logger,
  skipped: string,
  task: (installation: Installation, log: Logger) => Promise<void>,
): Promise<{ installations: number; failures: number }> => {
  const counts = { installations: 0, failures: 0 };
  for (const installation of await app.listInstallations()) {
    if (installation.suspended) continue;
    counts.installations += 1;
    const installationLog = log.child({ installation: installation.id, account: installation.account.login });
    try {
      await task(installation, installationLog);
    } catch (error) {
      counts.failures += 1;
      installationLog.error({ outcome: "failed", err: describeGitHubError(error) }, `${skipped} skipped for this installation`);
    }
  }
  return counts;
};
