import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { describeGitHubError } from "../../src/github/errors.js";

/**
 * What users read when GitHub fails: errors as Octokit really throws them (a network failure is
 * a RequestError with status 500 and the system error as its cause), named for what happened.
 */

const listen = async (handler: RequestListener): Promise<{ server: Server; url: string }> => {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};
const close = (server: Server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });

/** The error Octokit throws for one request with this fetch / base URL. */
const failure = async (options: { baseUrl: string; fetch?: typeof fetch; signal?: AbortSignal }): Promise<unknown> => {
  const quiet = () => {};
  const octokit = new Octokit({ baseUrl: options.baseUrl, log: { debug: quiet, info: quiet, warn: quiet, error: quiet }, request: { fetch: options.fetch, signal: options.signal, retries: 0 } });
  try {
    await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "shop" });
  } catch (error) {
    return error;
  }
  throw new Error("the request did not fail");
};

/** fetch failing the way undici does: TypeError("fetch failed") caused by the system error. */
const failingFetch = (code: string, message: string): typeof fetch => async () => {
  throw new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code, syscall: "connect" }) });
};

test.each([
  ["ENOTFOUND", "getaddrinfo ENOTFOUND github.example.com", /could not be reached: the GitHub host name does not resolve \(ENOTFOUND/],
  ["ETIMEDOUT", "connect ETIMEDOUT 140.82.112.6:443", /could not be reached: the connection to GitHub timed out \(ETIMEDOUT\)/],
  ["ECONNRESET", "read ECONNRESET", /could not be reached: the connection to GitHub was reset \(ECONNRESET\)/],
  ["UND_ERR_CONNECT_TIMEOUT", "Connect Timeout Error", /could not be reached: the connection to GitHub timed out \(ETIMEDOUT\)/],
])("a network failure (%s) is named as such, not as an answer from GitHub", async (code, message, expected) => {
  const error = await failure({ baseUrl: "https://github.example.com/api/v3", fetch: failingFetch(code, message) });
  expect((error as { status?: number }).status).toBe(500); // what Octokit reports
  const text = describeGitHubError(error);
  expect(text).toMatch(expected);
  expect(text).not.toContain("answered");
});

test("a refused connection (a real closed port on loopback) is ECONNREFUSED", async () => {
  const { server, url } = await listen(() => {});
  await close(server);
  const text = describeGitHubError(await failure({ baseUrl: url }));
  expect(text).toBe("GitHub could not be reached: the GitHub host refused the connection (ECONNREFUSED)");
});

test("a request that hangs until its timeout says GitHub did not answer in time", async () => {
  const { server, url } = await listen(() => {}); // never answers
  try {
    const text = describeGitHubError(await failure({ baseUrl: url, signal: AbortSignal.timeout(200) }));
    expect(text).toBe("GitHub could not be reached: GitHub did not answer in time (request timeout, GITHUB_REQUEST_TIMEOUT_MS)");
  } finally {
    await close(server);
  }
});

test("an answer from GitHub is still reported with its status and message", async () => {
  const { server, url } = await listen((_req, res) => {
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: "Server Error" }));
  });
  try {
    expect(describeGitHubError(await failure({ baseUrl: url }))).toBe("GitHub answered 502: Server Error");
  } finally {
    await close(server);
  }
});
