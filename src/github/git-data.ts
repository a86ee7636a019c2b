import type { Commit, GitActor, GitObject, Label, PullRequest, Ref, Repository, RepositoryRule, Tree, TreeEntry } from "@octokit/graphql-schema";
import type { ProbotOctokit } from "probot";
import type { HistoryCommit, MergeCommitFacts, PullCommitFacts } from "../backport/change.js";
import type { TargetState } from "../backport/plan.js";
import { octalMode, WORKFLOWS_DIR, type CommitSide, type Entry, type TreeWrite } from "../backport/port-plan.js";
import type { GraphqlQuery } from "../platform/instrument-octokit.js";
import { isLookupError, nodeIdFields, nodeIdsOf, type NodeIdData, type NodeIdLookups, type NodeIds } from "./node-ids.js";
import { listed, present, type ActorSelection, type NextPage, type Nodes, type Selected, type Sub } from "./graphql-nodes.js";
import type { RepoRef } from "./repo-ref.js";

type Octokit = InstanceType<typeof ProbotOctokit>;
/** A GraphQL query function: the reader `gateway.ts` binds (reads are not spaced like writes). */
type GraphQL = GraphqlQuery;

/**
 * Git data for the port engine: every read and write it makes. Reads are one REST comparison
 * (the paths a change touches) and one GraphQL query (the entries at those paths on every side,
 * plus the targets' state); writes are trees, commits, refs and, for content merges only,
 * GitHub's merges endpoint. Nothing here lists a whole tree: the cost does not grow with the
 * repository.
 */

// Pull requests and comments live in their own modules; these names are kept for existing callers.

export interface GitPerson {
  name: string;
  email: string;
  date: string | null;
}

type Actor = Selected<GitActor, "name" | "email" | "date"> | null | undefined;
const person = (actor: Actor): GitPerson | null => (actor?.name && actor.email ? { name: actor.name, email: actor.email, date: actor.date ?? null } : null);

// ---- the change's paths: one comparison -------------------------------------------------------------

/** GitHub lists at most 300 files in a comparison: a longer list cannot be trusted to be complete. */
export const COMPARE_FILE_LIMIT = 300;

export interface ComparedChange {
  /** The commit the comparison started from (what `<sha>^` or `<sha>~<n>` resolved to). */
  base: string;
  /** Every path the change touches: new and previous names of renames. */
  paths: string[];
  /** The comparison was cut at GitHub's limit. */
  truncated: boolean;
}

