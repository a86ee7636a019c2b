import "./polyfills.js";

process.env.LOG_LEVEL ??= "silent";

// A test prints nothing: console output hides real failures in CI's log, so it is a failure itself.
// (A test that wants to see output asserts on a logger of its own.)
for (const method of ["log", "info", "warn", "error", "debug"] as const) {
  console[method] = (...args: unknown[]) => {
    throw new Error(`console.${method} in a test: ${args.map(String).join(" ").slice(0, 300)}`);
  };
}
