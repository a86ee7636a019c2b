import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import type { Delivered } from "./story.js";
import { freePort } from "../../test/support/free-port.js";

/**
 * The real app, started exactly as `npm start` starts it (`node lib/main.js`), pointed at a
 * GitHub Enterprise-style host (the simulator on loopback), receiving HMAC-signed webhooks.
 */
export interface RealApp {
  url: string;
  deliver: (name: string, payload: unknown) => Promise<Delivered>;
  stop: () => Promise<void>;
}


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sum of a Prometheus sample over the series whose labels include `labels`. */
const metricSum = (text: string, name: string, labels: Record<string, string>): number =>
  text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);

export const startRealApp = async (options: { gheHost: string; appId: number; logFile: string; entry?: string }): Promise<RealApp> => {
  const port = await freePort();
  const secret = randomUUID();
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  // Only what the app needs: no REDIS_URL, SENTRY_DSN or WEBHOOK_PROXY_URL leaks in from the shell.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    APP_ID: String(options.appId),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: secret,
    PORT: String(port),
    HOST: "127.0.0.1",
    GHE_HOST: options.gheHost,
    GHE_PROTOCOL: "http",
    LOG_LEVEL: "warn",
    LOG_FORMAT: "json",
  };
  const log = createWriteStream(options.logFile);
  const child: ChildProcess = spawn(process.execPath, [options.entry ?? "lib/main.js"], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // However this process ends (Ctrl-C, a closed pipe, a crash), the app does not outlive it.
  const killOnExit = () => child.exitCode === null && child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} before serving (see ${options.logFile})`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 200) throw new Error(`the app did not answer ${url}/healthz within 20 s (see ${options.logFile})`);
    await sleep(100);
  }

  const handled = async (event: string): Promise<{ ok: number; error: number }> => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return {
      ok: metricSum(text, "hotfix_webhook_handling_seconds_count", { event, outcome: "ok" }),
      error: metricSum(text, "hotfix_webhook_handling_seconds_count", { event, outcome: "error" }),
    };
  };

  const deliver = async (name: string, payload: unknown): Promise<Delivered> => {
    const action = (payload as { action?: string }).action;
    const event = action ? `${name}.${action}` : name;
    const before = await handled(event);
    const body = JSON.stringify(payload);
    const started = performance.now();
    const response = await fetch(`${url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/demo",
        "x-github-event": name,
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
      },
      body,
    });
    await response.text();
    if (response.status === 202) {
      // Probot answers 202 "still processing" after 9 s; the handler goes on. Wait for it to be counted.
      const answeredMs = performance.now() - started;
      for (;;) {
        const now = await handled(event);
        if (now.ok + now.error > before.ok + before.error) {
          const ms = performance.now() - started;
          return { status: 202, ms, answeredMs, ...(now.error > before.error ? { note: `the handler then FAILED (see ${options.logFile})` } : {}) };
        }
        if (performance.now() - started > 120_000) return { status: 202, ms: performance.now() - started, answeredMs, note: "the handler had not finished after 2 minutes" };
        await sleep(100);
      }
    }
    const ms = performance.now() - started;
    return { status: response.status, ms, ...(response.status >= 300 ? { note: `the app answered ${response.status} (see ${options.logFile})` } : {}) };
  };

  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => log.end(resolve));
  };
  return { url, deliver, stop };
};
