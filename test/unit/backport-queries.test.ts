import { schema } from "@octokit/graphql-schema";
import { buildClientSchema, parse, validate } from "graphql";
import { BACKPORT_SOURCE_QUERY, HISTORY_PAGE_QUERY, PULL_REQUEST_COMMENTS_QUERY, backportTargetsQuery } from "../../src/github/git-data.js";

const github = buildClientSchema(schema.json as any);

test.each([
  ["BackportSource", BACKPORT_SOURCE_QUERY],
  ["BackportTargets with one target", backportTargetsQuery(1)],
  ["BackportTargets with three targets", backportTargetsQuery(3)],
  ["BackportHistory", HISTORY_PAGE_QUERY],
  ["BackportComments", PULL_REQUEST_COMMENTS_QUERY],
])("%s is valid against GitHub's published schema", (_name, query) => {
  expect(validate(github, parse(query)).map((error) => error.message)).toEqual([]);
});
