import { routeModules } from "../support/simulator/index.js";
import { GitHubSimulator } from "../support/simulator/simulator.js";

/** The GitHub resource a REST path belongs to (docs.github.com's grouping), by the route module that must serve it. */
const moduleOf = (path: string): string => {
  if (path === "/graphql") return "graphql";
  if (/^\/app(\/|$)|^\/installation\//.test(path)) return "routes-apps";
  if (/\/reactions$/.test(path)) return "routes-reactions";
  if (/\/pulls\/\{[a-z_]+\}\/merge$/.test(path)) return "routes-merge";
  if (/\/pulls(\/|$)|\/commits\/\{sha\}\/pulls$/.test(path)) return "routes-pulls";
  if (/\/issues(\/|$)|\/assignees\//.test(path)) return "routes-issues";
  if (/\/collaborators\/|^\/orgs\/\{org\}\/teams\//.test(path)) return "routes-people";
  if (/\/check-runs/.test(path)) return "routes-checks";
  if (/\/git\/|\/commits(\/|$)|\/compare\/|\/merges$/.test(path)) return "routes-git";
  if (/\/activity$/.test(path)) return "routes-activity";
  if (/^\/repos\/\{owner\}\/\{repo\}(\/contents\/.*)?$/.test(path)) return "routes-repos";
  return "unknown";
};

/** Which module registers which routes: each module's `sim.route` calls, seen one module at a time. */
const registrations = (): Array<{ module: string; route: string; path: string }> => {
  const sim = new GitHubSimulator();
  const seen: Array<{ module: string; route: string; path: string }> = [];
  const route = sim.route.bind(sim);
  for (const [module, register] of Object.entries(routeModules)) {
    sim.route = (method, path, handler) => {
      seen.push({ module, route: `${method} ${path}`, path });
      route(method, path, handler);
    };
    register(sim);
  }
  return seen;
};

test("every route lives in the module of its GitHub resource", () => {
  const seen = registrations();
  expect(seen.length).toBeGreaterThan(40);
  expect(seen.filter(({ module, path }) => moduleOf(path) !== module).map(({ module, route }) => `${route} in ${module} (belongs in ${moduleOf(route.split(" ")[1])})`)).toEqual([]);
});

test("an endpoint is registered once: a second registration throws", () => {
  const sim = new GitHubSimulator();
  sim.route("GET", "/repos/{owner}/{repo}/things/{id}", () => ({ status: 200, body: {} }));
  expect(() => sim.route("GET", "/repos/{owner}/{repo}/things/{number}", () => ({ status: 200, body: {} }))).toThrow("registered twice");
});

test.each([
  ["the catch-all first", ["/repos/{owner}/{repo}/commits/{ref*}", "/repos/{owner}/{repo}/commits/{sha}/pulls"]],
  ["the specific route first", ["/repos/{owner}/{repo}/commits/{sha}/pulls", "/repos/{owner}/{repo}/commits/{ref*}"]],
])("of two routes matching one path, the more specific answers, whatever the order (%s)", async (_name, paths) => {
  const sim = new GitHubSimulator();
  for (const path of paths) sim.route("GET", path, () => ({ status: 200, body: { route: path } }));
  const answer = async (url: string) => {
    const response = await sim.handle("GET", url, undefined, {});
    return response === "hang" || response === "reset" ? response : (response.body as { route: string }).route;
  };
  expect(await answer("/repos/acme/shop/commits/abc123/pulls")).toBe("/repos/{owner}/{repo}/commits/{sha}/pulls");
  expect(await answer("/repos/acme/shop/commits/release/1.0")).toBe("/repos/{owner}/{repo}/commits/{ref*}");
});
