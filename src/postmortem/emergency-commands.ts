import type { PhrasingContent, RootContent } from "mdast";
import { parseMarkdown } from "../governance/markdown.js";

export type EmergencyCommand = "approve" | "revoke";

const COMMAND = /^\/(approve|revoke)-emergency(?:[ \t].*)?$/i;

/** Text of a paragraph line by line; inline code is opaque, so a quoted `/approve-emergency` is no command. */
const paragraphText = (nodes: PhrasingContent[]): string =>
  nodes
    .map((node) => {
      if (node.type === "text") return node.value;
      if (node.type === "break") return "\n";
      if (node.type === "inlineCode") return "\u0000";
      return "children" in node ? paragraphText(node.children as PhrasingContent[]) : "\u0000";
    })
    .join("");

const walk = (nodes: RootContent[], found: EmergencyCommand[]): void => {
  for (const node of nodes) {
    // Code blocks and block quotes never hold commands; everything else is searched for paragraphs.
    if (node.type === "code" || node.type === "blockquote" || node.type === "html") continue;
    if (node.type === "paragraph") {
      for (const line of paragraphText(node.children).split("\n")) {
        const match = COMMAND.exec(line.trimStart());
        if (match) found.push(match[1].toLowerCase() as EmergencyCommand);
      }
      continue;
    }
    if ("children" in node) walk(node.children as RootContent[], found);
  }
};

/**
 * The `/approve-emergency` and `/revoke-emergency` commands of a comment, in order (SPEC §4
 * grammar: a line of its own, case-insensitive, not inside code or quotes), parsed as GitHub parses
 * Markdown. The postmortem only reads history with it: whether a command was accepted is the
 * app's own verdict, recorded on GitHub as its 👍 reaction.
 */
export const emergencyCommands = (body: string): EmergencyCommand[] => {
  const found: EmergencyCommand[] = [];
  walk(parseMarkdown(body).children, found);
  return found;
};

/** The command a comment ends on (the latest line wins), or null. */
export const lastEmergencyCommand = (body: string): EmergencyCommand | null => emergencyCommands(body).at(-1) ?? null;
