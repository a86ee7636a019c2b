import nock from "nock";
import { schema } from "@octokit/graphql-schema";
import { buildClientSchema, parse, validate } from "graphql";
import { OPEN_POSTMORTEMS_QUERY, PULL_REQUEST_HISTORY_PAGE_QUERY, PULL_REQUEST_HISTORY_QUERY } from "../../src/github/issues.js";

const github = buildClientSchema((schema as any).json);

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

test.each([
  ["PullRequestHistory", PULL_REQUEST_HISTORY_QUERY],
  ["PullRequestHistoryPage", PULL_REQUEST_HISTORY_PAGE_QUERY],
  ["OpenPostmortems", OPEN_POSTMORTEMS_QUERY],
])("the %s query is valid on GitHub's published schema", (_name, query) => {
  expect(validate(github, parse(query)).map((error) => error.message)).toEqual([]);
});
