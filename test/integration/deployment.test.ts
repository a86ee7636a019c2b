import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { builtinModules } from "node:module";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { pullRequestEvent } from "../support/events.js";
import { freePort } from "../support/free-port.js";
import { duplicateKeys } from "../support/log-lines.js";
import { createSimulator, SIM_APP, type GitHubSimulator } from "../support/simulator/index.js";
import { serveSimulator, type SimulatorServer } from "../support/simulator/server.js";

/**
 * The README's deployment, followed as the container runs it, without a Docker engine: the
 * Dockerfile's runtime stage is read and replayed — its COPY lines into a directory standing for
 * WORKDIR, `npm run build` as the build stage does, its ENV as the process environment, its CMD as
 * the command — and the app is reached from outside loopback, on this machine's own interface
 * address, as `docker run -p` reaches a container. GitHub is the simulator on loopback
 * (GHE_HOST, GHE_PROTOCOL=http).
 */

const ROOT = process.cwd();
const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
/** Instructions of the last stage, continuation lines joined. */
const runtimeStage = dockerfile
  .replace(/\\\n\s*/g, " ")
  .split(/^FROM /m)
  .at(-1)!
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));
const instruction = (name: string) => runtimeStage.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1).trim());
const imageEnv = Object.fromEntries(instruction("ENV").flatMap((line) => line.split(/\s+/).map((pair) => pair.split("=") as [string, string])));
const workdir = instruction("WORKDIR").at(-1)!;
const cmd = JSON.parse(instruction("CMD").at(-1)!) as string[];
const healthcheck = JSON.parse(/CMD (\[.*\])$/.exec(instruction("HEALTHCHECK").at(-1)!)![1]) as string[];

/** This machine's first non-loopback IPv4 address: what another host (or `docker run -p`) connects to. */
const externalAddress = (): string => {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((item) => item && !item.internal && item.family === "IPv4");
  if (!found) throw new Error("this test needs a non-loopback network interface (none found by os.networkInterfaces())");
  return found.address;
};

const SECRET = randomUUID();
const REPO = "acme/shop";
const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
let app: string; // the directory standing for the image's WORKDIR
let sim: GitHubSimulator;
let github: SimulatorServer;
const started: ChildProcess[] = [];

