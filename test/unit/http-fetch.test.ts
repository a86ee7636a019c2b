import { createMetrics } from "../../src/platform/metrics.js";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { Octokit } from "@octokit/rest";
import { describeGitHubError } from "../../src/github/errors.js";
import { createHttpFetch, createHttpPools } from "../../src/platform/http-fetch.js";
import { instrumentOctokit } from "../../src/platform/instrument-octokit.js";

/**
 * The runtime's GitHub client (Node's HTTP with keep-alive pools, about half fetch's CPU per
 * request) must be indistinguishable from fetch for Octokit: each case sends the same request
 * through Octokit with the global fetch and with the lean one, against a real loopback server,
 * and expects the same answer or the same error.
 */

const listen = async (handler: RequestListener): Promise<{ server: Server; url: string }> => {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const quiet = () => {};
const octokitWith = (baseUrl: string, send: typeof fetch) =>
  new Octokit({ baseUrl, log: { debug: quiet, info: quiet, warn: quiet, error: quiet }, request: { fetch: send, retries: 0 } });

const pools = createHttpPools();
const lean = createHttpFetch(pools, fetch, {});
afterAll(() => {
  pools.http.destroy();
  pools.https.destroy();
});

/** What Octokit made of the answer (or the error it threw), comparable across the two fetches. */
const outcome = async (baseUrl: string, send: typeof fetch, call: (octokit: Octokit) => Promise<{ status: number; data: unknown; headers: Record<string, unknown> }>) => {
  try {
    const { status, data, headers } = await call(octokitWith(baseUrl, send));
    return { status, data: data instanceof ArrayBuffer ? Buffer.from(data).toString("hex") : data, etag: headers.etag, link: headers.link, remaining: headers["x-ratelimit-remaining"] };
  } catch (error) {
    const e = error as { name?: string; status?: number; message?: string; response?: { data?: unknown } };
    return { error: e.name, status: e.status, described: describeGitHubError(error), data: e.response?.data };
  }
};

const seen: Array<{ method?: string; url?: string; body: string; authorization?: string }> = [];
const handler: RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    seen.push({ method: req.method, url: req.url, body, authorization: req.headers.authorization });
    const json = (status: number, value: unknown, headers: Record<string, string | string[]> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(status === 204 ? undefined : JSON.stringify(value));
    };
    const path = (req.url ?? "").split("?")[0];
    if (path === "/repos/acme/shop") return json(200, { id: 1, full_name: "acme/shop", big: 12345678901234 }, { etag: 'W/"abc"', "x-ratelimit-remaining": "4998", link: ['<https://x/1>; rel="next"', '<https://x/9>; rel="last"'] });
    if (path === "/repos/acme/shop/issues/1/comments") return json(201, { id: 7, body: JSON.parse(body).body });
    if (path === "/repos/acme/shop/issues/comments/7" && req.method === "DELETE") return json(204, undefined);
    if (path === "/repos/acme/gone") return json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    if (path === "/repos/acme/old") {
      res.writeHead(301, { location: "/repos/acme/shop", "content-type": "application/json; charset=utf-8" });
      return res.end(JSON.stringify({ message: "Moved Permanently", url: "/repos/acme/shop" }));
    }
    if (path === "/repos/acme/zipped") {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-encoding": "gzip" });
      return res.end(gzipSync(JSON.stringify({ zipped: true })));
    }
    if (path === "/repos/acme/shop/tarball/main") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return res.end(Buffer.from([0, 1, 2, 255]));
    }
    if (path === "/repos/acme/reset") return req.socket.destroy();
    if (path === "/repos/acme/hang") return; // never answers
    json(500, { message: `unexpected ${req.method} ${req.url}` });
  });
};

let server: Server;
let url: string;
beforeAll(async () => ({ server, url } = await listen(handler)));
afterAll(() => close(server));

