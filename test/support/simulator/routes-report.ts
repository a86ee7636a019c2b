import { GraphQLError } from "graphql";
import { commitNode, connection, extendGraphqlRoot, extendPullRequestNode, pullRequestNode, repositoryNode, userNode, type ConnectionArgs } from "./graphql.js";
import { fullName } from "./rest-shapes.js";
import { commitMessage } from "./routes-merge.js";
import type { GitHubSimulator } from "./simulator.js";
import type { SimPull, SimRepo } from "./state.js";

/**
 * What the hotfix report reads beyond the app's own queries: GitHub's pull-request search
 * (`search(type: ISSUE, query: "is:pr is:merged merged:A..B repo:x")`), `repositoryOwner`, and
 * merge commit messages. Search, as on GitHub, counts every match (`issueCount`) but returns at
 * most the first 1,000 ("GitHub Search API provides up to 1,000 results for each search").
 */
export const SEARCH_RESULT_CAP = 1000;

const mergeMessages = new WeakMap<SimPull, string>();

/** The merge commit's message (e.g. the fast-track merge's "on behalf of" line). */
export const setMergeCommitMessage = (pull: SimPull, message: string): void => {
  mergeMessages.set(pull, message);
};

/** `2024-05-01` or `2024-05-01T10:00:00Z`: a date means the whole UTC day. */
const bound = (text: string, end: boolean): number => {
  if (text === "*") return end ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T00:00:00Z`) + (end ? 86_400_000 - 1 : 0);
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new GraphQLError(`Invalid search query: cannot read the date "${text}"`);
  return at;
};

/** GitHub's date qualifier forms: `A..B`, `>=A`, `>A`, `<=B`, `<B`, `A`. */
export const dateRange = (value: string): [number, number] => {
  if (value.includes("..")) {
    const [from, to] = value.split("..");
    return [bound(from, false), bound(to, true)];
  }
  const match = /^(>=|<=|>|<)?(.+)$/.exec(value)!;
  const [, op, date] = match;
  switch (op) {
    case ">=":
      return [bound(date, false), Number.POSITIVE_INFINITY];
    case ">":
      return [bound(date, true) + 1, Number.POSITIVE_INFINITY];
    case "<=":
      return [Number.NEGATIVE_INFINITY, bound(date, true)];
    case "<":
      return [Number.NEGATIVE_INFINITY, bound(date, false) - 1];
    default:
      return [bound(date, false), bound(date, true)];
  }
};

const notSearchable = () =>
  new GraphQLError(
    "The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.",
    { extensions: { type: "INVALID_SEARCH" } },
  );

/** The qualifiers of pull-request search the report uses; anything else fails loudly. */
export const searchPullRequests = (sim: GitHubSimulator, query: string): Array<{ repo: SimRepo; pull: SimPull }> => {
  const filters: Array<(repo: SimRepo, pull: SimPull) => boolean> = [];
  for (const token of query.split(/\s+/).filter(Boolean)) {
    const [key, ...rest] = token.split(":");
    const value = rest.join(":").replace(/^"|"$/g, "");
    switch (key.toLowerCase()) {
      case "is":
        if (value === "pr") break;
        if (value === "merged") filters.push((_repo, pull) => pull.merged);
        else if (value === "open" || value === "closed") filters.push((_repo, pull) => pull.state === value);
        else throw new Error(`simulator search: unsupported is:${value}`);
        break;
      case "merged": {
        const [from, to] = dateRange(value);
        filters.push((_repo, pull) => pull.mergedAt !== null && Date.parse(pull.mergedAt) >= from && Date.parse(pull.mergedAt) <= to);
        break;
      }
      case "repo":
        if (!sim.repos.has(value.toLowerCase())) throw notSearchable();
        filters.push((repo) => fullName(repo).toLowerCase() === value.toLowerCase());
        break;
      case "org":
      case "user":
        if (![...sim.repos.values()].some((repo) => repo.owner.login.toLowerCase() === value.toLowerCase())) throw notSearchable();
        filters.push((repo) => repo.owner.login.toLowerCase() === value.toLowerCase());
        break;
      case "label": {
        // `label:"a","b"`: either label, as GitHub reads a comma.
        const wanted = rest.join(":").split(",").map((name) => name.replace(/^"|"$/g, "").toLowerCase());
        filters.push((_repo, pull) => pull.labels.some((label) => wanted.includes(label.toLowerCase())));
        break;
      }
      case "archived":
        break; // simulated repositories are never archived
      case "sha":
      case "hash": {
        // PRs with a commit whose SHA starts with it: GitHub indexes every PR's commits, forks' included.
        const prefix = value.toLowerCase();
        filters.push((_repo, pull) => pull.head.sha.startsWith(prefix) || pull.commits.some((commit) => commit.sha.startsWith(prefix)));
        break;
      }
      case "sort":
        break; // results are given newest first either way
      default:
        throw new Error(`simulator search: unsupported qualifier ${key}`);
    }
  }
  const found: Array<{ repo: SimRepo; pull: SimPull }> = [];
  for (const repo of sim.repos.values()) {
    if (sim.invisibleRepositories.has(fullName(repo).toLowerCase())) continue; // the installation cannot see it
    for (const pull of repo.pulls.values()) if (filters.every((filter) => filter(repo, pull))) found.push({ repo, pull });
  }
  return found.sort((a, b) => Date.parse(b.pull.createdAt) - Date.parse(a.pull.createdAt) || b.pull.number - a.pull.number);
};

/** `search(type: ISSUE)` for a query with `is:pr`: the SearchResultItemConnection GitHub answers. */
export const pullRequestSearchConnection = (sim: GitHubSimulator, args: ConnectionArgs & { query: string }) => {
  const found = searchPullRequests(sim, args.query);
  // Nodes are rendered for the page only: a search may match thousands of PRs.
  const page = connection(found.slice(0, SEARCH_RESULT_CAP), args);
  // A search hit's repository is a whole Repository on GitHub (its refs included).
  const node = ({ repo, pull }: { repo: SimRepo; pull: SimPull }) => ({ ...pullRequestNode(sim, repo, pull), repository: { ...repositoryNode(sim, repo), ...repositoryStub(repo) } });
  return {
    ...page,
    nodes: () => page.nodes.map(node),
    edges: () => page.edges.map((edge) => ({ cursor: edge.cursor, node: node(edge.node) })),
    issueCount: found.length,
    codeCount: 0,
    discussionCount: 0,
    repositoryCount: 0,
    userCount: 0,
    wikiCount: 0,
  };
};

const repositoryStub = (repo: SimRepo) => ({ name: repo.name, nameWithOwner: fullName(repo), owner: userNode(repo.owner), isArchived: false, defaultBranchRef: { name: repo.defaultBranch } });

const personalAccounts = new WeakMap<GitHubSimulator, Set<string>>();

/** Repository owners are organisations unless marked personal accounts here. */
export const markPersonalAccount = (sim: GitHubSimulator, login: string): void => {
  personalAccounts.set(sim, new Set([...(personalAccounts.get(sim) ?? []), login.toLowerCase()]));
};

extendGraphqlRoot((sim) => ({
  repositoryOwner: ({ login }: { login: string }) => {
    const repo = [...sim.repos.values()].find((candidate) => candidate.owner.login.toLowerCase() === login.toLowerCase());
    if (!repo) return null;
    return { __typename: personalAccounts.get(sim)?.has(login.toLowerCase()) ? "User" : "Organization", id: `O_${repo.owner.id}`, login: repo.owner.login, url: `https://github.com/${repo.owner.login}` };
  },
}));

