import { commandLines } from "../governance/command-lines.js";

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

/**
 * The `/backport` commands of a comment, in order. A command is a line whose text, after leading
 * spaces, is `/backport` followed by branch names separated by spaces; lines in code blocks,
 * inline code, HTML or block quotes are not commands, nor is `/backport` inside a sentence.
 */
export const parseBackportCommands = (body: string | null | undefined): BackportCommand[] => {
  if (!body || !mayContainBackportCommand(body)) return [];
  return commandLines(body, COMMAND_LINE).map(({ line, text, match }) => ({
    branches: (match[3] ?? "").split(/[ \t]+/).filter(Boolean),
    text,
    line,
  }));
};
