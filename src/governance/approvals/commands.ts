import type { Nodes, Parent, Root } from "mdast";
import { parseMarkdown } from "../markdown.js";

export type CommandKind = "approve" | "revoke";

/** One `/approve-emergency` or `/revoke-emergency` line of a comment, review or review comment. */
export interface Command {
  kind: CommandKind;
  /** The free text after the command, as typed; null when there is none. */
  reason: string | null;
  /** The command line as typed, without its indentation: what a reply quotes. */
  text: string;
  /** 1-based line of the body. */
  line: number;
}

/**
 * The grammar, anchored on the whole line: optional leading spaces, the command, then nothing
 * or whitespace and a reason. Case-insensitive without the `u` flag on purpose: JavaScript then
 * never folds a non-ASCII character (the Kelvin sign, a long s) onto an ASCII letter, so a
 * look-alike is not the command. The hyphen and slash are ASCII only.
 */
const COMMAND_LINE = /^([ \t]*)(\/(approve|revoke)-emergency)(?:[ \t]+([^]*?))?[ \t]*$/i;

/** Cheap pre-filter: can `body` contain a command at all? (Handlers skip other comments.) */
export const mayContainCommand = (body: string | null | undefined): boolean => /\/(approve|revoke)-emergency/i.test(body ?? "");

interface Line {
  text: string;
  offset: number;
}

/** Lines with the offset of their first character; CR, LF and CRLF end a line, as in CommonMark. */
const splitLines = (body: string): Line[] => {
  const lines: Line[] = [];
  const ending = /\r\n|\r|\n/g;
  let start = 0;
  for (let match = ending.exec(body); match; match = ending.exec(body)) {
    lines.push({ text: body.slice(start, match.index), offset: start });
    start = match.index + match[0].length;
  }
  lines.push({ text: body.slice(start), offset: start });
  return lines;
};

/**
 * Paragraphs and headings outside block quotes: the only places a command can be written.
 * Code (fenced or indented) and HTML blocks are leaves of other types, so they never qualify;
 * a block quote excludes everything below it, lazy continuation lines included.
 */
const textBlocks = (root: Root): Parent[] => {
  const blocks: Parent[] = [];
  const visit = (node: Nodes) => {
    if (node.type === "blockquote") return;
    if (node.type === "paragraph" || node.type === "heading") {
      blocks.push(node);
      return;
    }
    if ("children" in node) for (const child of node.children) visit(child as Nodes);
  };
  visit(root);
  return blocks;
};

/** Is [start, end) plain text of `block` (not code, HTML, a link or an escape GitHub renders differently)? */
const isPlainText = (block: Parent, start: number, end: number): boolean =>
  block.children.some(
    (child) => child.type === "text" && child.position?.start.offset !== undefined && child.position.start.offset <= start && (child.position.end.offset ?? -1) >= end,
  );

/**
 * The commands of a Markdown body, in the order they are written. A command is a line whose
 * text, after leading spaces, is `/approve-emergency` (optionally followed by a space and a
 * reason) or `/revoke-emergency`. GitHub's Markdown decides what a line is: lines in fenced or
 * indented code, HTML, and block quotes (`>` at any depth) are not commands, nor is a mention
 * inside a sentence.
 */
export const parseCommands = (body: string | null | undefined): Command[] => {
  if (!body || !mayContainCommand(body)) return [];
  const lines = splitLines(body);
  const commands: Command[] = [];
  for (const block of textBlocks(parseMarkdown(body))) {
    const first = block.position?.start.line;
    const last = block.position?.end.line;
    if (first === undefined || last === undefined) continue;
    for (let number = first; number <= last; number++) {
      const line = lines[number - 1];
      const match = line ? COMMAND_LINE.exec(line.text) : null;
      if (!line || !match) continue;
      const start = line.offset + match[1].length;
      if (!isPlainText(block, start, start + match[2].length)) continue;
      const reason = match[4]?.trim() || null;
      commands.push({
        kind: match[3].toLowerCase() as CommandKind,
        reason,
        text: line.text.slice(match[1].length).trimEnd(),
        line: number,
      });
    }
  }
  return commands.sort((a, b) => a.line - b.line);
};
