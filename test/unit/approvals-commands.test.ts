import nock from "nock";
import { mayContainCommand, parseCommands } from "../../src/governance/approvals/commands.js";

afterEach(() => nock.cleanAll());
afterAll(() => nock.restore());

const kinds = (body: string) => parseCommands(body).map((command) => `${command.kind}:${command.reason ?? ""}`);

describe("parseCommands", () => {
  test.each([
    ["a bare command", "/approve-emergency", ["approve:"]],
    ["with a reason", "/approve-emergency rollback verified on staging", ["approve:rollback verified on staging"]],
    ["upper case", "/APPROVE-EMERGENCY Looks Good", ["approve:Looks Good"]],
    ["mixed case revoke", "/Revoke-Emergency", ["revoke:"]],
    ["leading spaces", "   /approve-emergency", ["approve:"]],
    ["trailing spaces", "/approve-emergency   ", ["approve:"]],
    ["a tab before the reason", "/approve-emergency\tok", ["approve:ok"]],
    ["among other lines", "Checked the diff.\n/approve-emergency fine\nThanks", ["approve:fine"]],
    ["CRLF line endings", "Checked.\r\n/approve-emergency ok\r\nbye", ["approve:ok"]],
    ["two commands, in order", "/approve-emergency\n\n/revoke-emergency", ["approve:", "revoke:"]],
    ["a reason with code and a link", "/approve-emergency fixes `INC-12` see www.example.com", ["approve:fixes `INC-12` see www.example.com"]],
    ["a continuation line of a list item", "- checked\n  /approve-emergency", ["approve:"]],
    ["a setext heading", "/approve-emergency\n===", ["approve:"]],
  ])("%s is a command", (_name, body, expected) => {
    expect(kinds(body)).toEqual(expected);
  });

  test.each([
    ["a mention in a sentence", "please /approve-emergency when ready"],
    ["a suffix on the command", "/approve-emergency-now"],
    ["a longer word", "/approve-emergencyfoo"],
    ["a block quote", "> /approve-emergency"],
    ["a nested block quote", "> > /approve-emergency"],
    ["a lazy continuation of a quote", "> I said\n/approve-emergency"],
    ["a quote inside a list", "- > /approve-emergency"],
    ["a fenced code block", "```\n/approve-emergency\n```"],
    ["a fenced code block with an info string", "```bash title=x\n/approve-emergency\n```"],
    ["a tilde fence", "~~~\n/approve-emergency\n~~~"],
    ["an unclosed fence", "```\n/approve-emergency"],
    ["an indented code block", "    /approve-emergency"],
    ["inline code", "`/approve-emergency`"],
    ["emphasis", "*/approve-emergency*"],
    ["an HTML comment", "<!--\n/approve-emergency\n-->"],
    ["an HTML block", "<details>\n/approve-emergency\n</details>"],
    ["inline HTML spanning lines", 'x <span title="\n/approve-emergency\n">y</span>'],
    ["an escaped slash", "\\/approve-emergency"],
    ["a list item marker", "- /approve-emergency"],
    ["an ATX heading", "# /approve-emergency"],
    ["a Unicode hyphen", "/approve\u2010emergency"],
    ["a non-breaking hyphen", "/approve\u2011emergency"],
    ["a zero-width space inside", "/approve-\u200bemergency"],
    ["a zero-width space before", "\u200b/approve-emergency"],
    ["a zero-width space after", "/approve-emergency\u200b"],
    ["a full-width slash", "\uff0fapprove-emergency"],
    ["the Kelvin sign for k", "/revo\u212ae-emergency"],
    ["a non-breaking space before the reason", "/approve-emergency\u00a0ok"],
    ["a table cell", "| a |\n| - |\n| /approve-emergency |"],
  ])("%s is not a command", (_name, body) => {
    expect(parseCommands(body)).toEqual([]);
  });

  test("keeps the line as typed (without indentation) and its number", () => {
    expect(parseCommands("hello\n  /approve-emergency  ship it  ")).toEqual([
      { kind: "approve", reason: "ship it", text: "/approve-emergency  ship it", line: 2 },
    ]);
  });

  test("null and empty bodies have no commands", () => {
    expect(parseCommands(null)).toEqual([]);
    expect(parseCommands("")).toEqual([]);
    expect(mayContainCommand(undefined)).toBe(false);
  });
});
