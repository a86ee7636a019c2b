import nock from "nock";
import { mean, percentile, roundTrips } from "../../bench/stats.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

describe("roundTrips: sequential waits for GitHub on the critical path", () => {
  test.each([
    { name: "no request", requests: [], expected: 0 },
    { name: "one request", requests: [{ start: 0, end: 100 }], expected: 1 },
    { name: "two concurrent requests (facts and config read together)", requests: [{ start: 0, end: 100 }, { start: 1, end: 90 }], expected: 1 },
    { name: "one after the other", requests: [{ start: 0, end: 100 }, { start: 100, end: 200 }], expected: 2 },
    {
      name: "a request overlapping only the longer of two earlier ones stays in their phase",
      requests: [{ start: 0, end: 50 }, { start: 1, end: 120 }, { start: 60, end: 130 }, { start: 130, end: 140 }],
      expected: 2,
    },
    { name: "order of recording does not matter", requests: [{ start: 200, end: 300 }, { start: 0, end: 100 }, { start: 100, end: 150 }], expected: 3 },
  ])("$name → $expected", ({ requests, expected }) => {
    expect(roundTrips(requests)).toBe(expected);
  });
});

describe("percentile (nearest rank) and mean", () => {
  test.each([
    { values: [], p: 50, expected: 0 },
    { values: [7], p: 99, expected: 7 },
    { values: [5, 1, 3, 2, 4], p: 50, expected: 3 },
    { values: Array.from({ length: 100 }, (_v, i) => i + 1), p: 99, expected: 99 },
    { values: Array.from({ length: 10 }, (_v, i) => i + 1), p: 99, expected: 10 },
    { values: [3, 1, 2], p: 0, expected: 1 },
  ])("p$p of $values → $expected", ({ values, p, expected }) => {
    expect(percentile(values, p)).toBe(expected);
  });

  test("mean", () => {
    expect(mean([])).toBe(0);
    expect(mean([1, 2, 6])).toBe(3);
  });
});
