import type { EmitterWebhookEventName } from "@octokit/webhooks";
import type { Context, Probot } from "probot";
import { deliveryFrom, type Delivery } from "../flows/delivery.js";
import { describeGitHubError } from "../github/errors.js";
import { isNotFoundAnswer } from "../github/read-through-lag.js";
import { instrumentOctokit } from "../platform/instrument-octokit.js";
import type { Runtime } from "../platform/runtime.js";

/** How long a handled delivery id is remembered (GitHub redelivers within days at most). */
const HANDLED_TTL_SECONDS = 3 * 24 * 3600;
/**
 * The one preamble of every webhook handler: builds the delivery, handles each delivery id once
 * (a copy arriving at the same moment waits for the first and then finds it handled; a failed
 * delivery is not marked, so GitHub's redelivery runs again), times it and counts GitHub requests.
 */
export const on = <E extends EmitterWebhookEventName>(
  app: Probot,
  runtime: Runtime,
  events: E | E[],
  handler: (delivery: Delivery, context: Context<E>) => Promise<void>,
  /** Another handler of the same events needs its own name: each delivery is handled once per name. */
  name?: string,
): void => {
  app.on(events, async (context) => {
    const key = name ? `${context.id}:${name}` : context.id;
    const delivery = deliveryFrom(context as unknown as Context, runtime);
    const installationId = (context.payload as { installation?: { id: number } }).installation?.id;
    instrumentOctokit(context.octokit, runtime.metrics, (headers) => runtime.rateBudget.record(installationId, headers), runtime.fetch);
    const { coordination } = runtime;
    await coordination.withLock(`delivery:${key}`, async () => {
      if (await coordination.isHandled(key)) {
        delivery.log.info({ outcome: "duplicate-delivery", event: delivery.event }, "delivery already handled; skipped");
        runtime.metrics.deliveries.inc({ event: delivery.event, outcome: "duplicate" });
        return;
      }
      const stop = runtime.metrics.webhookDuration.startTimer({ event: delivery.event });
      try {
        await handler(delivery, context);
        stop({ outcome: "ok" });
      } catch (error) {
        if (isNotFoundAnswer(error)) {
          // Believed after the gateway's re-reads: deleted, or out of the app's reach. Nothing to do, and no error.
          stop({ outcome: "ok" });
          delivery.log.info({ outcome: "not-found", event: delivery.event, err: describeGitHubError(error) }, "GitHub does not show what the event names; nothing to do");
          runtime.metrics.deliveries.inc({ event: delivery.event, outcome: "not_found" });
          await coordination.markHandled(key, HANDLED_TTL_SECONDS);
          return;
        }
        stop({ outcome: "error" });
        runtime.metrics.deliveries.inc({ event: delivery.event, outcome: "error" });
        throw error;
      }
      runtime.metrics.deliveries.inc({ event: delivery.event, outcome: "handled" });
      await coordination.markHandled(key, HANDLED_TTL_SECONDS);
    });
  });
};
