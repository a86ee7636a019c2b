import { registerGraphqlRoute } from "./graphql.js";
import { registerActivityRoutes } from "./routes-activity.js";
import { registerApprovalRoutes } from "./routes-approvals.js";
import { registerCheckRoutes } from "./routes-checks.js";
import { registerCoreRoutes } from "./routes-core.js";
import { registerGitRoutes } from "./routes-git.js";
import { registerIssueRoutes } from "./routes-issues.js";
import { registerMergeRoutes } from "./routes-merge.js";
import "./routes-report.js";
import { GitHubSimulator } from "./simulator.js";

/** Route modules: each issue's endpoints live in their own file and register here. */
const routeModules: Array<(sim: GitHubSimulator) => void> = [
  registerCoreRoutes,
  registerGraphqlRoute,
  registerApprovalRoutes,
  registerIssueRoutes,
  registerGitRoutes,
  registerMergeRoutes,
  registerActivityRoutes,
  registerCheckRoutes,
];

export const createSimulator = (baseUrl?: string): GitHubSimulator => {
  const sim = new GitHubSimulator(baseUrl);
  for (const register of routeModules) register(sim);
  return sim;
};

export { GitHubSimulator, SIM_APP, sha, ghError } from "./simulator.js";
