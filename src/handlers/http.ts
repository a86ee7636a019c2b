import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";

type AddHandler = (handler: (req: IncomingMessage, res: ServerResponse) => boolean | void | Promise<boolean | void>) => void;

export interface Readiness {
  /** Null when ready; otherwise why not (e.g. "redis unreachable: degraded to single-process mode"). */
  check: () => Promise<{ ready: boolean; detail: string }>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/** GET /healthz (the process serves), GET /readyz (its dependencies answer), GET /metrics (Prometheus). */
export const registerHttpRoutes = (addHandler: AddHandler, registry: Registry, readiness?: Readiness): void => {
  addHandler(async (req, res) => {
    if (req.method !== "GET") return false;
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz") {
      json(res, 200, { status: "ok" });
      return true;
    }
    if (path === "/readyz") {
      const state = readiness ? await readiness.check() : { ready: true, detail: "single process, in-memory coordination" };
      json(res, state.ready ? 200 : 503, { status: state.ready ? "ready" : "not ready", detail: state.detail });
      return true;
    }
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": registry.contentType });
      res.end(await registry.metrics());
      return true;
    }
    return false;
  });
};
