import type { Heading, RootContent } from "mdast";
import type { HotfixConfig } from "../../config/schema.js";
import { parseMarkdown, plainText } from "../markdown.js";
import { code, fail, pass, type RuleResult } from "../rule-result.js";

const TITLE = "Required sections present";

const normalize = (text: string): string => text.trim().replace(/[:\s]+$/, "").replace(/\s+/g, " ").toLowerCase();

/**
 * The text under each heading of a Markdown body, up to the next heading of the same or a
 * higher level. HTML comments (template hints) do not count as text.
 */
export const sectionsOf = (body: string): Map<string, string> => {
  const nodes = parseMarkdown(body).children;
  const sections = new Map<string, string>();
  nodes.forEach((node, index) => {
    if (node.type !== "heading") return;
    const content: RootContent[] = [];
    for (const next of nodes.slice(index + 1)) {
      if (next.type === "heading" && next.depth <= (node as Heading).depth) break;
      content.push(next);
    }
    const name = normalize(plainText(node));
    if (!sections.has(name) || sections.get(name)!.trim() === "") sections.set(name, content.map(plainText).join("\n").trim());
  });
  return sections;
};

export const checkBodySections = (body: string, config: HotfixConfig): RuleResult => {
  const required = config.body.required_sections;
  if (required.length === 0) return pass("body-sections", TITLE, "No sections are required.");
  const sections = sectionsOf(body);
  const missing = required.filter((name) => !sections.has(normalize(name)));
  const empty = required.filter((name) => sections.has(normalize(name)) && sections.get(normalize(name)) === "");
  if (missing.length === 0 && empty.length === 0) {
    return pass("body-sections", TITLE, `${required.map(code).join(", ")} present and filled in.`);
  }
  const problems = [
    ...missing.map((name) => `heading ${code(name)} is missing`),
    ...empty.map((name) => `section ${code(name)} is empty`),
  ];
  return fail(
    "body-sections",
    TITLE,
    `The PR description needs: ${problems.join("; ")}.`,
    `Add a Markdown heading for each (for example \`## ${required[0]}\`) followed by some text.`,
  );
};
