import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePort } from "./free-port.js";

export interface TestRedis {
  url: string;
  /** Stops the server (to test Redis going away); a no-op for an external server. */
  stop: () => Promise<void>;
}


export const redisAvailable = (): boolean => Boolean(process.env.REDIS_TEST_URL) || hasRedisServer();

const hasRedisServer = (): boolean => spawnSync("redis-server", ["--version"]).status === 0;

/**
 * A real Redis for the tests: a private `redis-server` on a free loopback port (Debian package
 * `redis-server`), so test files running in parallel never share one; `REDIS_TEST_URL` only
 * where no server binary exists.
 */
export const startRedis = async (options: { private?: boolean } = {}): Promise<TestRedis> => {
  if (process.env.REDIS_TEST_URL && !options.private && !hasRedisServer()) return { url: process.env.REDIS_TEST_URL, stop: async () => {} };
  const port = await freePort();
  const child: ChildProcess = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const url = `redis://127.0.0.1:${port}`;
  const { Redis } = await import("ioredis");
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  probe.disconnect();
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
};

/** Redis tests run where a server exists; CI (CI=true) must have one. */
export const describeWithRedis = (name: string, body: () => void): void => {
  if (redisAvailable()) return describe(name, body);
  if (process.env.CI) throw new Error("redis-server is required in CI (apt-get install redis-server)");
  // Said in the skipped suite's name: tests print nothing (test/support/setup.ts).
  describe.skip(`${name} (skipped: no redis-server on PATH and no REDIS_TEST_URL)`, body);
};
