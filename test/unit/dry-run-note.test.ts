import nock from "nock";
import { HotfixConfig } from "../../src/config/schema.js";
import { dryRunNote } from "../../src/governance/dry-run.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

const facts = (extra: Partial<Parameters<typeof dryRunNote>[0]> = {}) => ({
  number: 7,
  title: "Fix *checkout* crash",
  labels: ["hotfix"],
  baseRef: "release/1.2",
  defaultBranch: "main",
  author: { login: "dev", isBot: false },
  ...extra,
});

describe("dryRunNote: what the merge would create, said while nothing is created", () => {
  test.each([
    {
      name: "forward-port to the default branch, configured targets, label targets; the postmortem with its assignees",
      facts: facts({ labels: ["hotfix", "backport release/1.0"] }),
      config: { dry_run: true, backport: { targets: ["release/1.1"] }, postmortem: { assignees: ["maria", "Dev"] } },
      expected: [
        "🧪 **Dry run** (`dry_run: true`): the app creates no branch, pull request or issue. When this hotfix merges, it would:",
        "- port it to `release/1.1`: branch `backport/7-to-release/1.1` and pull request **[Backport release/1.1] Fix \\*checkout\\* crash**;",
        "- port it to `main`: branch `backport/7-to-main` and pull request **[Backport main] Fix \\*checkout\\* crash**;",
        "- port it to `release/1.0`: branch `backport/7-to-release/1.0` and pull request **[Backport release/1.0] Fix \\*checkout\\* crash**;",
        "- open the postmortem issue **Postmortem: Fix \\*checkout\\* crash (#7)**, assigned to `dev`, `maria`.",
      ],
    },
    {
      name: "a hotfix to the default branch with no targets, postmortems off",
      facts: facts({ baseRef: "main" }),
      config: { dry_run: true, postmortem: { enabled: false } },
      expected: [
        "🧪 **Dry run** (`dry_run: true`): the app creates no branch, pull request or issue. When this hotfix merges, it would:",
        "- port it to no other branch (no backport target applies);",
        "- open no postmortem issue (`postmortem.enabled` is false).",
      ],
    },
    {
      name: "no forward-port when it is off; a bot author is not assigned; the base is never a target",
      facts: facts({ author: { login: "renovate", isBot: true } }),
      config: { dry_run: true, backport: { targets: ["release/1.2"], forward_port_to_default: false } },
      expected: [
        "🧪 **Dry run** (`dry_run: true`): the app creates no branch, pull request or issue. When this hotfix merges, it would:",
        "- port it to no other branch (no backport target applies);",
        "- open the postmortem issue **Postmortem: Fix \\*checkout\\* crash (#7)**.",
      ],
    },
  ])("$name", ({ facts: input, config, expected }) => {
    expect(dryRunNote(input, HotfixConfig.parse(config)).split("\n")).toEqual(expected);
  });
});
