import type { Nodes, Parent, Root } from "mdast";
import { parseMarkdown } from "./markdown.js";

/** A line of a comment that holds a slash command, as GitHub's Markdown renders it. */
export interface CommandLine {
  /** 1-based line of the body. */
  line: number;
  /** The line as typed, without its indentation and trailing spaces: what a reply quotes. */
  text: string;
  /** The grammar's match on the whole line. */
  match: RegExpExecArray;
}

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
 * The lines of `body` that match `grammar`, in order. The grammar is anchored on the whole line
 * and captures the indentation as group 1 and the command word as group 2; the command word must
 * be plain text of a paragraph or heading, so lines in code blocks, inline code, HTML and block
 * quotes (`>` at any depth) are never commands, nor is a command inside a sentence.
 */
export const commandLines = (body: string, grammar: RegExp): CommandLine[] => {
  const lines = splitLines(body);
  // Markdown only ever removes candidates: a body with no line matching the grammar needs no parse.
  const probe = grammar.global || grammar.sticky ? new RegExp(grammar.source, grammar.flags.replace(/[gy]/g, "")) : grammar;
  if (!lines.some((line) => probe.test(line.text))) return [];
  const found: CommandLine[] = [];
  for (const block of textBlocks(parseMarkdown(body))) {
    const first = block.position?.start.line;
    const last = block.position?.end.line;
    if (first === undefined || last === undefined) continue;
    for (let number = first; number <= last; number++) {
      const line = lines[number - 1];
      const match = line ? grammar.exec(line.text) : null;
      if (!line || !match) continue;
      const start = line.offset + match[1].length;
      if (!isPlainText(block, start, start + match[2].length)) continue;
      found.push({ line: number, text: line.text.slice(match[1].length).trimEnd(), match });
    }
  }
  return found.sort((a, b) => a.line - b.line);
};
