import { runLoad } from "../../bench/load-driver.js";

// A short version of `npm run bench:load`: the real app process under signed deliveries,
// with redeliveries, on loopback.
test("concurrent deliveries across PRs: nothing lost, nothing duplicated", async () => {
  const result = await runLoad({ deliveries: 120, seconds: 6, pullRequests: 40, redeliveryRate: 0.1 });
  expect(result.problems).toEqual([]);
  expect(result.failed).toBe(0);
  expect(result.handled).toBe(120);
  expect(result.duplicates).toBe(result.redelivered);
}, 120_000);
