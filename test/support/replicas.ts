import { createTestApp, type TestApp } from "./app.js";
import { createSimulator } from "./simulator/index.js";
import { serveSimulator } from "./simulator/server.js";

/** Two replicas of the app: two Probot instances with their own coordination, on one GitHub and one Redis. */
export interface Replicas {
  a: TestApp;
  b: TestApp;
  stop: () => Promise<void>;
}

/**
 * Both replicas reach one simulator over loopback HTTP, as two processes reach GitHub: no nock,
 * whose socket interception would sit on the Redis connections too.
 */
export const startReplicas = async (redisUrl: string): Promise<Replicas> => {
  const sim = createSimulator();
  const github = await serveSimulator(sim);
  const a = await createTestApp({ redisUrl, sim, baseUrl: github.baseUrl });
  const b = await createTestApp({ redisUrl, sim, baseUrl: github.baseUrl });
  return {
    a,
    b,
    stop: async () => {
      await Promise.all([a.close(), b.close()]);
      await github.close();
    },
  };
};
