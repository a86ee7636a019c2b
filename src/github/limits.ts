/**
 * GitHub's size limits on what the app writes, applied once in the gateway: a longer text is cut
 * and says so, instead of GitHub refusing the whole write with a 422 (which would lose a postmortem
 * or a backport report). Bodies of issues, pull requests and comments: 65,536 characters; issue
 * and pull request titles: 256; label names: 50 (checked in the config schema). Lengths are
 * counted in UTF-16 code units, never fewer than the characters GitHub counts.
 */
export const GITHUB_LIMITS = { body: 65_536, title: 256, label: 50 } as const;

const cutNote = (omitted: number) => `\n\n---\n✂️ Cut to GitHub's limit of 65,536 characters: the last ${omitted.toLocaleString("en-US")} characters are left out.`;

/** Cuts before a lone surrogate half, so the text stays valid UTF-16. */
const sliceSafely = (text: string, end: number): string => {
  const code = text.charCodeAt(end - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? end - 1 : end);
};

/** A body within GitHub's limit; the hidden markers the app finds its writes by come first, so they survive. */
export const fitBody = (body: string): string => {
  if (body.length <= GITHUB_LIMITS.body) return body;
  // The note's own length depends on the count; 200 characters of room always suffice.
  const kept = sliceSafely(body, GITHUB_LIMITS.body - 200);
  return `${kept}${cutNote(body.length - kept.length)}`;
};

/** A title within 256 characters, ending in "…" when cut. */
export const fitTitle = (title: string): string =>
  title.length <= GITHUB_LIMITS.title ? title : `${sliceSafely(title, GITHUB_LIMITS.title - 1).trimEnd()}…`;
