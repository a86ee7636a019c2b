import type { Coordination } from "./coordination.js";

/** How often a ticket holder looks whether its work was done (doubling up to the last). */
const POLL_MS = [10, 20, 40, 80, 160, 250];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface HandoverOptions {
  /** False: this work needs its own run (what it carries cannot be handed over); it waits for the lock. */
  canHandOver: boolean;
  /** Called once this caller's work is settled as a run of its own or a ticket (no one joins it after). */
  onStart?: () => void;
}

/**
 * Work on one key (a PR's evaluation) that any run started later covers, shared across replicas
 * through the coordination's lock:
 * - the caller that finds the lock free holds it and runs `run`; before releasing it runs again
 *   while tickets came during its run (each round covers every ticket taken before it started);
 * - a caller that finds it held takes a ticket instead (one atomic step with the check, so the
 *   holder cannot release between them) and waits until a round that started after its ticket
 *   has finished, on whichever replica — then its work is done (`undefined`: the result is theirs);
 * - a holder that dies leaves its lease to expire; a ticket holder that sees the lock free with
 *   its ticket not served takes the lock and runs itself. So a ticket is never lost while the
 *   caller that took it lives; a crash costs an extra run at most (a round whose end was not recorded).
 * A failing run releases the lock and throws; waiting ticket holders then take over.
 */
export const runHandedOver = async <T>(
  coordination: Coordination,
  key: string,
  options: HandoverOptions,
  run: (round: number) => Promise<T>,
): Promise<T | undefined> => {
  if (!options.canHandOver) {
    options.onStart?.();
    return coordination.withLock(key, () => run(0));
  }
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    options.onStart?.();
  };
  let claim = await coordination.claim(key);
  start();
  for (let poll = 0; "ticket" in claim; poll++) {
    await sleep(POLL_MS[Math.min(poll, POLL_MS.length - 1)]);
    const status = await coordination.handoverStatus(key);
    if (status.served >= claim.ticket) return undefined;
    if (status.held) continue;
    // Free, and this ticket not served (its holder died, or a `withLock` holder does not serve tickets).
    const next = await coordination.claim(key);
    if ("token" in next) claim = next;
    else claim = { ticket: Math.max(claim.ticket, next.ticket) };
  }
  const { token } = claim;
  let result: T;
  try {
    for (let round = 0; ; round++) {
      const covered = await coordination.roundStart(key);
      result = await run(round);
      if ((await coordination.finishRound(key, token, covered)) === "released") return result;
    }
  } catch (error) {
    await coordination.abandon(key, token);
    throw error;
  }
};
