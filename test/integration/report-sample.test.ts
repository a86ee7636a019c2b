import { readFileSync } from "node:fs";
import { SAMPLE_FILE, sampleReportMarkdown } from "../support/report-run.js";

test("the README's sample report is the report of the simulator's history (npm run report:sample regenerates it)", async () => {
  expect(readFileSync(SAMPLE_FILE, "utf8")).toBe(await sampleReportMarkdown());
  expect(readFileSync("README.md", "utf8")).toContain(`](${SAMPLE_FILE})`);
});
