import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";
import type { Root, RootContent } from "mdast";

/** GFM's syntax and tree extensions: plain data, built once (building them costs more than parsing a comment). */
const OPTIONS = Object.freeze({ extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });

/** Parses Markdown as GitHub does (CommonMark + GFM), so code blocks and quotes are what GitHub shows. */
export const parseMarkdown = (text: string): Root => fromMarkdown(text, OPTIONS);

/** Plain text of a node, without markup. */
export const plainText = (node: RootContent | Root): string => {
  if ("value" in node && typeof node.value === "string") return node.type === "html" ? "" : node.value;
  if ("children" in node) return (node.children as RootContent[]).map(plainText).join("");
  return "";
};
