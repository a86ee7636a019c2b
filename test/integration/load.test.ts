import nock from "nock";
import { runLoad } from "../../bench/load-driver.js";

afterAll(() => nock.restore());

// A short version of `npm run bench:load`: the real app process under signed deliveries,
// with redeliveries, on loopback.
test("concurrent deliveries across PRs: nothing lost, nothing duplicated", async () => {
  nock.enableNetConnect("127.0.0.1");
  const result = await runLoad({ deliveries: 120, seconds: 6, pullRequests: 40, redeliveryRate: 0.1 });
  expect(result.problems).toEqual([]);
  expect(result.failed).toBe(0);
  expect(result.handled).toBe(120);
  expect(result.duplicates).toBe(result.redelivered);
}, 120_000);