/** The message of a merge the git-backed merge endpoint made, or null (no git repository behind). */
const gitMessage = (sim: GitHubSimulator, repo: SimRepo, sha: string): string | null => {
  try {
    return commitMessage(sim, fullName(repo), sha);
  } catch {
    return null;
  }
};

extendPullRequestNode((sim, repo, pull) => {
  if (!pull.mergeCommitSha) return {};
  const message = mergeMessages.get(pull) ?? gitMessage(sim, repo, pull.mergeCommitSha);
  if (!message) return {};
  // The same Commit node as before, with the message the merge wrote.
  return { mergeCommit: commitNode(sim, repo, { sha: pull.mergeCommitSha, authorLogins: [], committerLogin: null, message }) };
});

/** A node by its global id, as `node(id:)` and `nodes(ids:)` resolve it (pull requests here); null when unknown. */
const nodeById = (sim: GitHubSimulator, id: string) => {
  for (const repo of sim.repos.values()) {
    for (const pull of repo.pulls.values()) if (pull.nodeId === id) return { ...pullRequestNode(sim, repo, pull), repository: repositoryStub(repo) };
  }
  return null;
};

extendGraphqlRoot((sim) => ({
  node: ({ id }: { id: string }) => {
    const found = nodeById(sim, id);
    if (!found) throw new GraphQLError(`Could not resolve to a node with the global id of '${id}'`, { extensions: { type: "NOT_FOUND" } });
    return found;
  },
  nodes: ({ ids }: { ids: string[] }) => {
    if (ids.length > 100) throw new GraphQLError("You may not provide more than 100 node ids; you provided " + ids.length + ".");
    return ids.map((id) => {
      const found = nodeById(sim, id);
      if (!found) throw new GraphQLError(`Could not resolve to a node with the global id of '${id}'`, { extensions: { type: "NOT_FOUND" } });
      return found;
    });
  },
}));
