import { logSettingsFromEnv } from "../../src/platform/logging.js";

// The log format follows LOG_FORMAT; unset, it follows where the lines go, never NODE_ENV.
test.each([
  [{}, true, "pretty"],
  [{}, false, "json"],
  [{ NODE_ENV: "production" }, true, "pretty"],
  [{ NODE_ENV: "development" }, false, "json"],
  [{ LOG_FORMAT: "json" }, true, "json"],
  [{ LOG_FORMAT: "pretty" }, false, "pretty"],
  [{ LOG_FORMAT: "anything-else" }, true, "json"],
])("env %j, to a terminal: %s → %s", (env, toTerminal, format) => {
  expect(logSettingsFromEnv(env as NodeJS.ProcessEnv, toTerminal).format).toBe(format);
});

test("the level defaults to info", () => {
  expect(logSettingsFromEnv({}, false).level).toBe("info");
  expect(logSettingsFromEnv({ LOG_LEVEL: "debug" }, false).level).toBe("debug");
});