/** GET /repos/{owner}/{repo}/compare/{base}...{head}: `base` may be `<sha>^` or `<sha>~<n>`, as GitHub's comparisons allow. */
export const compareChange = async (octokit: Octokit, repo: RepoRef, base: string, head: string): Promise<ComparedChange> => {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...${head}` });
  const files = data.files ?? [];
  const paths = files.flatMap((file) => (file.previous_filename ? [file.previous_filename, file.filename] : [file.filename]));
  return { base: data.merge_base_commit.sha, paths, truncated: files.length >= COMPARE_FILE_LIMIT };
};

// ---- entries at those paths, and the targets: one GraphQL query ----------------------------------------

/** The answers, as selections of GitHub's schema types (see graphql-nodes.ts). */
type EntryNode = Selected<TreeEntry, "oid" | "mode" | "type">;
type FileField = Sub<Commit, { file: EntryNode }>["file"];
/** `PortEntries` (`workflows` and `p<i>` are aliases of `file`); `{}` where the object is no commit (`... on Commit`). */
type CommitNode = Partial<Selected<Commit, "oid"> & Sub<Commit, { tree: Selected<Tree, "oid"> }> & { workflows: FileField } & { [path: `p${number}`]: FileField }>;
/** `object(oid:)` and `ref(qualifiedName:)` under their aliases: null when there is none. */
type ObjectField<X> = Sub<Repository, { object: X }>["object"];
type RefField<X> = Sub<Repository, { ref: X }>["ref"];

/** The fragment every side's commit is read with: tree, workflows directory, and the entry at each path `$p<i>`. */
export const entriesFragment = (paths: number): string =>
  `fragment PortEntries on Commit {
    oid
    tree { oid }
    workflows: file(path: "${WORKFLOWS_DIR}") { oid mode type }${Array.from({ length: paths }, (_, index) => `\n    p${index}: file(path: $p${index}) { oid mode type }`).join("")}
  }`;

const pathVariables = (paths: number): string => Array.from({ length: paths }, (_, index) => `, $p${index}: String!`).join("");

const entry = (node: EntryNode | null | undefined): Entry | null =>
  node && (node.type === "blob" || node.type === "tree" || node.type === "commit") ? { mode: octalMode(node.mode), sha: node.oid, type: node.type } : null;

const sideOf = (node: CommitNode | null | undefined, paths: string[]): CommitSide | null => {
  if (!node?.oid || !node.tree) return null;
  const entries = new Map<string, Entry | null>();
  paths.forEach((path, index) => entries.set(path, entry(node[`p${index}`])));
  return { commit: node.oid, tree: node.tree.oid, workflows: entry(node.workflows), entries };
};

/**
 * The port's facts in one query: the merged PR's commits (newest 100), the merge commit (and the
 * base's history when the merge method needs it), the comparison's base; and per target its head
 * (with the entries), whether a ruleset requires signed commits there, the port branch, the PRs
 * opened from it; plus the app's leftover temporary branches.
 */
export const portFactsQuery = (targets: number, paths: number, lookups: NodeIdLookups = { labels: [], users: [], teams: [] }): string => {
  const ids = nodeIdFields(lookups);
  const variables = Array.from({ length: targets }, (_, index) => `, $target${index}: String!, $branch${index}: String!, $head${index}: String!`).join("");
  const fields = Array.from(
    { length: targets },
    (_, index) => `
      target${index}: ref(qualifiedName: $target${index}) {
        target { ... on Commit { ...PortEntries } }
        rules(first: 100) { nodes { type } }
      }
      branch${index}: ref(qualifiedName: $branch${index}) { target { oid ... on Commit { message } } }
      pulls${index}: pullRequests(headRefName: $head${index}, states: [OPEN, CLOSED, MERGED], first: 10) {
        nodes { number url state baseRefName isCrossRepository author { __typename login } labels(first: 100) { nodes { name } } }
      }`,
  ).join("");
  return /* GraphQL */ `
  query PortFacts($owner: String!, $repo: String!, $number: Int!, $merge: GitObjectID!, $base: GitObjectID!, $tempPrefix: String!, $history: Int!, $withHistory: Boolean!${variables}${pathVariables(paths)}${ids.variables}) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        commits(last: 100) {
          totalCount
          nodes { commit { oid message authors(first: 1) { nodes { name email date } } } }
        }
      }
      mergeCommit: object(oid: $merge) {
        ... on Commit {
          message
          parents(first: 2) { nodes { oid } }
          author { name email date }
          ...PortEntries
        }
      }
      base: object(oid: $base) { ... on Commit { ...PortEntries } }
      history: object(oid: $merge) @include(if: $withHistory) {
        ... on Commit {
          history(first: $history) {
            pageInfo { hasNextPage endCursor }
            nodes { oid message parents(first: 2) { nodes { oid } } }
          }
        }
      }
      temporary: refs(refPrefix: $tempPrefix, first: 100) { nodes { prefix name } }${fields}
    }${ids.fields}
  }
  ${entriesFragment(paths)}
`;
};

/** More of the base's history, for rebases of more than 100 commits. */
export const HISTORY_PAGE_QUERY = /* GraphQL */ `
  query BackportHistory($owner: String!, $repo: String!, $merge: GitObjectID!, $after: String) {
    repository(owner: $owner, name: $repo) {
      object(oid: $merge) {
        ... on Commit {
          history(first: 100, after: $after) {
            pageInfo { hasNextPage endCursor }
            nodes { oid message parents(first: 2) { nodes { oid } } }
          }
        }
      }
    }
  }
