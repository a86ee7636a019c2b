import { extendGraphqlRoot, extendPullRequestNode, extendRepositoryNode, connection, pullRequestNode, userNode, type ConnectionArgs } from "./graphql.js";
import { approvalTimelineItems } from "./routes-activity.js";
import { pullRequestSearchConnection } from "./routes-report.js";
import { restIssue, restIssueComment, restLabel, fullName, validationFailed } from "./rest-shapes.js";
import { ghError, SIM_APP, type GitHubSimulator } from "./simulator.js";
import { assignable, type SimComment, type SimIssue, type SimPull, type SimRepo, type SimUser } from "./state.js";

/**
 * Issues, issue comments, labels, assignees and two GraphQL views: a PR's
 * `timelineItems` (labels, comments, reviews, cross-references, with the viewer's reactions) and
 * `search(type: ISSUE)`. The viewer of GraphQL is the app's bot, as with an installation token.
 */

/** The app's bot account: the author of everything the app writes. */
export const appBot = (sim: GitHubSimulator): SimUser => sim.user(`${SIM_APP.slug}[bot]`, "Bot");

interface SimLabelEvent {
  action: "labeled" | "unlabeled";
  label: string;
  actor: SimUser | null;
  at: string;
}


const labelEvents = new WeakMap<SimPull, SimLabelEvent[]>();

/**
 * Records a label change in the PR's timeline (GitHub's LabeledEvent/UnlabeledEvent) and applies
 * it to the PR. A PR's labels without any recorded event count as added when it was opened.
 */
export const changeLabel = (sim: GitHubSimulator, repoName: string, number: number, action: "labeled" | "unlabeled", label: string, actor?: string, at?: string): void => {
  const pull = sim.pull(repoName, number);
  const events = labelEvents.get(pull) ?? pull.labels.map((name) => ({ action: "labeled" as const, label: name, actor: pull.user, at: pull.createdAt }));
  events.push({ action, label, actor: actor ? sim.user(actor) : pull.user, at: at ?? sim.now() });
  labelEvents.set(pull, events);
  if (action === "labeled" && !pull.labels.includes(label)) pull.labels.push(label);
  if (action === "unlabeled") pull.labels = pull.labels.filter((name) => name !== label);
  sim.repo(repoName).labels.add(label);
};

export const addIssue = (sim: GitHubSimulator, repoName: string, issue: Partial<SimIssue> & { title: string; author?: string }): SimIssue => {
  const repo = sim.repo(repoName);
  const at = issue.createdAt ?? sim.now();
  const created: SimIssue = {
    number: repo.nextNumber++,
    id: sim.id(),
    nodeId: `I_${sim.id()}`,
    body: null,
    state: "open",
    labels: [],
    assignees: [],
    user: issue.author ? sim.user(issue.author) : appBot(sim),
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    ...issue,
  };
  repo.issues.set(created.number, created);
  for (const label of created.labels) repo.labels.add(label);
  return created;
};

/** REST issue, with `performed_via_github_app` set for what the app created (GitHub sends it then). */
const issueBody = (sim: GitHubSimulator, repo: SimRepo, issue: SimIssue) => ({
  ...restIssue(sim, repo, issue),
  performed_via_github_app:
    issue.user.login === appBot(sim).login ? { id: SIM_APP.id, slug: SIM_APP.slug, node_id: `A_${SIM_APP.id}`, name: "Hotfix Governance", owner: null } : null,
});

const findRepo = (sim: GitHubSimulator, params: Record<string, string>): SimRepo | undefined =>
  sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());


const validation = (resource: string, field: string, message: string, value?: unknown) =>
  ghError(422, "Validation Failed", { errors: [{ resource, code: "invalid", field, message, value }] });

const REACTIONS: Record<string, string> = {
  "+1": "THUMBS_UP",
  "-1": "THUMBS_DOWN",
  laugh: "LAUGH",
  hooray: "HOORAY",
  confused: "CONFUSED",
  heart: "HEART",
  rocket: "ROCKET",
  eyes: "EYES",
};

const reactionGroups = (sim: GitHubSimulator, repo: SimRepo, subjects: string[], id: number) => {
  const bot = appBot(sim).login;
  const mine = repo.reactions.filter((reaction) => subjects.includes(reaction.subject) && reaction.subjectId === id && reaction.user.login === bot);
  return Object.entries(REACTIONS).map(([rest, content]) => ({
    content,
    createdAt: null,
    viewerHasReacted: mine.some((reaction) => reaction.content === rest || reaction.content === content),
  }));
};

