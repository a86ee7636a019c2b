import { coAuthoredBy, cutTitle, backportTitle } from "../../src/backport/messages.js";
import { invertChanges, isWorkflowPath, octalMode, pathChanges, planPort, type Entry, type PathChange } from "../../src/backport/port-plan.js";
import { parseRevertCommands } from "../../src/backport/revert-command.js";
import { revertTitle } from "../../src/backport/revert-messages.js";

const blob = (sha: string, mode = "100644"): Entry => ({ mode, sha: sha.repeat(40).slice(0, 40), type: "blob" });
const A = blob("a");
const B = blob("b");
const C = blob("c");

describe("planPort: what one commit on the target must hold", () => {
  const target = (entries: Record<string, Entry | null>) => (path: string) => entries[path] ?? null;
  test.each<{ name: string; changes: PathChange[]; on: Record<string, Entry | null>; expected: unknown }>([
    { name: "the target still has the base's entry: take the change's", changes: [{ path: "src/a.ts", before: A, after: B }], on: { "src/a.ts": A }, expected: { kind: "clean", writes: [{ path: "src/a.ts", mode: "100644", type: "blob", sha: B.sha }] } },
    { name: "an added file the target lacks", changes: [{ path: "new.ts", before: null, after: B }], on: {}, expected: { kind: "clean", writes: [{ path: "new.ts", mode: "100644", type: "blob", sha: B.sha }] } },
    { name: "a deletion the target has not touched", changes: [{ path: "old.ts", before: A, after: null }], on: { "old.ts": A }, expected: { kind: "clean", writes: [{ path: "old.ts", mode: "100644", type: "blob", sha: null }] } },
    { name: "a mode change alone", changes: [{ path: "run.sh", before: A, after: blob("a", "100755") }], on: { "run.sh": A }, expected: { kind: "clean", writes: [{ path: "run.sh", mode: "100755", type: "blob", sha: A.sha }] } },
    { name: "already as the change leaves it, everywhere", changes: [{ path: "src/a.ts", before: A, after: B }, { path: "gone.ts", before: A, after: null }], on: { "src/a.ts": B }, expected: { kind: "already_applied" } },
    { name: "partly there: only the rest is written", changes: [{ path: "x", before: A, after: B }, { path: "y", before: A, after: C }], on: { x: B, y: A }, expected: { kind: "clean", writes: [{ path: "y", mode: "100644", type: "blob", sha: C.sha }] } },
    { name: "changed on the target too: a content merge", changes: [{ path: "src/a.ts", before: A, after: B }, { path: "z", before: A, after: B }], on: { "src/a.ts": C, z: A }, expected: { kind: "merge", paths: ["src/a.ts"] } },
    { name: "the target deleted (or moved) a file the change edits: a merge (git follows renames)", changes: [{ path: "src/a.ts", before: A, after: B }], on: {}, expected: { kind: "merge", paths: ["src/a.ts"] } },
    { name: "the change writes a workflow file: not the app's to port", changes: [{ path: ".github/workflows/ci.yml", before: A, after: B }, { path: "src/a.ts", before: A, after: B }], on: {}, expected: { kind: "touches_workflows", paths: [".github/workflows/ci.yml"] } },
  ])("$name", ({ changes, on, expected }) => {
    expect(planPort(changes, target(on))).toEqual(expected);
  });

  test("a revert is the same change backwards", () => {
    const changes = pathChanges(["a", "b", "same"], (path) => ({ a: A, b: null, same: C })[path] ?? null, (path) => ({ a: B, b: B, same: C })[path] ?? null);
    expect(changes).toEqual([{ path: "a", before: A, after: B }, { path: "b", before: null, after: B }]);
    expect(planPort(invertChanges(changes), (path) => ({ a: B, b: B })[path] ?? null)).toEqual({
      kind: "clean",
      writes: [
        { path: "a", mode: "100644", type: "blob", sha: A.sha },
        { path: "b", mode: "100644", type: "blob", sha: null },
      ],
    });
  });

  test.each([
    [".github/workflows/ci.yml", true],
    [".github/workflows", true],
    [".github/workflows-old/x.yml", false],
    [".github/dependabot.yml", false],
  ])("isWorkflowPath(%p) = %p", (path, expected) => expect(isWorkflowPath(path)).toBe(expected));

  test("GraphQL's numeric modes are git's octal ones", () => {
    expect([octalMode(0o100644), octalMode(0o100755), octalMode(0o120000), octalMode(0o40000), octalMode(0o160000)]).toEqual(["100644", "100755", "120000", "040000", "160000"]);
  });
});

describe("texts", () => {
  test("titles are cut to 256 characters, never halving a character", () => {
    expect(cutTitle("short")).toBe("short");
    const long = backportTitle("release/1.0", "é".repeat(300));
    expect([...long]).toHaveLength(256);
    expect(long.endsWith("…")).toBe(true);
    expect([...revertTitle("x".repeat(300))]).toHaveLength(256);
  });

  test("a Co-authored-by trailer in its own last paragraph", () => {
    expect(coAuthoredBy("Fix (#1)\n\n(cherry picked from commit abc)\n", { name: "Dev <x>", email: "dev@example.com" })).toBe(
      "Fix (#1)\n\n(cherry picked from commit abc)\n\nCo-authored-by: Dev x <dev@example.com>\n",
    );
  });
});

describe("parseRevertCommands: the grammar every command shares", () => {
  test.each([
    ["/revert-emergency", [{ reason: "", line: 1 }]],
    ["/revert-emergency   checkout still down  ", [{ reason: "checkout still down", line: 1 }]],
    ["/REVERT-EMERGENCY now", [{ reason: "now", line: 1 }]],
    ["  /revert-emergency indented", [{ reason: "indented", line: 1 }]],
    ["thanks\n/revert-emergency second line", [{ reason: "second line", line: 2 }]],
    ["/revert-emergencyx", []],
    ["please /revert-emergency", []],
    ["> /revert-emergency quoted", []],
    ["```\n/revert-emergency\n```", []],
    ["`/revert-emergency`", []],
  ])("%j", (body, expected) => {
    expect(parseRevertCommands(body).map(({ reason, line }) => ({ reason, line }))).toEqual(expected);
  });
});