/** As the app sends them: instrumented (timeouts, metrics, data decoded by V8's JSON.parse) over the lean fetch. */
const appOutcome = (call: Parameters<typeof outcome>[2]) => outcome(url, fetch, (octokit) => call(instrumentOctokit(octokit as never, createMetrics(), undefined, lean) as unknown as Octokit));

const both = async (call: Parameters<typeof outcome>[2]) => {
  const viaFetch = await outcome(url, fetch, call);
  const viaLean = await outcome(url, lean, call);
  return { viaFetch, viaLean };
};

describe("the lean fetch answers Octokit as fetch does", () => {
  test.each([
    ["a JSON answer with repeated headers", (o: Octokit) => o.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "shop" })],
    ["a POST with a JSON body", (o: Octokit) => o.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "acme", repo: "shop", issue_number: 1, body: "héllo ✓" })],
    ["204 No Content", (o: Octokit) => o.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: "acme", repo: "shop", comment_id: 7 })],
    ["a 404 (RequestError with GitHub's message)", (o: Octokit) => o.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "gone" })],
    ["a redirect of a renamed repository, followed", (o: Octokit) => o.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "old" })],
    ["a gzip answer", (o: Octokit) => o.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "zipped" })],
    ["bytes (application/octet-stream)", (o: Octokit) => o.request("GET /repos/{owner}/{repo}/tarball/{ref}", { owner: "acme", repo: "shop", ref: "main" })],
    ["a connection reset", (o: Octokit) => o.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "reset" })],
    ["a request that hangs, aborted by its timeout", (o: Octokit) => o.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "hang", request: { signal: AbortSignal.timeout(150) } })],
  ])("%s", async (_name, call) => {
    seen.length = 0;
    const { viaFetch, viaLean } = await both(call as Parameters<typeof outcome>[2]);
    if (_name === "a connection reset") {
      // The one difference, in words only: undici names a peer's close UND_ERR_SOCKET, Node's HTTP ECONNRESET.
      expect(viaFetch).toMatchObject({ described: "GitHub could not be reached: the connection to GitHub was closed (socket error)" });
      expect(viaLean).toMatchObject({ described: "GitHub could not be reached: the connection to GitHub was reset (ECONNRESET)" });
      expect({ ...viaLean, described: undefined }).toEqual({ ...viaFetch, described: undefined });
    } else {
      expect(viaLean).toEqual(viaFetch);
      expect(await appOutcome(call as Parameters<typeof outcome>[2])).toEqual(viaFetch);
    }
    // The server saw the same request bodies each time.
    if (seen.length % 3 === 0) seen.length = (seen.length / 3) * 2;
    const half = seen.length / 2;
    expect(seen.slice(half).map(({ method, url: path, body }) => ({ method, path, body }))).toEqual(seen.slice(0, half).map(({ method, url: path, body }) => ({ method, path, body })));
  });

  test("the figures it answers are GitHub's (sanity: not an empty answer compared with another)", async () => {
    const { viaLean } = await both((o) => o.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "shop" }));
    expect(viaLean).toMatchObject({ status: 200, data: { full_name: "acme/shop" }, etag: 'W/"abc"', remaining: "4998", link: expect.stringContaining('rel="last"') });
    const { viaLean: reset } = await both((o) => o.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "reset" }));
    expect(reset).toMatchObject({ status: 500, described: expect.stringContaining("ECONNRESET") });
    const { viaLean: timeout } = await both((o) => o.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "hang", request: { signal: AbortSignal.timeout(150) } }));
    expect(timeout).toMatchObject({ described: "GitHub could not be reached: GitHub did not answer in time (request timeout, GITHUB_REQUEST_TIMEOUT_MS)" });
  });

  test("connections are kept alive and reused", async () => {
    const sockets = new Set<unknown>();
    const counting = await listen((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    try {
      for (let index = 0; index < 5; index++) await octokitWith(counting.url, lean).request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "shop" });
      expect(sockets.size).toBe(1);
    } finally {
      await close(counting.server);
    }
  });
});