`;

type Parents = { parents: Nodes<Selected<Commit, "oid">> };
type HistoryConnection = Nodes<Selected<Commit, "oid" | "message"> & Parents> & { pageInfo: NextPage };
const oidsOf = (parents: Parents["parents"]): string[] => listed(parents.nodes, "a commit's parents").map((parent) => parent.oid);

const historyCommits = (connection: HistoryConnection | undefined): HistoryCommit[] =>
  connection ? listed(connection.nodes, "the history").map((node) => ({ oid: node.oid, message: node.message, parents: oidsOf(node.parents) })) : [];

type TargetRef = Sub<Ref, { target: CommitNode; rules: Nodes<Selected<RepositoryRule, "type">> }>;
/** `target { oid ... on Commit { message } }` */
type BranchRef = Sub<Ref, { target: Selected<GitObject, "oid"> & Partial<Selected<Commit, "message">> }>;
type PortPull = Selected<PullRequest, "number" | "url" | "state" | "baseRefName" | "isCrossRepository"> &
  Sub<PullRequest, { author: ActorSelection & { __typename: string }; labels: Nodes<Selected<Label, "name">> }>;
type PortFactsRepository = Sub<Repository, {
  pullRequest: { commits: Selected<PullRequest["commits"], "totalCount"> & Nodes<{ commit: Selected<Commit, "oid" | "message"> & { authors: Nodes<NonNullable<Actor>> } }> };
}> & {
  mergeCommit: ObjectField<CommitNode & Partial<Selected<Commit, "message"> & Parents & Sub<Commit, { author: NonNullable<Actor> }>>>;
  base: ObjectField<CommitNode>;
  /** `@include(if: $withHistory)`: absent when not asked; `{}` for no commit. */
  history?: ObjectField<{ history?: HistoryConnection }>;
  temporary: Sub<Repository, { refs: Nodes<Selected<Ref, "prefix" | "name">> }>["refs"];
} & { [alias: `target${number}`]: RefField<TargetRef> } & { [alias: `branch${number}`]: RefField<BranchRef> } & {
  [alias: `pulls${number}`]: Sub<Repository, { pullRequests: Nodes<PortPull> }>["pullRequests"];
};
type PortFactsAnswer = { repository?: PortFactsRepository | null } & NodeIdData;
type HistoryPageAnswer = { repository?: Sub<Repository, { object: { history?: HistoryConnection } }> | null };
type SidesAnswer = { repository?: { [alias: `c${number}`]: ObjectField<CommitNode> } | null };

export interface PortFacts {
  prCommits: PullCommitFacts[];
  totalPrCommits: number;
  /** The author of the PR's newest commit. */
  headAuthor: GitPerson | null;
  merge: (MergeCommitFacts & { author: GitPerson | null }) | null;
  /** The merged commit and the comparison's base, with their entries at the paths. */
  tip: CommitSide | null;
  base: CommitSide | null;
  history: HistoryCommit[];
  states: TargetState[];
  /** Full ref names of the app's temporary branches for this PR. */
  temporaryBranches: string[];
  /** The node ids asked for with the facts (`lookups`). */
  ids: NodeIds;
}

/**
 * A ruleset requires signed commits on the ref. Rulesets are readable with the metadata
 * permission; classic branch protection (`Ref.branchProtectionRule`) needs `administration`,
 * which the app does not ask for (GitHub answers "Resource not accessible by integration").
 */
const signatureRequired = (ref: TargetRef | null | undefined): boolean =>
  ref?.rules ? listed(ref.rules.nodes, "a target's rules").some((rule) => rule.type === "REQUIRED_SIGNATURES") : false;

export const fetchPortFacts = async (
  graphql: GraphQL,
  repo: RepoRef,
  input: {
    number: number;
    mergeSha: string;
    baseSha: string;
    paths: string[];
    targets: Array<{ target: string; branch: string }>;
    tempPrefix: string;
    history: number;
    lookups?: NodeIdLookups;
  },
): Promise<PortFacts> => {
  const lookups = input.lookups ?? { labels: [], users: [], teams: [] };
  const variables: Record<string, unknown> = {
    owner: repo.owner,
    repo: repo.repo,
    number: input.number,
    merge: input.mergeSha,
    base: input.baseSha,
    tempPrefix: `refs/heads/${input.tempPrefix}`,
    history: Math.max(1, Math.min(input.history, 100)),
    withHistory: input.history > 0,
  };
  input.targets.forEach(({ target, branch }, index) => {
    variables[`target${index}`] = `refs/heads/${target}`;
    variables[`branch${index}`] = `refs/heads/${branch}`;
    variables[`head${index}`] = branch;
  });
  input.paths.forEach((path, index) => (variables[`p${index}`] = path));
  Object.assign(variables, nodeIdFields(lookups).values);
  // A name the lookups ask for that GitHub does not know is an error at its own field only: the
  // facts are there all the same, and that name has no id. Any other GraphQL error with lookups
  // asked is read once more without them: the ids only save a write, the facts are the port.
  const asked = lookups.labels.length + lookups.users.length + lookups.teams.length > 0;
  const data = await graphql<PortFactsAnswer>(portFactsQuery(input.targets.length, input.paths.length, lookups), variables).catch(
    async (error: { data?: PortFactsAnswer | null; errors?: Array<{ path?: Array<string | number> }> }) => {
      const answered = error?.data?.repository ? error.data : null;
      if (answered && error.errors?.length && error.errors.every(isLookupError)) return answered;
      if (!asked || !Array.isArray(error?.errors)) throw error;
      const withoutLookups = Object.fromEntries(Object.entries(variables).filter(([name]) => !/^id[LUT]\d+$/.test(name)));
      return graphql<PortFactsAnswer>(portFactsQuery(input.targets.length, input.paths.length), withoutLookups);
    },
  );
  const repository = present(data.repository, `the repository ${repo.owner}/${repo.repo}`);
  const pull = repository.pullRequest;
  const mergeNode = repository.mergeCommit;
  const states = input.targets.map(({ target }, index): TargetState => {
    const head = repository[`target${index}`];
    const branch = repository[`branch${index}`];
    const pulls = repository[`pulls${index}`];
    const side = sideOf(head?.target, input.paths);
    return {
      target,
      head: side ? { oid: side.commit, tree: side.tree } : null,
      side,
      requiresSignatures: signatureRequired(head),
      branch: branch?.target?.oid ? { oid: branch.target.oid, message: branch.target.message ?? "" } : null,
      pullRequests: listed(pulls.nodes, `the PRs from ${target}'s port branch`).map((node) => ({
        number: node.number,
        url: node.url,
        state: node.state,
        baseRefName: node.baseRefName,
        isCrossRepository: node.isCrossRepository,
        authorIsBot: node.author?.__typename === "Bot",
        labels: listed(node.labels?.nodes, `the labels of #${node.number}`).map((label) => label.name),
      })),
    };
  });
  const first = repository.history?.history;
  const history = historyCommits(first);
  let page = first?.pageInfo;
  while (page?.hasNextPage && history.length < input.history) {
    const next = await graphql<HistoryPageAnswer>(HISTORY_PAGE_QUERY, { owner: repo.owner, repo: repo.repo, merge: input.mergeSha, after: page.endCursor });
    const object = present(next.repository, `the repository ${repo.owner}/${repo.repo}`).object;
    history.push(...historyCommits(object?.history));
    page = object?.history?.pageInfo;
  }
  const temporary = present(repository.temporary, "the temporary branches");
  const prCommits = pull ? listed(pull.commits.nodes, `the commits of #${input.number}`) : [];
  const newest = prCommits.at(-1);
  return {
    prCommits: prCommits.map((node) => ({ oid: node.commit.oid, message: node.commit.message })),
    totalPrCommits: pull?.commits.totalCount ?? 0,
    headAuthor: person(newest ? listed(newest.commit.authors.nodes, `the authors of ${newest.commit.oid}`)[0] : undefined),
    merge: mergeNode?.oid
      ? { oid: mergeNode.oid, message: mergeNode.message ?? "", parents: mergeNode.parents ? oidsOf(mergeNode.parents) : [], author: person(mergeNode.author) }
      : null,
    tip: sideOf(mergeNode, input.paths),
    base: sideOf(repository.base, input.paths),
    history,
    states,
    // A ref's full name is its prefix and its name, whatever part of it the prefix covers.
    temporaryBranches: listed(temporary.nodes, "the temporary branches").map((node) => (node.name.startsWith("refs/") ? node.name : `${node.prefix}${node.name}`)),
    // Read without the lookups (above): no ids, so the names go over REST.
    ids: nodeIdsOf(lookups, data),
  };
};

