import { commandLines } from "../command-lines.js";

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

/**
 * The commands of a Markdown body, in the order they are written. A command is a line whose
 * text, after leading spaces, is `/approve-emergency` (optionally followed by a space and a
 * reason) or `/revoke-emergency`. GitHub's Markdown decides what a line is: lines in fenced or
 * indented code, HTML, and block quotes (`>` at any depth) are not commands, nor is a mention
 * inside a sentence.
 */
export const parseCommands = (body: string | null | undefined): Command[] => {
  if (!body || !mayContainCommand(body)) return [];
  return commandLines(body, COMMAND_LINE).map(({ line, text, match }) => ({
    kind: match[3].toLowerCase() as CommandKind,
    reason: match[4]?.trim() || null,
    text,
    line,
  }));
};
