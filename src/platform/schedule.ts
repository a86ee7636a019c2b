import type { Logger } from "pino";

export interface Schedule {
  stop: () => void;
}

/**
 * Runs `task` every `minutes` (fractions allowed), the first time after one interval but no later
 * than a minute after start, so a restarted process catches up soon. Runs never overlap: a slow
 * one makes the next tick a no-op. Timers are unref'd: they never keep the process alive.
 * `minutes <= 0` schedules nothing.
 */
export const startPeriodic = (options: {
  name: string;
  minutes: number;
  log: Logger;
  task: (now: Date) => Promise<unknown>;
  /** Stops the schedule when aborted (shutdown). */
  signal?: AbortSignal;
}): Schedule => {
  const { name, minutes, log, task, signal } = options;
  if (!(minutes > 0) || signal?.aborted) return { stop: () => {} };
  const intervalMs = Math.max(1, Math.round(minutes * 60_000));
  let running = false;
  const tick = async () => {
    if (running || signal?.aborted) return;
    running = true;
    try {
      await task(new Date());
    } catch (error) {
      log.error({ task: name, outcome: "failed", err: error instanceof Error ? error.message.split("\n")[0] : String(error) }, `${name} sweep failed`);
    } finally {
      running = false;
    }
  };
  const first = setTimeout(tick, Math.min(intervalMs, 60_000));
  const every = setInterval(tick, intervalMs);
  first.unref();
  every.unref();
  const stop = () => {
    clearTimeout(first);
    clearInterval(every);
  };
  signal?.addEventListener("abort", stop, { once: true });
  return { stop };
};
