import type { ApplicationFunction } from "probot";
import { registerCheckHandlers } from "./handlers/checks.js";
import { registerHttpRoutes } from "./handlers/http.js";
import { registerMergeHandler } from "./handlers/merged.js";
import { registerPullRequestHandlers } from "./handlers/pull-request.js";

/** Registration only: every behaviour lives in the handlers and the flows they call. */
const hotfixGovernance: ApplicationFunction = (app, options) => {
  registerHttpRoutes(options.addHandler);
  registerPullRequestHandlers(app);
  registerCheckHandlers(app);
  registerMergeHandler(app);
};

export default hotfixGovernance;
