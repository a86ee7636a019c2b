import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { GitHubSimulator } from "./simulator.js";

/** One request as the server saw it: arrival and end of the answer, in `performance.now()` milliseconds. */
export interface RequestTiming {
  method: string;
  path: string;
  status: number;
  start: number;
  end: number;
}

export interface SimulatorServer {
  /** host:port, for GHE_HOST (with GHE_PROTOCOL=http). */
  host: string;
  /** The REST base URL (`/api/v3`), as GitHub Enterprise Server serves it. */
  baseUrl: string;
  close: () => Promise<void>;
}

/**
 * Serves the simulator over real HTTP on loopback, in GitHub Enterprise Server's layout
 * (`/api/v3/...` and `/api/graphql`), so the real app can run against it with
 * `GHE_HOST=<host> GHE_PROTOCOL=http`. `latencyMs` delays every answer (benchmarks); `onRequest`
 * hears when each request arrived and when its answer ended (round trips on the critical path).
 */
export const serveSimulator = async (
  sim: GitHubSimulator,
  options: { port?: number; latencyMs?: number; onRequest?: (timing: RequestTiming) => void } = {},
): Promise<SimulatorServer> => {
  const server: Server = createServer((req, res) => {
    const start = performance.now();
    if (options.onRequest) {
      const report = options.onRequest;
      res.once("finish", () => report({ method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0], status: res.statusCode, start, end: performance.now() }));
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      try {
        if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        const response = await sim.handle(req.method ?? "GET", req.url ?? "/", body, req.headers);
        if (response === "hang") return; // never answers: the client's timeout must act
        if (response === "reset") return void req.socket.destroy();
        const payload = typeof response.body === "string" ? response.body : response.body === undefined ? "" : JSON.stringify(response.body);
        res.writeHead(response.status, {
          "content-type": "application/json; charset=utf-8",
          "x-ratelimit-remaining": "4999",
          "x-ratelimit-limit": "5000",
          ...(response.headers ?? {}),
        });
        res.end(response.status === 204 ? undefined : payload);
      } catch (error) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `simulator crashed: ${(error as Error).message}` }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  // The URLs the simulator answers with (pagination's Link headers) must lead back here.
  sim.baseUrl = `http://127.0.0.1:${port}/api/v3`;
  return {
    host: `127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}/api/v3`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
