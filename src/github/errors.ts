/** Network failures by their code: Octokit reports them as status 500, but GitHub never answered. */
const NETWORK_FAILURES: Record<string, string> = {
  ENOTFOUND: "the GitHub host name does not resolve (ENOTFOUND: offline, or a wrong GHE_HOST?)",
  EAI_AGAIN: "the GitHub host name could not be resolved right now (EAI_AGAIN: DNS unavailable)",
  ECONNREFUSED: "the GitHub host refused the connection (ECONNREFUSED)",
  ECONNRESET: "the connection to GitHub was reset (ECONNRESET)",
  ETIMEDOUT: "the connection to GitHub timed out (ETIMEDOUT)",
  EHOSTUNREACH: "the GitHub host is unreachable (EHOSTUNREACH)",
  ENETUNREACH: "the network is unreachable (ENETUNREACH: offline?)",
  UND_ERR_CONNECT_TIMEOUT: "the connection to GitHub timed out (ETIMEDOUT)",
  UND_ERR_SOCKET: "the connection to GitHub was closed (socket error)",
  TimeoutError: "GitHub did not answer in time (request timeout, GITHUB_REQUEST_TIMEOUT_MS)",
};

/** The network failure under an Octokit error (fetch's TypeError, then the system error), if any. */
const networkFailure = (error: unknown): string | undefined => {
  let current = error as { code?: unknown; name?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++, current = current.cause as typeof current) {
    const key = typeof current.code === "string" && current.code in NETWORK_FAILURES ? current.code : current.name === "TimeoutError" ? "TimeoutError" : undefined;
    if (key) return NETWORK_FAILURES[key];
  }
  return undefined;
};

/** Plain words for a GitHub failure, safe to show users and to log (no headers, no tokens). */
export const describeGitHubError = (error: unknown): string => {
  const network = networkFailure(error);
  if (network) return `GitHub could not be reached: ${network}`;
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
