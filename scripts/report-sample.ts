// Regenerates docs/report-sample.md: the hotfix report of the simulator's month of history
// (test/support/report-history.ts), as `npx hotfix-governance report --repo acme/shop` writes it.
// test/integration/report-sample.test.ts fails when the committed file is not current.
import "../test/support/polyfills.js"; // nock on Node 20
import { writeFileSync } from "node:fs";
import { SAMPLE_FILE, sampleReportMarkdown } from "../test/support/report-run.js";

writeFileSync(new URL(`../${SAMPLE_FILE}`, import.meta.url), await sampleReportMarkdown());
console.log(`wrote ${SAMPLE_FILE}`);
