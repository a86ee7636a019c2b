import { liveSimulators } from "./simulator/simulator.js";

// A request the simulator does not handle fails the test that made it: the app asked GitHub for
// something the simulator does not model, so what the test asserts was never tested against GitHub.
afterEach(() => {
  const unhandled = [...liveSimulators].flatMap((sim) => sim.unhandledEver);
  liveSimulators.clear();
  if (unhandled.length > 0) throw new Error(`requests the simulator does not handle: ${[...new Set(unhandled)].join(", ")}`);
});
