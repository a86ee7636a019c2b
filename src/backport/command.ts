import type { Nodes, Parent, Root } from "mdast";
import { parseMarkdown } from "../governance/markdown.js";

/** One `/backport <branch> [<branch> ...]` line of a comment. */
export interface BackportCommand {
  /** The branches as typed (validated later); empty when the command names none. */
  branches: string[];
  /** The command line as typed, without indentation: what a reply quotes. */
  text: string;
  line: number;
}

/** Anchored on the whole line; case-insensitive without `u`, so no non-ASCII look-alike folds onto it. */
const COMMAND_LINE = /^([ \t]*)(\/backport)(?:[ \t]+([^]*?))?[ \t]*$/i;

export const mayContainBackportCommand = (body: string | null | undefined): boolean => /\/backport/i.test(body ?? "");

/** Paragraphs and headings outside block quotes: code, HTML and quotes never hold commands. */
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

/** Is the text at [start, end) plain text of the block (not inline code, a link or an escape)? */
const isPlainText = (block: Parent, start: number, end: number): boolean =>
  block.children.some(
    (child) => child.type === "text" && child.position?.start.offset !== undefined && child.position.start.offset <= start && (child.position.end.offset ?? -1) >= end,
  );

/**
 * The `/backport` commands of a comment, in order. A command is a line whose text, after leading
 * spaces, is `/backport` followed by branch names separated by spaces; lines in code blocks,
 * inline code, HTML or block quotes are not commands, nor is `/backport` inside a sentence.
 */
export const parseBackportCommands = (body: string | null | undefined): BackportCommand[] => {
  if (!body || !mayContainBackportCommand(body)) return [];
  const lines: Array<{ text: string; offset: number }> = [];
  const ending = /\r\n|\r|\n/g;
  let start = 0;
  for (let match = ending.exec(body); match; match = ending.exec(body)) {
    lines.push({ text: body.slice(start, match.index), offset: start });
    start = match.index + match[0].length;
  }
  lines.push({ text: body.slice(start), offset: start });
  const commands: BackportCommand[] = [];
  for (const block of textBlocks(parseMarkdown(body))) {
    const first = block.position?.start.line;
    const last = block.position?.end.line;
    if (first === undefined || last === undefined) continue;
    for (let number = first; number <= last; number++) {
      const line = lines[number - 1];
      const match = line ? COMMAND_LINE.exec(line.text) : null;
      if (!line || !match) continue;
      const at = line.offset + match[1].length;
      if (!isPlainText(block, at, at + match[2].length)) continue;
      commands.push({
        branches: (match[3] ?? "").split(/[ \t]+/).filter(Boolean),
        text: line.text.slice(match[1].length).trimEnd(),
        line: number,
      });
    }
  }
  return commands.sort((a, b) => a.line - b.line);
};