const historyComment = (sim: GitHubSimulator, repo: SimRepo, comment: SimComment, subjects: string[], url: string) => ({
  id: comment.nodeId,
  databaseId: comment.id,
  author: userNode(comment.user),
  body: comment.body,
  createdAt: comment.createdAt,
  updatedAt: comment.updatedAt,
  lastEditedAt: comment.lastEditedAt,
  viewerDidAuthor: comment.user.login === appBot(sim).login,
  reactionGroups: reactionGroups(sim, repo, subjects, comment.id),
  url,
});

const issueNode = (sim: GitHubSimulator, repo: SimRepo, issue: SimIssue) => ({
  __typename: "Issue",
  id: issue.nodeId,
  databaseId: issue.id,
  number: issue.number,
  title: issue.title,
  body: issue.body ?? "",
  url: `https://github.com/${fullName(repo)}/issues/${issue.number}`,
  state: issue.state === "open" ? "OPEN" : "CLOSED",
  createdAt: issue.createdAt,
  closedAt: issue.closedAt,
  viewerDidAuthor: issue.user.login === appBot(sim).login,
  author: userNode(issue.user),
  repository: { name: repo.name, nameWithOwner: fullName(repo), owner: userNode(repo.owner), isArchived: false },
  assignees: (args: ConnectionArgs) => connection(issue.assignees.map((login) => userNode(sim.user(login))), args),
  labels: (args: ConnectionArgs) => connection(issue.labels.map((name) => ({ name })), args),
  comments: (args: ConnectionArgs) =>
    connection(
      repo.issueComments
        .filter((comment) => comment.issueNumber === issue.number)
        .map((comment) => historyComment(sim, repo, comment, ["comment"], `https://github.com/${fullName(repo)}/issues/${issue.number}#issuecomment-${comment.id}`)),
      args,
    ),
});

const mentionsPull = (body: string | null, repo: SimRepo, number: number): boolean =>
  new RegExp(`(^|[^\\w/])#${number}(?!\\d)|/${fullName(repo)}/pull/${number}(?!\\d)`, "i").test(body ?? "");