/** The entries at `paths` on each of `commits` (one query): when the change's base was not the comparison's first guess. */
export const portSidesQuery = (commits: number, paths: number): string => {
  const commitVariables = Array.from({ length: commits }, (_, index) => `, $c${index}: GitObjectID!`).join("");
  const fields = Array.from({ length: commits }, (_, index) => `\n      c${index}: object(oid: $c${index}) { ... on Commit { ...PortEntries } }`).join("");
  return /* GraphQL */ `
  query PortSides($owner: String!, $repo: String!${commitVariables}${pathVariables(paths)}) {
    repository(owner: $owner, name: $repo) {${fields}
    }
  }
  ${entriesFragment(paths)}
`;
};

/** Samples of the generated documents, validated against GitHub's schema by the tests. */
export const PORT_FACTS_QUERY = portFactsQuery(2, 3, { labels: ["backport"], users: ["dev", "alice"], teams: ["sre"] });
export const PORT_SIDES_QUERY = portSidesQuery(3, 2);

export const fetchSides = async (graphql: GraphQL, repo: RepoRef, commits: string[], paths: string[]): Promise<Map<string, CommitSide | null>> => {
  const query = portSidesQuery(commits.length, paths.length);
  const variables: Record<string, unknown> = { owner: repo.owner, repo: repo.repo };
  commits.forEach((commit, index) => (variables[`c${index}`] = commit));
  paths.forEach((path, index) => (variables[`p${index}`] = path));
  const data = await graphql<SidesAnswer>(query, variables);
  const repository = present(data.repository, `the repository ${repo.owner}/${repo.repo}`);
  return new Map(commits.map((commit, index) => [commit, sideOf(repository[`c${index}`], paths)]));
};

