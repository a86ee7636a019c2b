import type { ProbotOctokit } from "probot";
import type { RepoRef } from "./repo-ref.js";

/** The app's installations (the app's JWT) and what one installation reaches (its token). */

/** An Octokit with the paginate plugin (Probot's class: the app's and the report's clients), typed by route. */
type Paginating = Pick<InstanceType<typeof ProbotOctokit>, "request" | "paginate">;

export interface Installation {
  id: number;
  account: { login: string; type: string };
  /** "all" or "selected" repositories. */
  repositorySelection: string;
  suspended: boolean;
}

/** GET /app/installations, every page: each installation with an account (a deleted account has none). */
export const listInstallations = async (appOctokit: Paginating): Promise<Installation[]> => {
  const installations = await appOctokit.paginate("GET /app/installations", { per_page: 100 });
  return installations.flatMap((installation) =>
    installation.account?.login
      ? [
          {
            id: installation.id,
            account: { login: installation.account.login, type: installation.account.type ?? "User" },
            repositorySelection: installation.repository_selection ?? "all",
            suspended: Boolean(installation.suspended_at),
          },
        ]
      : [],
  );
};

/** GET /app: the app's slug (its bot is `<slug>[bot]`, its search qualifier `author:app/<slug>`). */
export const getAppSlug = async (appOctokit: Paginating): Promise<string | null> => {
  const { data } = await appOctokit.request("GET /app");
  return typeof data?.slug === "string" ? data.slug : null;
};

export interface InstallationRepository {
  repo: RepoRef;
  archived: boolean;
}

/** GET /installation/repositories, every page: the repositories an installation's token reaches. */
export const listInstallationRepositories = async (octokit: Paginating): Promise<InstallationRepository[]> => {
  const repositories = await octokit.paginate("GET /installation/repositories", { per_page: 100 });
  return repositories.map((repository) => ({ repo: { owner: repository.owner.login, repo: repository.name }, archived: Boolean(repository.archived) }));
};