/** The PR's timeline as GitHub's `timelineItems` lists it, oldest first. */
const timelineItems = (sim: GitHubSimulator, repo: SimRepo, pull: SimPull, types: string[] = []) => {
  const pullUrl = `https://github.com/${fullName(repo)}/pull/${pull.number}`;
  const events = labelEvents.get(pull) ?? pull.labels.map((label) => ({ action: "labeled" as const, label, actor: pull.user, at: pull.createdAt }));
  const items: Array<{ at: string; type: string; node: Record<string, unknown> }> = [
    ...events.map((event) => ({
      at: event.at,
      type: event.action === "labeled" ? "LABELED_EVENT" : "UNLABELED_EVENT",
      node: {
        __typename: event.action === "labeled" ? "LabeledEvent" : "UnlabeledEvent",
        createdAt: event.at,
        actor: event.actor ? userNode(event.actor) : null,
        label: { name: event.label, color: "ededed" },
      },
    })),
    ...repo.issueComments
      .filter((comment) => comment.issueNumber === pull.number)
      .map((comment) => ({
        at: comment.createdAt,
        type: "ISSUE_COMMENT",
        node: { __typename: "IssueComment", ...historyComment(sim, repo, comment, ["comment"], `${pullUrl}#issuecomment-${comment.id}`) },
      })),
    ...repo.reviews
      .filter((review) => review.issueNumber === pull.number)
      .map((review) => ({
        at: review.createdAt,
        type: "PULL_REQUEST_REVIEW",
        node: {
          __typename: "PullRequestReview",
          ...historyComment(sim, repo, review, ["review"], `${pullUrl}#pullrequestreview-${review.id}`),
          state: review.state ?? "COMMENTED",
          commit: review.commitId ? { oid: review.commitId } : null,
          submittedAt: review.state === "PENDING" ? null : review.createdAt,
          comments: (args: ConnectionArgs) => connection([], args),
        },
      })),
    // On GitHub every diff comment belongs to a review; a lone one makes a review with an empty body.
    ...repo.reviewComments
      .filter((comment) => comment.issueNumber === pull.number && !comment.inReplyToId)
      .map((comment) => ({
        at: comment.createdAt,
        type: "PULL_REQUEST_REVIEW",
        node: {
          __typename: "PullRequestReview",
          id: `PRR_${comment.nodeId}`,
          databaseId: comment.id + 1_000_000,
          author: userNode(comment.user),
          body: "",
          createdAt: comment.createdAt,
          lastEditedAt: null,
          viewerDidAuthor: comment.user.login === appBot(sim).login,
          reactionGroups: reactionGroups(sim, repo, ["review"], comment.id + 1_000_000),
          url: `${pullUrl}#pullrequestreview-${comment.id + 1_000_000}`,
          state: "COMMENTED",
          commit: comment.commitId ? { oid: comment.commitId } : null,
          submittedAt: comment.createdAt,
          comments: (args: ConnectionArgs) =>
            connection(
              [comment, ...repo.reviewComments.filter((reply) => reply.inReplyToId === comment.id)].map((item) =>
                historyComment(sim, repo, item, ["review_comment"], `${pullUrl}#discussion_r${item.id}`),
              ),
              args,
            ),
        },
      })),
    ...[...repo.issues.values()]
      .filter((issue) => mentionsPull(issue.body, repo, pull.number))
      .map((issue) => ({
        at: issue.createdAt,
        type: "CROSS_REFERENCED_EVENT",
        node: { __typename: "CrossReferencedEvent", createdAt: issue.createdAt, referencedAt: issue.createdAt, isCrossRepository: false, willCloseTarget: false, source: issueNode(sim, repo, issue) },
      })),
    // Force-pushes, base changes, deletions and dismissals (routes-activity.ts).
    ...approvalTimelineItems(sim, repo, pull),
    // A pull request whose body mentions #n (a backport's "Backport of #n", a revert's "Reverts #n") is on n's timeline too.
    // (Scanned only when cross-references are asked for: a repository may hold thousands of PRs.)
    ...[...(types.length === 0 || types.includes("CROSS_REFERENCED_EVENT") ? repo.pulls.values() : [])]
      .filter((other) => other.number !== pull.number && mentionsPull(other.body, repo, pull.number))
      .map((other) => ({
        at: other.createdAt,
        type: "CROSS_REFERENCED_EVENT",
        node: { __typename: "CrossReferencedEvent", createdAt: other.createdAt, referencedAt: other.createdAt, isCrossRepository: false, willCloseTarget: false, source: pullRequestNode(sim, repo, other) },
      })),
  ];
  return items.map((item, index) => ({ item, index })).sort((a, b) => Date.parse(a.item.at) - Date.parse(b.item.at) || a.index - b.index).map(({ item }) => item);
};

/** What the search finds: an issue, or a pull request (GitHub's issue search covers both). */
type SearchHit = { repo: SimRepo; issue: SimIssue; pull?: undefined } | { repo: SimRepo; pull: SimPull; issue?: undefined };

/** The date qualifiers (`merged:>=2024-05-01T09:00:00Z`, `created:<...`), as GitHub reads them. */
const dateFilter = (value: string): ((at: string | null) => boolean) => {
  const match = /^(>=|<=|>|<)?(.+)$/.exec(value)!;
  const bound = Date.parse(match[2]);
  if (Number.isNaN(bound)) throw new Error(`simulator search: bad date ${value}`);
  return (at) => {
    if (!at) return false;
    const time = Date.parse(at);
    switch (match[1]) {
      case ">=": return time >= bound;
      case ">": return time > bound;
      case "<=": return time <= bound;
      case "<": return time < bound;
      default: return time >= bound && time < bound + 24 * 3600_000;
    }
  };
};

/**
 * A small implementation of GitHub's issue search syntax: the qualifiers the app uses. Pull
 * requests are results too (`is:pr`), as on GitHub; `label:a,b` means either label.
 */
