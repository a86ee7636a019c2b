import { Counter, Histogram, Gauge, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The app's metrics and their registry, served at GET /metrics in Prometheus format. They live in
 * the runtime, not in this module: two app instances in one process (replicas in a test, an
 * embedding) count apart. `processMetrics` adds Node's own (CPU, memory, event loop), once per
 * process: the process's entry point asks for them (its monitors are never stopped).
 */
export const createMetrics = (options: { processMetrics?: boolean } = {}) => {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return { registry, ...counters(registry) };
};

export type Metrics = ReturnType<typeof createMetrics>;

const counters = (registry: Registry) => ({
  webhookDuration: new Histogram({
    name: "hotfix_webhook_handling_seconds",
    help: "Time to handle one webhook delivery, by event.",
    labelNames: ["event", "outcome"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  deliveries: new Counter({
    name: "hotfix_webhook_deliveries_total",
    help: "Webhook deliveries, by event and outcome (handled, duplicate, not_found, error).",
    labelNames: ["event", "outcome"] as const,
    registers: [registry],
  }),
  githubRequests: new Counter({
    name: "hotfix_github_requests_total",
    help: "GitHub API requests made, by method, route and status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  }),
  // Labelled, so that no series exists (and no "remaining < N" alert fires) before GitHub answered.
  rateLimitRemaining: new Gauge({
    name: "hotfix_github_rate_limit_remaining",
    help: "x-ratelimit-remaining of the latest GitHub response, by rate-limit resource (core, graphql, search ...).",
    labelNames: ["resource"] as const,
    registers: [registry],
  }),
  signatureRefusals: new Counter({
    name: "hotfix_webhook_signature_refusals_total",
    help: "Webhook deliveries refused because their signature does not match WEBHOOK_SECRET.",
    registers: [registry],
  }),
  evaluations: new Counter({
    name: "hotfix_evaluations_total",
    help: "Evaluations of a PR's check, by kind: hotfix, not_hotfix, coalesced (an event answered by another's evaluation), skipped_cheap (a check/status event that could not change a verdict).",
    labelNames: ["kind"] as const,
    registers: [registry],
  }),
  budgetDeferred: new Counter({
    name: "hotfix_budget_deferred_total",
    help: "Non-hotfix neutral checks deferred to the rate-limit reset because the installation's budget ran low (hotfixes go first).",
    labelNames: ["resource"] as const,
    registers: [registry],
  }),
  approvals: new Counter({
    name: "hotfix_approvals_total",
    help: "Emergency approval commands, accepted or refused, by reason.",
    labelNames: ["outcome", "reason"] as const,
    registers: [registry],
  }),
  checkConclusions: new Counter({
    name: "hotfix_check_conclusions_total",
    help: "Hotfix governance verdicts written, by conclusion (in_progress for pending).",
    labelNames: ["conclusion"] as const,
    registers: [registry],
  }),
  backports: new Counter({
    name: "hotfix_backports_total",
    help: "Backport attempts, by result (created, conflict, missing_branch, already_applied, failed ...).",
    labelNames: ["result"] as const,
    registers: [registry],
  }),
  postmortems: new Counter({
    name: "hotfix_postmortems_opened_total",
    help: "Postmortem issues opened.",
    registers: [registry],
  }),
  reconcileRuns: new Counter({
    name: "hotfix_reconcile_runs_total",
    help: "Reconciliation sweeps (SPEC section 7), by outcome (done, failed, skipped: another replica leads).",
    labelNames: ["outcome"] as const,
    registers: [registry],
  }),
  reconcileItems: new Counter({
    name: "hotfix_reconcile_items_total",
    help: "Pull requests the reconciliation sweep completed: kind followed_up (a merged hotfix missing backports or its postmortem) or evaluated (an open hotfix whose head had no check); outcome done or failed.",
    labelNames: ["kind", "outcome"] as const,
    registers: [registry],
  }),
  leadTime: new Histogram({
    name: "hotfix_lead_time_seconds",
    help: "Hotfix lead times: label to first approval, label to merge.",
    labelNames: ["span"] as const,
    buckets: [60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 259200],
    registers: [registry],
  }),
});
