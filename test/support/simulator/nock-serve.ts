import nock from "nock";
import { ghError, type GitHubSimulator, type SimResponse } from "./simulator.js";

// nock patches the process's sockets (net.Socket's connect), not only fetch: it is imported by
// the in-process tests alone, never by the simulator's core, so that suites on real sockets
// (Redis, the app as a process, the loopback simulator) run without it.

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Serves `sim` through nock at its base URL; real network stays disabled. */
export const serveThroughNock = (sim: GitHubSimulator): void => {
  nock.disableNetConnect();
  const scope = nock(sim.baseUrl).persist();
  // nock has already read the body; it hands it over with its "request" event.
  const bodies = new WeakMap<object, string>();
  scope.on("request", (request: object, _interceptor: unknown, body: string) => bodies.set(request, body));
  for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
    // nock 15 hands a reply function the Fetch Request it intercepted.
    scope.intercept(/.*/, method).reply(async (request: Request) => {
      const text = bodies.get(request) ?? "";
      const body = text.length > 0 ? safeJson(text) : undefined;
      const headers = Object.fromEntries(request.headers.entries());
      let response: SimResponse | "hang" | "reset";
      try {
        response = await sim.handle(method, request.url, body, headers);
      } catch (error) {
        // A simulator bug must fail the test loudly, not hang it.
        // eslint-disable-next-line no-console
        console.error(`simulator crashed on ${method} ${request.url}`, error);
        response = ghError(500, `simulator crashed: ${(error as Error).message}`);
      }
      if (response === "hang") return new Promise(() => {});
      if (response === "reset") throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      return [response.status, response.body ?? "", { "content-type": "application/json; charset=utf-8", ...(response.headers ?? {}) }];
    });
  }
};

/** Removes every interceptor: the next simulator served is the only one answering. */
export const stopServingThroughNock = (): void => {
  nock.cleanAll();
};