const searchIssues = (sim: GitHubSimulator, query: string): SearchHit[] => {
  const tokens = query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  const words: string[] = [];
  const filters: Array<(hit: SearchHit) => boolean> = [];
  let inTitle = false;
  let kinds: Array<"issue" | "pr"> = ["issue", "pr"];
  const state = (hit: SearchHit) => (hit.issue ? hit.issue.state : hit.pull!.state);
  const labels = (hit: SearchHit) => (hit.issue ? hit.issue.labels : hit.pull!.labels);
  const author = (hit: SearchHit) => (hit.issue ? hit.issue.user : hit.pull!.user);
  for (const token of tokens) {
    const [key, ...rest] = token.split(":");
    const value = rest.join(":").replace(/^"|"$/g, "");
    if (!rest.length) {
      words.push(token.replace(/^"|"$/g, "").toLowerCase());
      continue;
    }
    switch (key.toLowerCase()) {
      case "is":
        if (value === "issue") kinds = ["issue"];
        else if (value === "pr") kinds = ["pr"];
        else if (value === "open" || value === "closed") filters.push((hit) => state(hit) === value);
        else if (value === "merged") filters.push((hit) => Boolean(hit.pull?.merged));
        else throw new Error(`simulator search: unsupported is:${value}`);
        break;
      case "archived":
        break; // simulated repositories are never archived
      case "in":
        inTitle = value === "title";
        break;
      case "author":
        filters.push((hit) => (value.startsWith("app/") ? author(hit).login === `${value.slice(4)}[bot]` : author(hit).login.toLowerCase() === value.toLowerCase()));
        break;
      case "org":
      case "user":
        filters.push((hit) => hit.repo.owner.login.toLowerCase() === value.toLowerCase());
        break;
      case "repo":
        filters.push((hit) => fullName(hit.repo).toLowerCase() === value.toLowerCase());
        break;
      case "label": {
        const wanted = rest.join(":").split(",").map((name) => name.replace(/^"|"$/g, "").toLowerCase());
        filters.push((hit) => labels(hit).some((label) => wanted.includes(label.toLowerCase())));
        break;
      }
      case "merged": {
        const within = dateFilter(value);
        filters.push((hit) => Boolean(hit.pull) && within(hit.pull!.mergedAt));
        break;
      }
      default:
        throw new Error(`simulator search: unsupported qualifier ${key}`);
    }
  }
  const results: SearchHit[] = [];
  for (const repo of sim.repos.values()) {
    if (sim.invisibleRepositories.has(fullName(repo).toLowerCase())) continue; // the installation cannot see it
    const hits: SearchHit[] = [
      ...(kinds.includes("issue") ? [...repo.issues.values()].map((issue) => ({ repo, issue })) : []),
      ...(kinds.includes("pr") ? [...repo.pulls.values()].map((pull) => ({ repo, pull })) : []),
    ];
    for (const hit of hits) {
      const item = hit.issue ?? hit.pull!;
      const text = (inTitle ? item.title : `${item.title}\n${item.body ?? ""}`).toLowerCase();
      if (filters.every((filter) => filter(hit)) && words.every((word) => text.includes(word))) results.push(hit);
    }
  }
  // GitHub's default order for issue search is best match; newest first is close enough here.
  const created = (hit: SearchHit) => Date.parse(hit.issue ? hit.issue.createdAt : hit.pull!.createdAt);
  return results.sort((a, b) => created(b) - created(a));
};

