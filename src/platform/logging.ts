import type { Writable } from "node:stream";
import { getTransformStream } from "@probot/pino";
import { pino, type Logger, type LoggerOptions } from "pino";
import type { Metrics } from "./metrics.js";

/**
 * The process's logger (`npm start` hands it to Probot): Probot's own formats (pretty, json,
 * Sentry), plus what makes a line mean what it says:
 * - one JSON object per line with each key once (Probot's child loggers repeat `name`, and its
 *   delivery `id` repeats our `delivery`);
 * - a webhook refused for a bad or missing signature is one `warn` line without its payload (Probot
 *   logs the unauthenticated payload twice at `error`), at most `REFUSALS_PER_MINUTE` a minute, and
 *   `hotfix_webhook_signature_refusals_total` counts them all;
 * - a failed handler is one `error` line (not a second one repeating it with the whole payload);
 * - health probes, metric scrapes and requests refused with 4xx are `debug` lines, and no request's
 *   headers are logged.
 */

export type LogFormat = "json" | "pretty";

/**
 * Probot's variables (probot/lib/bin/read-env-options.js), so they keep their meaning, except the
 * format's default: `LOG_FORMAT` unset gives pretty lines to a terminal and JSON to anything else
 * (a container's log driver, a file, a pipe), where Probot would ask `NODE_ENV`.
 */
export const logSettingsFromEnv = (env: NodeJS.ProcessEnv = process.env, toTerminal: boolean = process.stdout.isTTY === true) => ({
  level: env.LOG_LEVEL || "info",
  format: (env.LOG_FORMAT ? (env.LOG_FORMAT === "pretty" ? "pretty" : "json") : toTerminal ? "pretty" : "json") as LogFormat,
  levelInString: env.LOG_LEVEL_IN_STRING === "true",
  messageKey: env.LOG_MESSAGE_KEY || "msg",
  sentryDsn: env.SENTRY_DSN || undefined,
});

/** Requests that orchestrators and scrapers make every few seconds. */
const PROBE_PATHS = new Set(["/healthz", "/readyz", "/metrics", "/ping"]);
const REFUSALS_PER_MINUTE = 10;
const SIGNATURE_MISMATCH = "signature does not match event payload and secret";
/** Caps what an unauthenticated sender can put into a log line. */
const clip = (value: unknown): string | undefined => (typeof value === "string" ? value.slice(0, 80) : undefined);

const LEVEL_INFO = 30;
const LEVEL_ERROR = 50;

/** The signature error inside what Probot and @octokit/webhooks log for a refused delivery, if it is one. */
const signatureError = (value: unknown): (Error & { event?: { id?: unknown; name?: unknown } }) | undefined => {
  const candidates = value instanceof AggregateError ? value.errors : [value];
  return candidates.find((item): item is Error => item instanceof Error && item.message.includes(SIGNATURE_MISMATCH));
};

/**
 * A pino-http line (`{ res, responseTime }`) that would flood `info`: a probe or scrape that
 * succeeded, or a request refused with 4xx (anyone can send those; refused signatures have their
 * own rate-limited warn line and counter).
 */
const isQuietRequestLine = (first: unknown): boolean => {
  const res = (first as { res?: { statusCode?: number; req?: { url?: string; method?: string } } } | null)?.res;
  const status = res?.statusCode;
  if (!res?.req || status === undefined) return false;
  if (status >= 400 && status < 500) return true;
  const path = res.req.url?.split("?")[0];
  return res.req.method === "GET" && path !== undefined && PROBE_PATHS.has(path) && status < 500;
};

/** A delivery's error as logged: its delivery id and event name, not the payload @octokit/webhooks attaches. */
const withoutPayload = (error: Error & { event?: { id?: unknown; name?: unknown; payload?: unknown } }): Error => {
  if (!error.event || typeof error.event !== "object" || !("payload" in error.event)) return error;
  const copy = Object.create(Object.getPrototypeOf(error)) as Error;
  return Object.assign(copy, error, { message: error.message, stack: error.stack, cause: error.cause, event: { id: error.event.id, name: error.event.name } });
};

/** Each key once (the last binding wins: the most specific `name`); `id` dropped where it repeats `delivery`. */
export const normalizeLine = (line: string): string => {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (record.id !== undefined && record.id === record.delivery) delete record.id;
  return `${JSON.stringify(record)}\n`;
};

