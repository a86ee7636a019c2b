import type { ProbotOctokit } from "probot";
import type { Metrics } from "./metrics.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** A GitHub request that hangs is aborted after this long (then retried as a 5xx by Probot). */
const requestTimeoutMs = (): number => Number(process.env.GITHUB_REQUEST_TIMEOUT_MS ?? 20_000);

/** The endpoint template (`/repos/{owner}/{repo}/check-runs`); GraphQL's absolute URL becomes `/graphql`. */
const routeOf = (url: unknown): string => (/\/graphql$/.test(String(url)) ? "/graphql" : String(url));

/**
 * GitHub counts REST, GraphQL and search in separate budgets and names the one in
 * `x-ratelimit-resource`; without that header, the budget the endpoint belongs to.
 */
const rateLimitResource = (headers: Record<string, unknown>, url: unknown): string => {
  const named = headers["x-ratelimit-resource"];
  if (typeof named === "string" && /^[a-z_]{1,40}$/.test(named)) return named;
  const route = routeOf(url);
  return route === "/graphql" ? "graphql" : route.startsWith("/search/") ? "search" : "core";
};

/** Every attempt (retries included) gets its own timer: a hanging request is aborted, then retried. */
const withTimeout =
  (send: typeof fetch): typeof fetch =>
  (input, init) => {
    const timeout = AbortSignal.timeout(requestTimeoutMs());
    return send(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };

/** The media type and charset of a `content-type`, lowercased ("" when absent). */
const mediaType = (value: string | null): { type: string; charset?: string } => {
  if (!value) return { type: "" };
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(value)?.[1]?.toLowerCase();
  return { type: value.split(";")[0].trim().toLowerCase(), charset };
};

/**
 * A success answer's data as `@octokit/request` makes it (JSON parsed, falling back to the text
 * when it is not JSON; text for text types and UTF-8; bytes otherwise), but parsed by V8's own
 * JSON.parse: Octokit's parser (json-with-bigint) runs a reviver on every value, several times
 * slower. The one difference: an integer beyond 2^53 (GitHub sends none) is a number, not a BigInt.
 */
const decodedData = async (response: Response): Promise<unknown> => {
  const { type, charset } = mediaType(response.headers.get("content-type"));
  if (!type) return response.text().catch(() => "");
  if (type === "application/json" || type === "application/scim+json") {
    let text = "";
    try {
      text = await response.text();
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (type.startsWith("text/") || (charset === "utf-8" && type !== "application/octet-stream")) return response.text().catch(() => "");
  return response.arrayBuffer().catch(() => new ArrayBuffer(0));
};

/**
 * `send`, answering Octokit with the data already decoded: Octokit is told not to parse a success
 * answer (`parseSuccessResponseBody: false`) and takes `body` as the data; errors (status 400 and
 * up), 204/205 and 304, which it reads itself, are left as they are.
 */
const decoding =
  (send: typeof fetch): typeof fetch =>
  async (input, init) => {
    const response = await send(input, init);
    const { status } = response;
    if (status < 200 || status >= 400 || status === 204 || status === 205 || status === 304 || init?.method === "HEAD") return response;
    const data = await decodedData(response);
    return { status: response.status, url: response.url, headers: response.headers, body: data, text: () => response.text(), arrayBuffer: () => response.arrayBuffer() } as unknown as Response;
  };

/** Sees each answer's headers (the installation's rate-limit budget). */
export type OnHeaders = (headers: Record<string, unknown>) => void;

/**
 * Request timeouts and metrics (requests by route and status, rate limit remaining) on a client;
 * requests go through `send` (the runtime's keep-alive client) when given, else the global fetch.
 */
export const instrumentOctokit = (octokit: Octokit, metrics: Pick<Metrics, "githubRequests" | "rateLimitRemaining">, onHeaders?: OnHeaders, send: typeof fetch = fetch): Octokit => {
  const fetchWithTimeout = withTimeout(send);
  const decodingFetch = decoding(fetchWithTimeout);
  octokit.hook.before("request", (options) => {
    // A caller that asked for the raw stream (`parseSuccessResponseBody: false`) gets fetch's answer as it is.
    options.request =
      options.request?.parseSuccessResponseBody === false
        ? { ...options.request, fetch: fetchWithTimeout }
        : { ...options.request, fetch: decodingFetch, parseSuccessResponseBody: false };
  });
  octokit.hook.after("request", (response, options) => {
    metrics.githubRequests.inc({ method: options.method, route: routeOf(options.url), status: String(response.status) });
    const remaining = Number(response.headers["x-ratelimit-remaining"] ?? Number.NaN);
    if (Number.isFinite(remaining)) metrics.rateLimitRemaining.set({ resource: rateLimitResource(response.headers, options.url) }, remaining);
    onHeaders?.(response.headers as Record<string, unknown>);
  });
  octokit.hook.error("request", (error, options) => {
    metrics.githubRequests.inc({ method: options.method, route: routeOf(options.url), status: String((error as { status?: number }).status ?? "network") });
    throw error;
  });
  return octokit;
};

/** Stands in for the throttle's write queue: no spacing (see `readOnlyGraphql`). */
const unspaced = { key: () => ({ schedule: async (_options: unknown, job: (...args: unknown[]) => unknown, ...args: unknown[]) => job(...args) }) };

/** A GraphQL query; every caller names its answer (a selection of @octokit/graphql-schema types, src/github). */
export type GraphqlQuery = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/**
 * GraphQL for queries (never mutations). Probot's throttling counts every GraphQL POST as a
 * write and spaces it a second from the installation's other writes, so every evaluation that
 * writes would wait a second after reading. Queries create nothing: a second client of the same
 * class and installation (same token cache, same retries and rate-limit handling) sends them
 * without that spacing.
 */
export const readOnlyGraphql = (
  octokit: Octokit,
  metrics: Pick<Metrics, "githubRequests" | "rateLimitRemaining">,
  installationId: number | undefined,
  onHeaders?: OnHeaders,
  /** Readers kept per installation by the runtime: building an Octokit costs more CPU than a query. */
  readers?: Map<number, Octokit>,
  send?: typeof fetch,
): GraphqlQuery => {
  if (installationId === undefined) return (query, variables) => octokit.graphql(query, variables);
  let reader: Octokit | undefined;
  return (query, variables) => {
    const OctokitClass = octokit.constructor as new (options: object) => Octokit;
    reader ??= readers?.get(installationId);
    if (!reader) {
      // Its token comes from the app's token cache and is renewed there, so it may live long.
      reader = instrumentOctokit(new OctokitClass({ auth: { installationId }, throttle: { write: unspaced } }), metrics, onHeaders, send);
      if (readers && readers.size < 10_000) readers.set(installationId, reader);
    }
    return reader.graphql(query, variables);
  };
};
