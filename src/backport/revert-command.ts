import { commandLines } from "../governance/command-lines.js";

/** A `/revert-emergency [reason]` line of a comment. */
export interface RevertCommand {
  /** The free text after the command; empty when none was given. */
  reason: string;
  /** The command line as typed, without indentation: what a reply quotes. */
  text: string;
  line: number;
}

/** Anchored on the whole line, case-insensitive (without `u`, so no look-alike folds onto it); a reason follows a space. */
const COMMAND_LINE = /^([ \t]*)(\/revert-emergency)(?:[ \t]+([^]*?))?[ \t]*$/i;

export const mayContainRevertCommand = (body: string | null | undefined): boolean => /\/revert-emergency/i.test(body ?? "");

/**
 * The `/revert-emergency` commands of a comment, in order, by the grammar every command shares:
 * a line whose text, after leading spaces, is the command, optionally a space and a reason;
 * never inside code, HTML or block quotes, never inside a sentence.
 */
export const parseRevertCommands = (body: string | null | undefined): RevertCommand[] => {
  if (!body || !mayContainRevertCommand(body)) return [];
  return commandLines(body, COMMAND_LINE).map(({ line, text, match }) => ({ reason: (match[3] ?? "").trim(), text, line }));
};