interface Container {
  url: string;
  port: number;
  env: NodeJS.ProcessEnv;
  output: () => string[];
  stop: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `docker run -e PORT=<free port> [-e ...] <image>`: the image's ENV, then the run's own variables. */
const runContainer = async (runEnv: Record<string, string | undefined>, options: { waitFor?: string } = {}): Promise<Container> => {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...imageEnv, PORT: String(port), ...runEnv };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  expect(cmd[0]).toBe("node");
  const child = spawn(process.execPath, cmd.slice(1), { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  const chunks: string[] = [];
  child.stdout!.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  const output = () => chunks.join("").split("\n").filter(Boolean);
  const waitFor = options.waitFor ?? "Listening on http://";
  for (let attempt = 0; !output().some((line) => line.includes(waitFor)); attempt++) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${output().join("\n")}`);
    if (attempt > 300) throw new Error(`the app did not log "${waitFor}" within 30 s:\n${output().join("\n")}`);
    await sleep(100);
  }
  return {
    url: `http://${externalAddress()}:${port}`,
    port,
    env,
    output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
};

/** The image's HEALTHCHECK command, run inside the "container" (same directory and environment). */
const runHealthcheck = (container: Container) => {
  expect(healthcheck[0]).toBe("node");
  return spawnSync(process.execPath, healthcheck.slice(1), { cwd: app, env: container.env, encoding: "utf8", timeout: 15_000 });
};

const credentials = () => ({
  APP_ID: String(SIM_APP.id),
  PRIVATE_KEY: privateKey,
  WEBHOOK_SECRET: SECRET,
  GHE_HOST: github.host,
  GHE_PROTOCOL: "http",
});


/** A smee.io channel on loopback: the EventSource stream smee-client reads, and deliveries pushed down it as smee.io does. */
const fakeSmee = async () => {
  const clients = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(": ready\n\n");
    clients.add(res);
    req.on("close", () => clients.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hotfix-governance-test-channel`,
    listeners: () => clients.size,
    /** smee.io's message: the delivery's headers as keys, its JSON under `body`. */
    push: (headers: Record<string, string>, payload: unknown) => {
      for (const client of clients) client.write(`data: ${JSON.stringify({ ...headers, body: payload, query: {} })}\n\n`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** A process started like the container that is expected to stop by itself. */
const runToExit = async (runEnv: Record<string, string | undefined>): Promise<{ code: number | null; lines: string[] }> => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...imageEnv, PORT: String(await freePort()), ...runEnv };
  const child = spawn(process.execPath, cmd.slice(1), { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let text = "";
  child.stdout!.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, lines: text.split("\n").filter(Boolean) };
};

const signedHeaders = (body: string, secret: string) => ({
  "content-type": "application/json",
  "x-github-event": "pull_request",
  "x-github-delivery": randomUUID(),
  "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
});

beforeAll(async () => {
  sim = createSimulator();
  github = await serveSimulator(sim);
  sim.addRepo(REPO);

  // The build stage (`npm run build` = tsc -p tsconfig.build.json) and the runtime stage's COPY lines.
  // Under node_modules/, so that lib/ resolves the packages `npm ci --omit=dev` installs in the image.
  mkdirSync(join(ROOT, "node_modules/.cache"), { recursive: true });
  app = mkdtempSync(join(ROOT, "node_modules/.cache/hotfix-deployment-"));
  const build = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", join(app, "lib")], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`the build stage failed:\n${build.stdout}${build.stderr}`);
  for (const line of instruction("COPY")) {
    const parts = line.split(/\s+/).filter((part) => !part.startsWith("--chown"));
    if (parts[0].startsWith("--from=")) continue; // the build stage's lib/: built above
    const destination = parts.at(-1)!;
    for (const source of parts.slice(0, -1)) {
      const target = destination.endsWith("/") ? join(app, destination, source.split("/").at(-1)!) : join(app, destination);
      cpSync(join(ROOT, source), target, { recursive: true });
    }
  }
}, 60_000);

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
  await github?.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

describe("the image's runtime stage, as written", () => {
  test("Node.js 24, listening on 0.0.0.0, production, JSON logs; the code root-owned, /app the app user's", () => {
    expect(dockerfile).toMatch(/^FROM node:24-slim(@sha256:[0-9a-f]{64})? AS build$/m);
    expect(dockerfile).toMatch(/^FROM node:24-slim(@sha256:[0-9a-f]{64})?$/m);
    expect(imageEnv).toMatchObject({ HOST: "0.0.0.0", NODE_ENV: "production", LOG_FORMAT: "json" });
    expect(workdir).toBe("/app");
    // /app is chowned once the files are in (so the setup page can write .env), before USER node.
    const chown = runtimeStage.findIndex((line) => line === "RUN chown node:node /app");
    const lastCopy = runtimeStage.map((line) => line.startsWith("COPY ")).lastIndexOf(true);
    expect(chown).toBeGreaterThan(lastCopy);
    expect(chown).toBeLessThan(runtimeStage.indexOf("USER node"));
    expect(cmd).toEqual(["node", "lib/main.js"]);
  });

  test("lib/ imports only production dependencies and Node's own modules (the image has no dev dependencies)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith(".js") ? [join(dir, entry.name)] : []));
    const bare = new Set<string>();
    for (const file of files(join(app, "lib"))) {
      for (const match of readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^".][^"]*)"/g)) {
        const name = match[1].startsWith("@") ? match[1].split("/").slice(0, 2).join("/") : match[1].split("/")[0];
        if (!name.startsWith("node:") && !builtinModules.includes(name)) bare.add(name);
      }
    }
    expect(bare.size).toBeGreaterThan(3);
    expect([...bare].filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });

  test(".dockerignore keeps secrets and local state out of the build context", () => {
    const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n").map((line) => line.trim());
    for (const entry of [".env", "*.pem", "node_modules", ".git", "lib"]) expect(ignored).toContain(entry);
    // …and nothing the Dockerfile copies is ignored.
    for (const line of dockerfile.split("\n").filter((text) => text.startsWith("COPY ") && !text.includes("--from="))) {
      for (const source of line.split(/\s+/).slice(1, -1)) expect(ignored).not.toContain(source);
    }
  });
});

describe("the container, started as its CMD with its environment, reached from outside loopback", () => {
  let container: Container;
  beforeAll(async () => {
    container = await runContainer(credentials());
  }, 40_000);
  afterAll(() => container?.stop());

  test("GET /healthz on the machine's own address; the image's HEALTHCHECK passes", async () => {
    expect(container.output().join("\n")).toContain(`Listening on http://0.0.0.0:${container.port}`);
    const health = await fetch(`${container.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const probe = runHealthcheck(container);
    expect({ status: probe.status, stderr: probe.stderr }).toEqual({ status: 0, stderr: "" });
  });

  test("no rate-limit figure before GitHub has answered; a signed webhook gives the PR its check; then the figure GitHub sent", async () => {
    const before = await (await fetch(`${container.url}/metrics`)).text();
    expect(before).not.toMatch(/^hotfix_github_rate_limit_remaining/m);

    const pr = sim.addPull(REPO, { labels: ["hotfix"] });
    const body = JSON.stringify(pullRequestEvent(sim, REPO, pr.number, "opened"));
    const response = await fetch(`${container.url}/api/github/webhooks`, { method: "POST", headers: signedHeaders(body, SECRET), body });
    expect(response.status).toBe(200);
    const check = sim.latestCheck(REPO, pr.head.sha);
    expect(check).toMatchObject({ name: "Hotfix governance", status: "in_progress" });
    expect(sim.unhandled).toEqual([]);

    const after = await (await fetch(`${container.url}/metrics`)).text();
    // The simulator counts each installation's budget as GitHub does: the gauge shows what it sent last.
    const shown = [...after.matchAll(/^hotfix_github_rate_limit_remaining\{resource="(core|graphql)"\} (\d+)$/gm)];
    expect(shown.length).toBeGreaterThan(0);
    for (const [, resource, value] of shown) {
      const limit = sim.rateLimit(4242, resource as "core" | "graphql");
      expect(Number(value)).toBe(limit.limit - limit.used);
    }
  });

  test("a forged delivery is refused with one warn line, without its payload", async () => {
    const response = await fetch(`${container.url}/api/github/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": "forged", "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
      body: JSON.stringify({ action: "opened", marker: "FORGED-PAYLOAD" }),
    });
    expect(response.status).toBe(400);
    await sleep(100);
    const lines = container.output();
    expect(lines.filter((line) => line.includes('"outcome":"signature-refused"'))).toHaveLength(1);
    expect(lines.join("\n")).not.toContain("FORGED-PAYLOAD");
  });

