/**
 * User text (PR titles, incident references) placed into Markdown the app writes. Escaped so it
 * shows as written: no emphasis, links, headings, tables or HTML, and no hidden marker of ours
 * smuggled in through a title.
 */
export const escapeMarkdown = (text: string): string =>
  text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/[\\`*_[\]|~>#]/g, (char) => `\\${char}`)
    .replace(/^[-+]/, "\\$&")
    .replace(/^(\d+)([.)])/, "$1\\$2");

/** GitHub refuses issue titles longer than this. */
export const MAX_ISSUE_TITLE = 256;

/**
 * `Postmortem: <PR title> (#<n>)`. Issue titles are plain text on GitHub, so the PR title is kept
 * as written; a title too long for GitHub is shortened with an ellipsis, the number always kept.
 */
export const postmortemTitle = (prTitle: string, number: number): string => {
  const head = "Postmortem: ";
  const tail = ` (#${number})`;
  const title = prTitle.replace(/\s+/g, " ").trim();
  const room = MAX_ISSUE_TITLE - head.length - tail.length;
  const chars = [...title];
  const fitted = chars.length <= room ? title : `${chars.slice(0, room - 1).join("").trimEnd()}…`;
  return `${head}${fitted}${tail}`;
};
