import type { Probot } from "probot";
import type { Actor } from "../governance/approvals/eligibility.js";
import type { Delivery } from "../flows/delivery.js";
import type { Runtime } from "../platform/runtime.js";
import { on } from "./on.js";

export interface CommandComment<C> {
  number: number;
  commentId: number;
  actor: Actor;
  command: C;
}

/**
 * An order written in a new comment on a pull request (`/backport`, `/merge-emergency`,
 * `/revert-emergency`): parsed by its own grammar, then handled while no other event of that PR
 * is (across replicas). Only new comments order work: an edit never re-runs a command. Who may
 * order it is the flow's question, answered by the one eligibility decision.
 */
export const onPullRequestCommand = <C>(
  app: Probot,
  runtime: Runtime,
  name: string,
  parse: (body: string) => C | null,
  handle: (delivery: Delivery, request: CommandComment<C>) => Promise<void>,
): void =>
  on(
    app,
    runtime,
    "issue_comment.created",
    async (delivery, context) => {
      const { issue, comment } = context.payload;
      if (!issue.pull_request || !comment.user) return;
      const command = parse(comment.body);
      if (command === null) return;
      const actor = { login: comment.user.login, isBot: comment.user.type === "Bot" };
      await delivery.withPullRequestLock(issue.number, () => handle(delivery, { number: issue.number, commentId: comment.id, actor, command }));
    },
    name,
  );