export interface LoggerDeps {
  /** Where lines go (default stdout); tests read them here. */
  destination?: Writable;
  now?: () => number;
  /** Where refused signatures are counted (the process's metrics). */
  metrics?: Pick<Metrics, "signatureRefusals">;
}

export const createLogger = async (env: NodeJS.ProcessEnv = process.env, deps: LoggerDeps = {}): Promise<Logger> => {
  // Lines written to a destination other than stdout are never a terminal's.
  const settings = logSettingsFromEnv(env, deps.destination ? false : process.stdout.isTTY === true);
  const now = deps.now ?? Date.now;
  const transform = await getTransformStream({ logFormat: settings.format, logLevelInString: settings.levelInString, sentryDsn: settings.sentryDsn });
  transform.pipe((deps.destination ?? pino.destination(1)) as NodeJS.WritableStream);

  // Refusals: the same error object reaches the log twice (Probot's error handler, then the
  // webhooks middleware); it is reported once. A window of one minute caps the lines.
  const reported = new WeakSet<Error>();
  // A failed handler: Probot logs its error, then the webhooks middleware logs it again wrapped
  // in an AggregateError that carries the whole payload. The first line says it all.
  const loggedErrors = new WeakSet<object>();
  const window = { start: 0, logged: 0, suppressed: 0 };
  let root: Logger;
  const refused = (delivery: { id?: unknown; name?: unknown; missing?: boolean }) => {
    deps.metrics?.signatureRefusals.inc();
    const at = now();
    if (at - window.start >= 60_000) Object.assign(window, { start: at, logged: 0 });
    if (window.logged >= REFUSALS_PER_MINUTE) {
      window.suppressed += 1;
      return;
    }
    window.logged += 1;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    root.warn(
      { outcome: "signature-refused", delivery: clip(delivery.id), event: clip(delivery.name), ...(suppressed ? { suppressed } : {}) },
      (delivery.missing ? "webhook refused (400): it has no signature (X-Hub-Signature-256)" : "webhook refused (400): its signature does not match WEBHOOK_SECRET") +
        (suppressed ? `; ${suppressed} more refused since the last such line (see hotfix_webhook_signature_refusals_total)` : ""),
    );
  };
  const refusedSignature = (error: Error & { event?: { id?: unknown; name?: unknown } }) => {
    if (reported.has(error)) return;
    reported.add(error);
    refused(error.event ?? {});
  };

  const options: LoggerOptions = {
    level: settings.level,
    name: "probot",
    messageKey: settings.messageKey,
    // pino-http puts whole requests in the log: their headers may carry credentials.
    redact: { paths: ["req.headers", "res.headers"], remove: true },
    hooks: {
      logMethod(args, method, level) {
        const first = args[0] as unknown;
        if (level >= LEVEL_ERROR) {
          const error = signatureError(first);
          if (error) return refusedSignature(error);
          if (first instanceof AggregateError && first.errors.length > 0 && first.errors.every((item) => loggedErrors.has(item))) return;
          if (first instanceof Error && !(first instanceof AggregateError)) loggedErrors.add(first);
          if (first instanceof Error) return method.apply(this, [withoutPayload(first), ...args.slice(1)] as typeof args);
        }
        if (level === LEVEL_INFO && isQuietRequestLine(first)) {
          // An unsigned delivery is refused before any error is logged: its access line is all there
          // is (so with LOG_LEVEL above info, unsigned ones are neither logged nor counted).
          const req = (first as { res: { statusCode: number; req: { method?: string; headers?: Record<string, unknown> } } }).res.req;
          const headers = req.headers ?? {};
          if (req.method === "POST" && (first as { res: { statusCode: number } }).res.statusCode === 400 && headers["x-github-event"] && !headers["x-hub-signature-256"]) {
            refused({ id: headers["x-github-delivery"], name: headers["x-github-event"], missing: true });
          }
          return (this as Logger).debug(...(args as [object, string]));
        }
        return method.apply(this, args);
      },
      ...(settings.format === "json" ? { streamWrite: normalizeLine } : {}),
    },
  };
  root = pino(options, transform);
  return root;
};
