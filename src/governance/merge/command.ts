import { commandLines } from "../command-lines.js";

/** One `/merge-emergency [reason]` line of a comment. */
export interface MergeCommand {
  /** The free text after the command; null when there is none. */
  reason: string | null;
  /** The command line as typed, without indentation: what a reply quotes. */
  text: string;
  line: number;
}

/** Anchored on the whole line; case-insensitive without `u`, so no non-ASCII look-alike folds onto it. */
const COMMAND_LINE = /^([ \t]*)(\/merge-emergency)(?:[ \t]+([^]*?))?[ \t]*$/i;

export const mayContainMergeCommand = (body: string | null | undefined): boolean => /\/merge-emergency/i.test(body ?? "");

/**
 * The `/merge-emergency` command of a comment: the first such line (one comment is one order).
 * Lines in code blocks, inline code, HTML or block quotes are not commands (the app's own replies
 * quote the command in a block quote), nor is the command inside a sentence.
 */
export const parseMergeCommand = (body: string | null | undefined): MergeCommand | null => {
  if (!body || !mayContainMergeCommand(body)) return null;
  const [first] = commandLines(body, COMMAND_LINE);
  if (!first) return null;
  return { reason: first.match[3]?.trim() || null, text: first.text, line: first.line };
};
