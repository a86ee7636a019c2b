/**
 * Jest runs the TypeScript sources directly through SWC (TypeScript 7 has no ts-jest support).
 *
 * Two projects, run one after the other by `npm test` in separate Jest processes:
 * - `in-process`: unit tests and flows through `probot.receive` against the nock-served simulator;
 * - `processes`: tests that open real sockets — the app started as `npm start` starts it, the
 *   loopback simulator, real Redis servers, load and fault injection over HTTP. nock patches
 *   `net.Socket` process-wide (Redis connections included), so these never load it: the simulator's
 *   core does not import it, only `test/support/simulator/nock-serve.ts` does.
 */
const PROCESS_TESTS = [
  "coordination",
  "degraded",
  "deployment",
  "fast-track-merge-replicas",
  "load",
  "logging",
  "reconcile-process",
  "replicas",
  "report-cli",
  "server",
  "github-errors",
].map((name) => `<rootDir>/test/(unit|integration)/${name}\\.test\\.ts$`);

const common = {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "es6" } }],
  },
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  setupFiles: ["<rootDir>/test/support/setup.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/support/after-each.ts"],
};

export default {
  // Global options (Jest ignores them inside a project).
  testTimeout: 30000,
  // Tests run in worker processes that are replaced once they grow. Node 24's VM modules (which
  // Jest's ESM support needs) crashed V8's GC with SIGSEGV here (8 crashed workers in one run, as
  // in nodejs/node#62393); `npm test` passes `--no-move-object-start --single-threaded-gc` (workers
  // inherit them), which makes the crash rarer; `npm test` re-runs only the failed files once.
  maxWorkers: 2,
  workerIdleMemoryLimit: "700MB",
  projects: [
    {
      ...common,
      displayName: "in-process",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: PROCESS_TESTS,
      setupFilesAfterEnv: [...common.setupFilesAfterEnv, "<rootDir>/test/support/nock-per-file.ts"],
    },
    {
      ...common,
      displayName: "processes",
      testRegex: PROCESS_TESTS.map((pattern) => pattern.replace("<rootDir>/", "")),
      setupFilesAfterEnv: [...common.setupFilesAfterEnv, "<rootDir>/test/support/retry-process-tests.ts", "<rootDir>/test/support/no-nock.ts"],
    },
  ],
};
