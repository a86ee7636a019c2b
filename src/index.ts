import type { ApplicationFunction } from "probot";
import { registerCheckHandlers } from "./handlers/checks.js";
import { registerPullRequestHandlers } from "./handlers/pull-request.js";
import { registerHttpRoutes } from "./handlers/http.js";

/** Registration only: every behaviour lives in the handlers and the flows they call. */
const hotfixGovernance: ApplicationFunction = (app, options) => {
  registerHttpRoutes(options.addHandler);
  registerPullRequestHandlers(app);
  registerCheckHandlers(app);
};

export default hotfixGovernance;
