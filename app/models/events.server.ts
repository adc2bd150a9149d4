import { and, eq, isNull, sql } from "drizzle-orm";
import { webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookEventRecordType } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import type { Actor } from "./audit.server";
import { webhookDeliveryQueue } from "./webhook-deliveries.server";

// Every change that reports itself runs these: built and prepared once, not per call.
const insertEvent = db
  .insert(webhookEvents)
  .values({
    id: sql.placeholder("id"),
    merchantId: sql.placeholder("merchantId"),
    type: sql.placeholder("type"),
    payload: sql.placeholder("payload"),
    createdAt: sql.placeholder("createdAt"),
  })
  .prepare();
const liveEndpoints = (only?: "only") =>
  db
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.merchantId, sql.placeholder("merchantId")),
        isNull(webhookEndpoints.deletedAt),
        only ? eq(webhookEndpoints.id, sql.placeholder("endpointId")) : undefined,
      ),
    )
    .prepare();
const merchantEndpoints = liveEndpoints();
const oneEndpoint = liveEndpoints("only");
const insertDelivery = db
  .insert(webhookDeliveries)
  .values({
    eventId: sql.placeholder("eventId"),
    endpointId: sql.placeholder("endpointId"),
    nextAttemptAt: sql.placeholder("at"),
    createdAt: sql.placeholder("at"),
    updatedAt: sql.placeholder("at"),
  })
  .prepare();

/**
 * The webhook outbox. Call inside the transaction of the change the event reports: a rolled-back
 * change then emits nothing, and a committed one is never lost. The payload is serialized once
 * here, so every attempt sends (and signs) the same bytes.
 */
export function emitEvent(opts: {
  merchantId: string;
  type: WebhookEventRecordType;
  object: unknown;
  actor?: Actor;
  /** Only this endpoint, whatever it subscribes to (a test event); otherwise every subscriber. */
  onlyEndpointId?: string;
}) {
  const at = now();
  const id = newId("webhookEvent");
  const actor =
    opts.actor?.type === "customer"
      ? { type: "customer", customer_id: opts.actor.id, portal_session_id: opts.actor.portalSessionId }
      : opts.actor?.type === "api_key"
        ? { type: "api_key", api_key_id: opts.actor.id }
        : opts.actor?.type === "staff"
          ? { type: "staff", staff_user_id: opts.actor.id }
          : opts.actor
          ? { type: opts.actor.type }
          : undefined;
  const payload = JSON.stringify({
    id,
    type: opts.type,
    created_at: at.toISOString(),
    data: { object: opts.object },
    ...(actor ? { actor } : {}),
  });
  insertEvent.run({ id, merchantId: opts.merchantId, type: opts.type, payload, createdAt: at });

  const endpoints = (
    opts.onlyEndpointId ? oneEndpoint.all({ merchantId: opts.merchantId, endpointId: opts.onlyEndpointId }) : merchantEndpoints.all({ merchantId: opts.merchantId })
  ).filter((e) => opts.onlyEndpointId || (e.events as string[]).includes(opts.type));
  for (const endpoint of endpoints) insertDelivery.run({ eventId: id, endpointId: endpoint.id, at });
  if (endpoints.length > 0) webhookDeliveryQueue.wake();
  return id;
}
