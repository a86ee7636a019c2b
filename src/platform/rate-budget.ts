/**
 * What GitHub says is left of each installation's hourly budgets (`x-ratelimit-*` headers of
 * every answer, per resource: `core` for REST, `graphql` for points). When a budget runs low, the
 * app spends what is left on hotfixes: non-hotfix neutral checks wait for the reset.
 */
export interface BudgetState {
  resource: string;
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

/** Below this share of the hourly limit the budget is "low". */
export const LOW_SHARE = 0.1;

export class RateBudget {
  private readonly states = new Map<string, BudgetState>();

  constructor(private readonly nowSeconds: () => number = () => Date.now() / 1000) {}

  /** Records one answer's headers for `installation`. */
  record(installation: number | undefined, headers: Record<string, unknown>): void {
    if (installation === undefined) return;
    const remaining = Number(headers["x-ratelimit-remaining"]);
    const limit = Number(headers["x-ratelimit-limit"]);
    if (!Number.isFinite(remaining) || !Number.isFinite(limit)) return;
    const resource = String(headers["x-ratelimit-resource"] ?? "core");
    const reset = Number(headers["x-ratelimit-reset"]);
    this.states.set(`${installation}:${resource}`, { resource, limit, remaining, reset: Number.isFinite(reset) ? reset : this.nowSeconds() + 3600 });
  }

  /** The budgets of `installation` that are low now (REST or GraphQL), empty when none is. */
  low(installation: number | undefined): BudgetState[] {
    if (installation === undefined) return [];
    const now = this.nowSeconds();
    return ["core", "graphql"]
      .map((resource) => this.states.get(`${installation}:${resource}`))
      .filter((state): state is BudgetState => Boolean(state) && state!.reset > now && state!.remaining < state!.limit * LOW_SHARE);
  }

  /** Every installation's known budgets (for metrics and the bench). */
  snapshot(): Array<BudgetState & { installation: number }> {
    return [...this.states.entries()].map(([key, state]) => ({ ...state, installation: Number(key.split(":")[0]) }));
  }
}
