// Regenerates schema/hotfix.schema.json from the zod schema (npm run schema; needs npm run build).
import { writeFileSync } from "node:fs";
import { JSON_SCHEMA_FILE, renderJsonSchema } from "../lib/config/json-schema.js";

writeFileSync(new URL(`../${JSON_SCHEMA_FILE}`, import.meta.url), renderJsonSchema());
console.log(`wrote ${JSON_SCHEMA_FILE}`);
