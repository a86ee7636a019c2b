/** Plain words for a GitHub failure, safe to show users and to log (no headers, no tokens). */
export const describeGitHubError = (error: unknown): string => {
  const e = error as { status?: number; message?: string; errors?: Array<{ message?: string }> };
  const status = e?.status ? `GitHub answered ${e.status}` : "GitHub request failed";
  const detail = e?.errors?.[0]?.message ?? e?.message ?? String(error);
  return `${status}: ${detail.split("\n")[0].slice(0, 300)}`;
};

/** The installation no longer reaches the repository (uninstalled, repository removed from it). */
export const isLostAccess = (error: unknown): boolean => {
  const e = error as { status?: number; errors?: Array<{ type?: string }> };
  if (e?.status === 401 || e?.status === 404) return true;
  return Boolean(e?.errors?.some((item) => item.type === "NOT_FOUND"));
};

export const isNotFound = (error: unknown): boolean => (error as { status?: number })?.status === 404;
