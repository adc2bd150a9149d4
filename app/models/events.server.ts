import { and, eq, isNull } from "drizzle-orm";
import { webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookEventRecordType } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import type { Actor } from "./audit.server";
import { webhookDeliveryQueue } from "./webhook-deliveries.server";

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
  db.insert(webhookEvents).values({ id, merchantId: opts.merchantId, type: opts.type, payload, createdAt: at }).run();

  const endpoints = db
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.merchantId, opts.merchantId), isNull(webhookEndpoints.deletedAt), opts.onlyEndpointId ? eq(webhookEndpoints.id, opts.onlyEndpointId) : undefined))
    .all()
    .filter((e) => opts.onlyEndpointId || (e.events as string[]).includes(opts.type));
  for (const endpoint of endpoints) {
    db.insert(webhookDeliveries)
      .values({ eventId: id, endpointId: endpoint.id, nextAttemptAt: at, createdAt: at, updatedAt: at })
      .run();
  }
  if (endpoints.length > 0) webhookDeliveryQueue.wake();
  return id;
}