  test("its log: JSON lines, each key once, no probe at info, no secret", () => {
    const lines = container.output();
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      JSON.parse(line); // every line is JSON
      expect({ line, duplicates: duplicateKeys(line) }).toEqual({ line, duplicates: [] });
    }
    expect(lines.filter((line) => line.includes("/healthz") || line.includes("/metrics"))).toEqual([]);
    const text = lines.join("\n");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(privateKey.split("\n")[1]);
    expect(lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50)).toEqual([]);
  });
});

test("without HOST, Probot listens on localhost only: unreachable from outside, and the HEALTHCHECK says unhealthy", async () => {
  const container = await runContainer({ ...credentials(), HOST: undefined });
  try {
    await expect(fetch(`${container.url}/healthz`)).rejects.toThrow();
    const probe = runHealthcheck(container);
    expect(probe.status).toBe(1);
    expect(probe.stderr).toMatch(/healthcheck: http:\/\/.+\/healthz: ECONNREFUSED/);
  } finally {
    await container.stop();
  }
}, 40_000);

test("the setup page in the container (no APP_ID yet, NODE_ENV=development): the webhook URL is WEBHOOK_PROXY_URL, and .env is written in WORKDIR", async () => {
  const smee = await fakeSmee();
  const container = await runContainer({ NODE_ENV: "development", WEBHOOK_PROXY_URL: smee.url }, { waitFor: "Forwarding" });
  try {
    expect(container.output().join("\n")).toContain("Probot is in setup mode");
    const page = await (await fetch(`${container.url}/probot`)).text();
    // The manifest GitHub registers the app from: the value of the page's "manifest" button.
    const field = /name="manifest"[^>]*value='([^']*)'/.exec(page);
    const manifest = JSON.parse(field?.[1] ?? "{}") as { hook_attributes?: { url?: string }; name?: string };
    expect(manifest).toMatchObject({ name: "Hotfix Governance", hook_attributes: { url: smee.url } });
    const imported = await fetch(`${container.url}/probot/import`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ appId: "42", pem: "pem-text", webhook_secret: "from-setup" }) });
    expect(imported.status).toBe(200);
    expect(readFileSync(join(app, ".env"), "utf8")).toMatch(/^WEBHOOK_SECRET=from-setup$/m);
  } finally {
    await container.stop();
    await smee.close();
    rmSync(join(app, ".env"), { force: true });
  }
}, 40_000);

test("from a laptop: WEBHOOK_PROXY_URL (a smee channel) brings GitHub's webhooks to the app on localhost, and the PR gets its check", async () => {
  const smee = await fakeSmee();
  const container = await runContainer({ ...credentials(), NODE_ENV: "development", HOST: undefined, WEBHOOK_PROXY_URL: smee.url }, { waitFor: "Forwarding" });
  try {
    expect(smee.listeners()).toBe(1);
    const pr = sim.addPull(REPO, { labels: ["hotfix"] });
    const payload = pullRequestEvent(sim, REPO, pr.number, "opened");
    smee.push(signedHeaders(JSON.stringify(payload), SECRET), payload);
    for (let attempt = 0; !sim.latestCheck(REPO, pr.head.sha) && attempt < 100; attempt++) await sleep(100);
    expect(sim.latestCheck(REPO, pr.head.sha)).toMatchObject({ name: "Hotfix governance", status: "in_progress" });
  } finally {
    await container.stop();
    await smee.close();
  }
}, 40_000);

test("a WEBHOOK_PROXY_URL that cannot be reached stops the app with one line saying so", async () => {
  const closed = await freePort();
  const { code, lines } = await runToExit({ ...credentials(), WEBHOOK_PROXY_URL: `http://127.0.0.1:${closed}/channel` });
  expect(code).toBe(1);
  const fatal = lines.filter((line) => line.startsWith("{") && (JSON.parse(line) as { level: number }).level === 60);
  expect(fatal).toHaveLength(1);
  expect(JSON.parse(fatal[0]).msg).toMatch(new RegExp(`^the webhook proxy WEBHOOK_PROXY_URL=http://127.0.0.1:${closed}/channel cannot be reached \\(.*ECONNREFUSED.*\\): no webhook would arrive`));
});
