import { readdirSync } from "node:fs";
import { parse, validate } from "graphql";
import { githubSchema } from "../support/simulator/graphql.js";

/** Every GraphQL document the app sends, as exported by the gateway's modules (every file of src/github). */
const modules = await Promise.all(
  readdirSync("src/github")
    .filter((file) => file.endsWith(".ts"))
    .map(async (file) => [file, (await import(`../../src/github/${file.replace(/\.ts$/, ".js")}`)) as Record<string, unknown>] as const),
);
const documents = modules.flatMap(([module, exports]) =>
  Object.entries(exports)
    .filter(([name, value]) => /_(QUERY|MUTATION)$/.test(name) && typeof value === "string")
    .map(([name, value]) => [`${module} ${name}`, value as string] as const),
);

test("the gateway exports its GraphQL documents", () => {
  expect(documents.length).toBeGreaterThanOrEqual(17);
});

test.each(documents)("%s is valid against GitHub's public schema", (_name, document) => {
  // graphql-js itself (not graphql-tag, which warns about fragment names shared by two documents).
  expect(validate(githubSchema(), parse(document)).map((error) => error.message)).toEqual([]);
});
