import { schema } from "@octokit/graphql-schema";
import { buildClientSchema, parse, validate } from "graphql";
import { PULL_REQUEST_COMMENTS_QUERY } from "../../src/github/comments.js";
import { HISTORY_PAGE_QUERY, portFactsQuery, portSidesQuery } from "../../src/github/git-data.js";

const github = buildClientSchema(schema.json as any);

test.each([
  ["PortFacts with one target and no path", portFactsQuery(1, 0)],
  ["PortFacts with three targets and five paths", portFactsQuery(3, 5)],
  ["PortSides", portSidesQuery(4, 3)],
  ["BackportHistory", HISTORY_PAGE_QUERY],
  ["BackportComments", PULL_REQUEST_COMMENTS_QUERY],
])("%s is valid against GitHub's published schema", (_name, query) => {
  expect(validate(github, parse(query)).map((error) => error.message)).toEqual([]);
});
