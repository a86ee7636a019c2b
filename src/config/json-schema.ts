import { z } from "zod";
import { CONFIG_PATH, HotfixConfig } from "./schema.js";

/** The editor JSON Schema of `.github/hotfix.yml`, generated from the one zod schema. */
export const configJsonSchema = (): Record<string, unknown> => ({
  ...z.toJSONSchema(HotfixConfig, { io: "input", target: "draft-2020-12" }),
  $id: "https://github.com/hotfix-governance/hotfix-governance/schema/hotfix.schema.json",
  title: `Hotfix Governance configuration (${CONFIG_PATH})`,
});

export const JSON_SCHEMA_FILE = "schema/hotfix.schema.json";
export const renderJsonSchema = (): string => `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
