import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import hotfixGovernance from "../../src/index.js";
import { createSimulator, SIM_APP, type GitHubSimulator } from "./simulator/index.js";

let privateKey: string | undefined;
/** A real RSA key, so Probot signs real app JWTs. */
export const testPrivateKey = (): string =>
  (privateKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString());

export interface TestApp {
  probot: Probot;
  sim: GitHubSimulator;
  receive: (name: string, payload: any) => Promise<void>;
}

let deliveries = 0;

/**
 * The real app, loaded into a real Probot, talking to the simulator through nock.
 * Throttling and retries are off unless a test asks for them: they only add waiting.
 */
export const createTestApp = async (options: { retry?: boolean } = {}): Promise<TestApp> => {
  process.env.APP_ID = String(SIM_APP.id);
  const sim = createSimulator();
  sim.install();
  const probot = new Probot({
    appId: SIM_APP.id,
    privateKey: testPrivateKey(),
    logLevel: (process.env.LOG_LEVEL as any) === "silent" ? "fatal" : ((process.env.LOG_LEVEL as any) ?? "fatal"),
    // A function, so it overrides what Probot sets: its write spacing only adds waiting here.
    Octokit: ProbotOctokit.defaults((instanceOptions: any) => ({
      ...instanceOptions,
      retry: options.retry ? { enabled: true, retryAfterBaseValue: 1 } : { enabled: false },
      throttle: { enabled: false },
    })),
  });
  await probot.load(hotfixGovernance, { cwd: process.cwd(), addHandler: () => {} });
  return {
    probot,
    sim,
    receive: async (name, payload) => {
      deliveries += 1;
      await probot.receive({ id: `delivery-${deliveries}`, name: name as any, payload });
    },
  };
};

export const stopTestApp = (): void => {
  nock.cleanAll();
};
