import { afterAll, beforeAll, jest } from "@jest/globals";
import type { GitHubSimulator } from "./simulator/index.js";

/**
 * Only `Date` is faked: the app's clock and the simulator's move together, while timers, ticks
 * and I/O stay real, so nothing waits. Call in a test file's top level.
 */
export const fakeDateOnly = (): void => {
  beforeAll(() => {
    jest.useFakeTimers({
      doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"],
    });
  });
  afterAll(() => {
    jest.useRealTimers();
  });
};

/** Moves both clocks to `minute` minutes after `t0` (ms since the epoch). */
export const clockAt = (t0: number, sim: () => GitHubSimulator) => (minute: number): void => {
  const iso = new Date(t0 + minute * 60_000).toISOString();
  jest.setSystemTime(new Date(iso));
  sim().setTime(iso);
};
