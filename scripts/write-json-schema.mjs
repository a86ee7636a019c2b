// Regenerates schema/hotfix.schema.json (the config) and schema/hotfix-report.schema.json (the
// report's JSON form) from their zod schemas (npm run schema; needs npm run build).
import { writeFileSync } from "node:fs";
import { JSON_SCHEMA_FILE, renderJsonSchema } from "../lib/config/json-schema.js";
import { REPORT_SCHEMA_FILE, renderReportJsonSchema } from "../lib/report/schema.js";

writeFileSync(new URL(`../${JSON_SCHEMA_FILE}`, import.meta.url), renderJsonSchema());
console.log(`wrote ${JSON_SCHEMA_FILE}`);
writeFileSync(new URL(`../${REPORT_SCHEMA_FILE}`, import.meta.url), renderReportJsonSchema());
console.log(`wrote ${REPORT_SCHEMA_FILE}`);
