import { registerGraphqlRoute } from "./graphql.js";
import { registerActivityRoutes } from "./routes-activity.js";
import { registerAppRoutes } from "./routes-apps.js";
import { registerCheckRoutes, registerCheckRunRoutes } from "./routes-checks.js";
import { registerGitRoutes } from "./routes-git.js";
import { registerIssueRoutes } from "./routes-issues.js";
import { registerMergeRoutes } from "./routes-merge.js";
import { registerPeopleRoutes } from "./routes-people.js";
import { registerPullRequestRoutes } from "./routes-pulls.js";
import { registerReactionRoutes } from "./routes-reactions.js";
import "./routes-report.js";
import { registerRepositoryRoutes } from "./routes-repos.js";
import { GitHubSimulator } from "./simulator.js";

/**
 * The route modules, one per GitHub resource (as docs.github.com groups its REST API). A route
 * may be registered once; which of several matching routes answers is the more specific one,
 * never the order below.
 */
export const routeModules: Record<string, (sim: GitHubSimulator) => void> = {
  "routes-apps": registerAppRoutes,
  "routes-repos": registerRepositoryRoutes,
  "routes-pulls": registerPullRequestRoutes,
  "routes-merge": registerMergeRoutes,
  "routes-issues": registerIssueRoutes,
  "routes-reactions": registerReactionRoutes,
  "routes-people": registerPeopleRoutes,
  "routes-checks": (sim) => {
    registerCheckRunRoutes(sim);
    registerCheckRoutes(sim);
  },
  "routes-git": registerGitRoutes,
  "routes-activity": registerActivityRoutes,
  graphql: registerGraphqlRoute,
};

export const createSimulator = (baseUrl?: string): GitHubSimulator => {
  const sim = new GitHubSimulator(baseUrl);
  for (const register of Object.values(routeModules)) register(sim);
  return sim;
};

export { GitHubSimulator, SIM_APP, sha, ghError } from "./simulator.js";
