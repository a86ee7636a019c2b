import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

/**
 * The part of a fetch answer Octokit reads (`@octokit/request`'s fetch wrapper): status, url,
 * headers (iterated, and `get("content-type")`), then `text()`, `arrayBuffer()` or `body`.
 */
export interface LeanResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly redirected: boolean;
  readonly headers: Map<string, string>;
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Keep-alive connections, one pool per protocol, owned by whoever built the fetch (the runtime). */
export interface HttpPools {
  http: HttpAgent;
  https: HttpsAgent;
}

export const createHttpPools = (): HttpPools => ({
  http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
});

/** Lowercase header names, as fetch's Headers iterates them; repeated ones joined as fetch joins them. */
const headersOf = (message: IncomingMessage): Map<string, string> => {
  const headers = new Map<string, string>();
  const raw = message.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index].toLowerCase();
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? raw[index + 1] : `${previous}, ${raw[index + 1]}`);
  }
  return headers;
};

const decoded = (body: Buffer, encoding: string | undefined): Buffer => {
  switch (encoding?.trim().toLowerCase()) {
    case undefined:
    case "":
    case "identity":
      return body;
    case "gzip":
    case "x-gzip":
      return gunzipSync(body);
    case "deflate":
      return inflateSync(body);
    case "br":
      return brotliDecompressSync(body);
    default:
      throw new TypeError(`unsupported content-encoding ${encoding}`);
  }
};

const answer = (url: string, message: IncomingMessage, raw: Buffer, redirected: boolean): LeanResponse => {
  const headers = headersOf(message);
  const status = message.statusCode ?? 0;
  const body = decoded(raw, headers.get("content-encoding"));
  return {
    status,
    statusText: message.statusMessage ?? "",
    ok: status >= 200 && status < 300,
    url,
    redirected,
    headers,
    get body() {
      return status === 204 || status === 205 || status === 304 ? null : new Blob([new Uint8Array(body)]).stream();
    },
    text: async () => body.toString("utf8"),
    json: async () => JSON.parse(body.toString("utf8")),
    arrayBuffer: async () => new Uint8Array(body).buffer,
  };
};

/** Aborted as fetch is: the signal's reason (a TimeoutError for `AbortSignal.timeout`, else an AbortError). */
const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new DOMException("This operation was aborted", "AbortError");

type Fetch = typeof fetch;

/** Headers fetch drops when a redirect changes the origin, and those of a body it drops when the method becomes GET. */
const CREDENTIALS = ["authorization", "proxy-authorization", "cookie", "host"];
const BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type", "content-length"];
const MAX_REDIRECTS = 20;

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

/**
 * What GitHub's API calls need of `fetch`, on Node's own HTTP client with keep-alive pools:
 * Node's built-in fetch (undici behind WHATWG streams) costs more CPU per request, and an
 * evaluation makes five or six. Redirects are followed as fetch follows them (a renamed
 * repository answers 301): 303, and 301/302 after a POST, become a GET without the body; a
 * change of origin drops the credentials; at most 20. Anything else fetch does that this does
 * not — a body that is not a string or bytes, a proxy from the environment, a URL that is not
 * http(s) — goes to `fallback` (the real fetch). Network failures reject with fetch's
 * `TypeError("fetch failed")` and the system error as its cause; an aborted signal rejects
 * with its reason.
 */
export const createHttpFetch = (pools: HttpPools, fallback: Fetch = fetch, env: NodeJS.ProcessEnv = process.env): Fetch => {
  const proxied = Boolean(env.NODE_USE_ENV_PROXY && (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy));

  const send = (hop: Hop, signal: AbortSignal | undefined): Promise<{ message: IncomingMessage; raw: Buffer }> =>
    new Promise((resolve, reject) => {
      const secure = hop.url.protocol === "https:";
      const request = (secure ? httpsRequest : httpRequest)(hop.url, { method: hop.method, headers: hop.headers, agent: secure ? pools.https : pools.http });
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        outcome();
      };
      const failed = (error: unknown) => settle(() => reject(signal?.aborted ? abortReason(signal) : new TypeError("fetch failed", { cause: error })));
      // Rejected at once, whatever the socket does next (destroying it may not emit an error).
      const onAbort = () => {
        settle(() => reject(abortReason(signal!)));
        request.destroy();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      request.once("error", failed);
      request.once("response", (message) => {
        const chunks: Buffer[] = [];
        message.on("data", (chunk: Buffer) => chunks.push(chunk));
        message.once("error", failed);
        message.once("aborted", () => failed(Object.assign(new Error("aborted"), { code: "ECONNRESET" })));
        message.once("end", () => settle(() => resolve({ message, raw: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) })));
      });
      request.end(hop.body);
    });

  const lean = (input: Parameters<Fetch>[0], init: RequestInit = {}): Promise<LeanResponse> | undefined => {
    if (proxied || typeof input !== "string") return undefined;
    const body = init.body ?? undefined;
    if (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array)) return undefined;
    const url = new URL(input);
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    // Octokit hands a plain object; a Headers instance or pairs go to fetch.
    if (init.headers && (init.headers instanceof Headers || Array.isArray(init.headers))) return undefined;
    const headers: Record<string, string> = {};
    if (init.headers) for (const [name, value] of Object.entries(init.headers as Record<string, string>)) headers[name.toLowerCase()] = String(value);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const redirect = init.redirect ?? "follow";
    if (redirect !== "follow" && redirect !== "manual") return undefined;
    return (async () => {
      let hop: Hop = { url, method: (init.method ?? "GET").toUpperCase(), headers, body };
      for (let redirects = 0; ; redirects++) {
        if (hop.body !== undefined) hop.headers["content-length"] = String(Buffer.byteLength(hop.body));
        const { message, raw } = await send(hop, signal);
        const status = message.statusCode ?? 0;
        const location = message.headers.location;
        if (redirect === "manual" || ![301, 302, 303, 307, 308].includes(status) || !location) {
          try {
            return answer(hop.url.href, message, raw, redirects > 0);
          } catch (error) {
            throw new TypeError("fetch failed", { cause: error });
          }
        }
        if (redirects >= MAX_REDIRECTS) throw new TypeError("fetch failed", { cause: new Error("redirect count exceeded") });
        const next = new URL(location, hop.url);
        if (next.protocol !== "https:" && next.protocol !== "http:") throw new TypeError("fetch failed", { cause: new Error("URL scheme must be a HTTP(S) scheme") });
        const nextHeaders = { ...hop.headers };
        if (next.origin !== hop.url.origin) for (const name of CREDENTIALS) delete nextHeaders[name];
        let { method, body: nextBody } = hop;
        if ((status === 303 && method !== "GET" && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
          method = "GET";
          nextBody = undefined;
          for (const name of BODY_HEADERS) delete nextHeaders[name];
        }
        hop = { url: next, method, headers: nextHeaders, body: nextBody };
      }
    })();
  };
  return ((input: Parameters<Fetch>[0], init?: RequestInit) => lean(input, init) ?? fallback(input, init)) as unknown as Fetch;
};
