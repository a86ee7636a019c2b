import { parse, validate } from "graphql";
import { githubSchema } from "../support/simulator/graphql.js";
import * as feedback from "../../src/github/feedback.js";
import * as gitData from "../../src/github/git-data.js";
import * as issues from "../../src/github/issues.js";
import * as facts from "../../src/github/pull-request-facts.js";
import * as mergeQueue from "../../src/github/merge-queue.js";
import * as pulls from "../../src/github/pull-requests.js";
import * as reconcile from "../../src/github/reconcile-candidates.js";
import * as report from "../../src/github/report-queries.js";

/** Every GraphQL document the app sends, as exported by the gateway modules. */
const documents = Object.entries({ feedback, gitData, issues, facts, report, pulls, mergeQueue, reconcile }).flatMap(([module, exports]) =>
  Object.entries(exports)
    .filter(([name, value]) => /_(QUERY|MUTATION)$/.test(name) && typeof value === "string")
    .map(([name, value]) => [`${module}.${name}`, value as string] as const),
);

test("the gateway exports its GraphQL documents", () => {
  expect(documents.length).toBeGreaterThanOrEqual(17);
});

test.each(documents)("%s is valid against GitHub's public schema", (_name, document) => {
  // graphql-js itself (not graphql-tag, which warns about fragment names shared by two documents).
  expect(validate(githubSchema(), parse(document)).map((error) => error.message)).toEqual([]);
});
