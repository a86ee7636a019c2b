// Copies one real webhook payload per event/action from @octokit/webhooks-examples into
// test/fixtures/events/ (run again to refresh). Tests override only the fields they need.
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json");
const wanted = {
  pull_request: ["opened", "reopened", "synchronize", "edited", "labeled", "unlabeled", "ready_for_review", "closed"],
  check_run: ["completed", "rerequested"],
  check_suite: ["completed", "rerequested"],
  status: [undefined],
  issue_comment: ["created", "edited", "deleted"],
  pull_request_review: ["submitted", "edited", "dismissed"],
  pull_request_review_comment: ["created", "edited", "deleted"],
  merge_group: ["checks_requested"],
};
mkdirSync("test/fixtures/events", { recursive: true });
for (const [event, actions] of Object.entries(wanted)) {
  const group = examples.find((entry) => entry.name === event);
  for (const action of actions) {
    const example = group.examples.find((candidate) => candidate.action === action)
      // Some actions have no example of their own; the nearest real payload is re-labelled.
      ?? { ...group.examples[0], action };
    const name = action ? `${event}.${action}` : event;
    writeFileSync(`test/fixtures/events/${name}.json`, JSON.stringify(example, null, 2) + "\n");
  }
}
