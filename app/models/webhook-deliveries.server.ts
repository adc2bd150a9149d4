import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints, webhookEvents } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db, writeTransaction } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { defineOutbox } from "~/utils/outbox.server";
import { openSecret } from "~/utils/secret-box.server";
import type { AttemptResult } from "~/webhooks/send.server";
import { WEBHOOK_SECRET_PURPOSE } from "~/webhooks/signing.server";

export type ClaimedDelivery = {
  seq: number;
  attempts: number;
  eventId: string;
  eventType: string;
  payload: string;
  endpointId: string;
  url: string;
  /** The endpoint's opened whsec_ secret; null when DATA_ENCRYPTION_KEY no longer holds its key. */
  secret: string | null;
};

/**
 * Attempts in flight at once: in all, per merchant and per endpoint. A merchant may hold only a
 * quarter of the slots and an endpoint half of its merchant's, so endpoints that never answer
 * (each attempt then lasts WEBHOOK_TIMEOUT_MS) cannot make other merchants, or the merchant's
 * other endpoints, wait behind them.
 */
export const MAX_DELIVERIES_IN_FLIGHT = 16;
export const MAX_DELIVERIES_PER_MERCHANT = 4;
export const MAX_DELIVERIES_PER_ENDPOINT = 2;

/**
 * The webhook outbox: one row per (event, endpoint), written by `emitEvent` in the transaction
 * of the change it reports. Claimed round-robin by merchant, then by endpoint.
 */
export const webhookDeliveryQueue = defineOutbox({
  label: "webhook deliveries",
  table: webhookDeliveries,
  statuses: { pending: "pending", done: "delivered", failed: "failed" },
  // An endpoint deleted meanwhile is sent nothing more.
  eligible: sql`exists (select 1 from ${webhookEndpoints} where ${webhookEndpoints.id} = ${webhookDeliveries.endpointId} and ${webhookEndpoints.deletedAt} is null)`,
  partitions: [
    {
      key: sql`(select ${webhookEndpoints.merchantId} from ${webhookEndpoints} where ${webhookEndpoints.id} = ${webhookDeliveries.endpointId})`,
      max: MAX_DELIVERIES_PER_MERCHANT,
    },
    { key: sql`${webhookDeliveries.endpointId}`, max: MAX_DELIVERIES_PER_ENDPOINT },
  ],
});

/**
 * One process owns the database, so a lease still held at start-up belongs to a process that
 * died mid-attempt: release it and the delivery is sent again, with the same webhook-id.
 */
export const releaseStaleLeases = () => webhookDeliveryQueue.releaseLeases();

/**
 * Claims up to `limit` due deliveries by leasing them until `now + leaseMs`. The lease is what
 * makes a crash harmless: an unfinished attempt leaves a lease that expires (or is released at
 * start), never a lost event. `skip` holds the deliveries this process is sending right now.
 */
export function claimDueDeliveries(opts: { limit: number; leaseMs: number; skip: Set<number> }): ClaimedDelivery[] {
  return webhookDeliveryQueue.claim({
    ...opts,
    load: (seqs) =>
      db
        .select({
          seq: webhookDeliveries.seq,
          attempts: webhookDeliveries.attempts,
          eventId: webhookEvents.id,
          eventType: webhookEvents.type,
          payload: webhookEvents.payload,
          endpointId: webhookEndpoints.id,
          url: webhookEndpoints.url,
          secret: webhookEndpoints.secret,
        })
        .from(webhookDeliveries)
        .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
        .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
        .where(and(inArray(webhookDeliveries.seq, seqs), isNull(webhookEndpoints.deletedAt)))
        .all()
        .map((row) => ({ ...row, secret: openSecret(row.secret, WEBHOOK_SECRET_PURPOSE) })),
  });
}

/**
 * Writes the attempt to the delivery log and moves the delivery on: delivered, retried on the
 * schedule, or failed after the last try. One transaction, so the log and the queue agree.
 */
export function recordAttempt(opts: {
  delivery: ClaimedDelivery;
  attempt: number;
  startedAt: Date;
  result: AttemptResult;
  retryDelaysS: number[];
}) {
  const { delivery, attempt, startedAt, result } = opts;
  writeTransaction(() => {
    db.insert(webhookDeliveryAttempts)
      .values({
        id: newId("webhookAttempt"),
        endpointId: delivery.endpointId,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        attempt,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: result.durationMs,
        delivered: result.delivered,
        createdAt: startedAt,
      })
      .run();
    // A delivery whose endpoint was deleted meanwhile stays failed.
    webhookDeliveryQueue.settle({
      seq: delivery.seq,
      attempt,
      delivered: result.delivered,
      retryDelaysS: opts.retryDelaysS,
      set: { updatedAt: now() },
    });
  });
}
