import { claimDueDeliveries, MAX_DELIVERIES_IN_FLIGHT, recordAttempt, webhookDeliveryQueue, type ClaimedDelivery } from "~/models/webhook-deliveries.server";
import { now } from "~/utils/clock.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { outboxWorker } from "~/utils/outbox.server";
import { postWebhook } from "~/webhooks/send.server";
import { signatureHeaders } from "~/webhooks/signing.server";

async function attemptDelivery(delivery: ClaimedDelivery, signal: AbortSignal) {
  const startedAt = now();
  if (delivery.secret === null) {
    // Never send unsigned: the attempt fails, with a reason the merchant and operator can read.
    return { startedAt, result: { statusCode: null, error: "The endpoint's secret cannot be decrypted: DATA_ENCRYPTION_KEY no longer lists its key.", durationMs: 0, delivered: false } };
  }
  // The receiver checks webhook-timestamp against its own clock: wall time, not the domain clock.
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = signatureHeaders({ secret: delivery.secret, id: delivery.eventId, timestamp, body: delivery.payload });
  const result = await postWebhook({
    url: delivery.url,
    body: delivery.payload,
    headers,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    blockPrivate: !env.WEBHOOK_ALLOW_PRIVATE_URLS,
    signal,
  });
  return { startedAt, result };
}

/** The webhook worker: up to 16 attempts at once (4 per merchant, 2 per endpoint), claimed round-robin by merchant and endpoint. */
export const webhookWorker = outboxWorker({
  name: "webhook-deliveries",
  outbox: webhookDeliveryQueue,
  claim: claimDueDeliveries,
  attempt: attemptDelivery,
  record(delivery, { startedAt, result }) {
    const attempt = delivery.attempts + 1;
    recordAttempt({ delivery, attempt, startedAt, result, retryDelaysS: env.WEBHOOK_RETRY_DELAYS });
    logger.info({
      msg: "webhook attempt",
      event_id: delivery.eventId,
      endpoint_id: delivery.endpointId,
      attempt,
      status_code: result.statusCode,
      error: result.error,
      delivered: result.delivered,
      duration_ms: result.durationMs,
    });
  },
  concurrency: MAX_DELIVERIES_IN_FLIGHT,
  // Idle polling finds retries that came due; new events wake the worker at once.
  pollMs: 500,
  leaseMs: env.WEBHOOK_TIMEOUT_MS + 30_000,
  shutdownWaitMs: 10_000,
});