export const registerIssueRoutes = (sim: GitHubSimulator): void => {
  extendPullRequestNode((simulator, repo, pull) => ({
    timelineItems: (args: ConnectionArgs & { itemTypes?: string[] | null }) => {
      const items = timelineItems(simulator, repo, pull, args.itemTypes ?? []).filter((item) => !args.itemTypes?.length || args.itemTypes.includes(item.type));
      return { ...connection(items.map((item) => item.node), args), filteredCount: items.length, updatedAt: simulator.now() };
    },
  }));

  extendGraphqlRoot((simulator) => ({
    search: (args: ConnectionArgs & { query: string; type: string }) => {
      if (args.type !== "ISSUE") throw new Error(`simulator search: unsupported type ${args.type}`);
      if (/(^|\s)is:pr(\s|$)/i.test(args.query)) return pullRequestSearchConnection(simulator, args);
      const found = searchIssues(simulator, args.query).flatMap((hit) => (hit.issue ? [issueNode(simulator, hit.repo, hit.issue)] : []));
      return { ...connection(found, args), issueCount: found.length, codeCount: 0, discussionCount: 0, repositoryCount: 0, userCount: 0, wikiCount: 0 };
    },
  }));

  sim.route("GET", "/repos/{owner}/{repo}/assignees/{login}", ({ params }) => {
    const repo = findRepo(sim, params);
    if (!repo) return ghError(404, "Not Found");
    return assignable(repo, params.login) ? { status: 204 } : ghError(404, "Not Found");
  });

  sim.route("GET", "/repos/{owner}/{repo}/issues", ({ params, query }) => {
    const repo = findRepo(sim, params);
    if (!repo) return ghError(404, "Not Found");
    const state = query.get("state") ?? "open";
    const labels = (query.get("labels") ?? "").split(",").filter(Boolean).map((label) => label.toLowerCase());
    const since = query.get("since") ? Date.parse(query.get("since")!) : null;
    const direction = query.get("direction") ?? "desc";
    const sort = query.get("sort") ?? "created";
    if (!["created", "updated", "comments"].includes(sort)) return validation("Issue", "sort", "invalid sort");
    // GitHub lists pull requests among the issues (with a `pull_request` key).
    const pulls: SimIssue[] = [...repo.pulls.values()].map((pull) => ({
      number: pull.number,
      id: pull.id,
      nodeId: pull.nodeId,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      labels: pull.labels,
      assignees: pull.assignees,
      user: pull.user,
      createdAt: pull.createdAt,
      updatedAt: pull.updatedAt,
      closedAt: pull.closedAt,
    }));
    let issues = [...repo.issues.values(), ...pulls]
      .filter((issue) => state === "all" || issue.state === state)
      .filter((issue) => labels.every((label) => issue.labels.some((name) => name.toLowerCase() === label)))
      .filter((issue) => since == null || Date.parse(issue.updatedAt) >= since);
    issues = issues.sort((a, b) => {
      const key = sort === "updated" ? "updatedAt" : "createdAt";
      return (Date.parse(a[key]) - Date.parse(b[key]) || a.number - b.number) * (direction === "asc" ? 1 : -1);
    });
    const page = Number(query.get("page") ?? 1);
    const perPage = Math.min(Number(query.get("per_page") ?? 30), 100);
    const slice = issues.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      body: slice.map((issue) =>
        repo.pulls.has(issue.number) ? restIssue(sim, repo, issue) : issueBody(sim, repo, issue),
      ),
      headers:
        page * perPage < issues.length
          ? { link: `<${sim.baseUrl}/repos/${fullName(repo)}/issues?${new URLSearchParams({ ...Object.fromEntries(query), page: String(page + 1) })}>; rel="next"` }
          : undefined,
    };
  });

  sim.route("POST", "/repos/{owner}/{repo}/issues", ({ params, body }) => {
    const repo = findRepo(sim, params);
    if (!repo) return ghError(404, "Not Found");
    if (!repo.hasIssues) return ghError(410, "Issues are disabled for this repo");
    if (typeof body?.title !== "string" || body.title.length === 0) return validation("Issue", "title", "title is missing");
    if (body.title.length > 256) return validation("Issue", "title", "title is too long (maximum is 256 characters)");
    if (typeof body.body === "string" && body.body.length > 65536) return validation("Issue", "body", "body is too long (maximum is 65536 characters)");
    const assignees: string[] = body.assignees ?? [];
    if (assignees.length > 10) return validation("Issue", "assignees", "too many assignees (maximum is 10)");
    const invalid = assignees.filter((login) => !assignable(repo, login));
    if (invalid.length > 0) return validation("Issue", "assignees", `invalid assignees: ${invalid.join(", ")}`, invalid);
    const labels: string[] = (body.labels ?? []).map((label: string | { name: string }) => (typeof label === "string" ? label : label.name));
    const issue = addIssue(sim, fullName(repo), { title: body.title, body: body.body ?? null, labels, assignees });
    return { status: 201, body: issueBody(sim, repo, issue) };
  });

  sim.route("GET", "/repos/{owner}/{repo}/issues/{number}", ({ params }) => {
    const repo = findRepo(sim, params);
    const issue = repo?.issues.get(Number(params.number));
    return repo && issue ? { status: 200, body: issueBody(sim, repo, issue) } : ghError(404, "Not Found");
  });

  sim.route("GET", "/repos/{owner}/{repo}/issues/{number}/comments", ({ params, query }) => {
    const repo = findRepo(sim, params);
    const number = Number(params.number);
    if (!repo || (!repo.issues.has(number) && !repo.pulls.has(number))) return ghError(404, "Not Found");
    const comments = repo.issueComments.filter((comment) => comment.issueNumber === number);
    const page = Number(query.get("page") ?? 1);
    const perPage = Math.min(Number(query.get("per_page") ?? 30), 100);
    return { status: 200, body: comments.slice((page - 1) * perPage, page * perPage).map((comment) => restIssueComment(repo, comment)) };
  });

  sim.route("POST", "/repos/{owner}/{repo}/issues/{number}/comments", ({ params, body }) => {
    const repo = findRepo(sim, params);
    const number = Number(params.number);
    if (!repo || (!repo.issues.has(number) && !repo.pulls.has(number))) return ghError(404, "Not Found");
    if (repo.issues.has(number) && !repo.hasIssues) return ghError(410, "Issues are disabled for this repo");
    if (typeof body?.body !== "string" || body.body.length === 0) return validation("IssueComment", "body", "body is missing");
    if (body.body.length > 65536) return validation("IssueComment", "body", "body is too long (maximum is 65536 characters)");
    const comment = sim.addComment(fullName(repo), number, appBot(sim).login, body.body);
    return { status: 201, body: restIssueComment(repo, comment) };
  });

  sim.route("PATCH", "/repos/{owner}/{repo}/issues/comments/{id}", ({ params, body }) => {
    const repo = findRepo(sim, params);
    const comment = repo?.issueComments.find((candidate) => candidate.id === Number(params.id));
    if (!repo || !comment) return ghError(404, "Not Found");
    if (comment.user.login !== appBot(sim).login) return ghError(403, "Resource not accessible by integration");
    if (typeof body?.body !== "string" || body.body.length === 0) return validation("IssueComment", "body", "body is missing");
    if (body.body.length > 65536) return validation("IssueComment", "body", "body is too long (maximum is 65536 characters)");
    comment.body = body.body;
    comment.updatedAt = sim.now();
    comment.lastEditedAt = comment.updatedAt;
    return { status: 200, body: restIssueComment(repo, comment) };
  });

  /** POST /repos/{owner}/{repo}/issues/{issue_number}/labels: adds labels (creating missing ones), keeps the others. */
  sim.route("POST", "/repos/{owner}/{repo}/issues/{number}/labels", ({ params, body }) => {
    const repo = sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
    const number = Number(params.number);
    const target = repo?.pulls.get(number) ?? repo?.issues.get(number);
    if (!repo || !target) return ghError(404, "Not Found");
    const given: unknown[] = Array.isArray(body) ? body : Array.isArray(body?.labels) ? body.labels : [];
    const names = given.map((label) => (typeof label === "string" ? label : (label as { name: string }).name));
    if (names.length === 0) return validationFailed("Label", "labels", "missing_field");
    for (const name of names) {
      if (!target.labels.some((label) => label.toLowerCase() === name.toLowerCase())) target.labels.push(name);
      repo.labels.add(name);
    }
    target.updatedAt = sim.now();
    return { status: 200, body: target.labels.map(restLabel) };
  });

  /** PATCH /repos/{owner}/{repo}/issues/{issue_number}: labels and assignees are replaced; PRs are issues. */
  sim.route("PATCH", "/repos/{owner}/{repo}/issues/{number}", ({ params, body }) => {
    const repo = sim.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
    const number = Number(params.number);
    const target = repo?.pulls.get(number) ?? repo?.issues.get(number);
    if (!repo || !target) return ghError(404, "Not Found");
    if (Array.isArray(body?.assignees)) {
      const invalid = (body.assignees as string[]).filter((login) => !assignable(repo, login));
      if (invalid.length > 0) {
        return ghError(422, "Validation Failed", { errors: [{ value: invalid, resource: "Issue", field: "assignees", code: "invalid" }] });
      }
      target.assignees = [...new Set(body.assignees as string[])];
    }
    if (Array.isArray(body?.labels)) {
      target.labels = [...new Set((body.labels as Array<string | { name: string }>).map((label) => (typeof label === "string" ? label : label.name)))];
      for (const label of target.labels) repo.labels.add(label);
    }
    if (typeof body?.title === "string") target.title = body.title;
    if (body?.body !== undefined) target.body = body.body;
    target.updatedAt = sim.now();
    return { status: 200, body: restIssue(sim, repo, target) };
  });
};

/** A label's node id names its repository and itself (the simulator keeps labels by name). */
export const labelNodeId = (repo: SimRepo, name: string): string => `LA_${repo.id}_${Buffer.from(name).toString("base64url")}`;

extendRepositoryNode((_sim, repo) => ({
  label: ({ name }: { name: string }) => {
    const found = [...repo.labels].find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    return found === undefined ? null : { id: labelNodeId(repo, found), name: found, color: "ededed" };
  },
}));