// ---- writes ---------------------------------------------------------------------------------------

/** POST /repos/{owner}/{repo}/git/trees: `base` plus `writes` (a null sha removes the path, file or directory). */
export const createTree = async (octokit: Octokit, repo: RepoRef, base: string, writes: TreeWrite[]): Promise<string> => {
  const { data } = await octokit.rest.git.createTree({
    ...repo,
    base_tree: base,
    tree: writes.map((write) => ({ path: write.path, mode: write.mode as "100644", type: write.type, sha: write.sha })),
  });
  return data.sha;
};

/**
 * POST /repos/{owner}/{repo}/git/commits. Without `author`, GitHub makes the app the author and
 * committer and signs the commit (what a target requiring signed commits accepts); with one, the
 * commit is unsigned.
 */
export const createCommit = async (
  octokit: Octokit,
  repo: RepoRef,
  commit: { message: string; tree: string; parents: string[]; author?: GitPerson | null },
): Promise<string> => {
  const author = commit.author ? { name: commit.author.name, email: commit.author.email, ...(commit.author.date ? { date: commit.author.date } : {}) } : undefined;
  const { data } = await octokit.rest.git.createCommit({ ...repo, message: commit.message, tree: commit.tree, parents: commit.parents, ...(author ? { author } : {}) });
  return data.sha;
};

/** POST /repos/{owner}/{repo}/git/refs: atomic; GitHub answers 422 "Reference already exists" when it does. */
export const createBranch = async (octokit: Octokit, repo: RepoRef, branch: string, sha: string): Promise<void> => {
  await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha });
};

/** DELETE /repos/{owner}/{repo}/git/refs/{ref}: true when deleted, false when it was already gone (422). */
export const deleteBranch = async (octokit: Octokit, repo: RepoRef, branch: string): Promise<boolean> => {
  try {
    await octokit.rest.git.deleteRef({ ...repo, ref: `heads/${branch}` });
    return true;
  } catch (error) {
    if ((error as { status?: number }).status === 422) return false;
    throw error;
  }
};

export type MergeResult = { kind: "merged"; sha: string; tree: string } | { kind: "nothing-to-merge" } | { kind: "conflict" };

const statusOf = (error: unknown): number | undefined => (error as { status?: number })?.status;

/**
 * POST /repos/{owner}/{repo}/merges into a branch this attempt owns: 201 with the merge commit,
 * 204 when `head` is already in `base`, 409 on a conflict. Octokit's retry plugin would retry a
 * 409, so the plugin is told not to retry (`retries: 0`) and a 5xx is retried here, once: if the
 * first try did merge, the retry answers 204 and the merge commit is read from the branch
 * (GET .../git/ref/{ref}, GET .../git/commits/{sha}) — `onlyMergeOf` says what it must be.
 */
export const mergeIntoBranch = async (octokit: Octokit, repo: RepoRef, base: string, head: string, message: string, onlyMergeOf?: string): Promise<MergeResult> => {
  const attempt = async (): Promise<MergeResult> => {
    const response = await octokit.rest.repos.merge({ ...repo, base, head, commit_message: message, request: { retries: 0 } });
    if ((response.status as number) === 204 || !response.data) return { kind: "nothing-to-merge" };
    return { kind: "merged", sha: response.data.sha, tree: response.data.commit.tree.sha };
  };
  try {
    return await attempt();
  } catch (error) {
    if (statusOf(error) === 409) return { kind: "conflict" };
    if ((statusOf(error) ?? 0) < 500) throw error;
  }
  try {
    const retried = await attempt();
    if (retried.kind !== "nothing-to-merge" || !onlyMergeOf) return retried;
    // The first try merged after all: the branch's head is that merge.
    const { data: ref } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${base}` });
    const { data: commit } = await octokit.rest.git.getCommit({ ...repo, commit_sha: ref.object.sha });
    const parents = commit.parents.map((parent) => parent.sha);
    if (parents.length === 2 && parents[0] === onlyMergeOf && parents[1] === head) return { kind: "merged", sha: commit.sha, tree: commit.tree.sha };
    return retried;
  } catch (error) {
    if (statusOf(error) === 409) return { kind: "conflict" };
    throw error;
  }
};
