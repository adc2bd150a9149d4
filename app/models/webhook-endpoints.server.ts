import { and, count, eq, isNull, lte, or } from "drizzle-orm";
import {
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookEventTypes,
  webhookEvents,
  webhookTestEventType,
  type WebhookEndpoint,
  type WebhookEventType,
} from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { newId } from "~/utils/ids.server";
import { sealSecret } from "~/utils/secret-box.server";
import { generateSecret, WEBHOOK_SECRET_PURPOSE } from "~/webhooks/signing.server";
import { ForbiddenAddressError, assertPublicHost } from "~/webhooks/ssrf.server";
import { audit, type Actor } from "./audit.server";
import { invalidField, limitReached, notFound } from "./errors.server";
import { emitEvent } from "./events.server";
import { paginate } from "./pagination.server";
import { webhookDeliveryQueue } from "./webhook-deliveries.server";

// Every queued event fans out to each endpoint: a bound keeps one merchant from multiplying work.
export const MAX_ENDPOINTS_PER_MERCHANT = 16;

type DeliveryAttempt = typeof webhookDeliveryAttempts.$inferSelect;

export function serializeWebhookEndpoint(e: WebhookEndpoint, opts: { withSecret?: boolean } = {}) {
  return {
    id: e.id,
    object: "webhook_endpoint" as const,
    url: e.url,
    events: e.events,
    description: e.description,
    // The secret is shown once, in the answer to the create call.
    ...(opts.withSecret ? { secret: e.secret } : {}),
    created_at: e.createdAt.toISOString(),
  };
}

export function serializeDeliveryAttempt(a: DeliveryAttempt) {
  return {
    id: a.id,
    object: "webhook_delivery" as const,
    event_id: a.eventId,
    event_type: a.eventType,
    attempt: a.attempt,
    status_code: a.statusCode,
    error: a.error,
    duration_ms: a.durationMs,
    delivered: a.delivered,
    created_at: a.createdAt.toISOString(),
  };
}

/**
 * The SSRF guard at creation: unless private URLs are allowed (the default outside production),
 * a URL whose host resolves to a loopback, private, link-local or metadata address is refused.
 * Async (DNS), so routes call it in `prepare`, before the write transaction.
 */
export async function assertWebhookUrlAllowed(url: string) {
  if (env.WEBHOOK_ALLOW_PRIVATE_URLS) return;
  try {
    await assertPublicHost(new URL(url).hostname);
  } catch (error) {
    if (error instanceof ForbiddenAddressError) {
      throw invalidField("url", "Webhook URLs must not point to loopback, private, link-local or metadata addresses.", "url_not_allowed");
    }
    throw invalidField("url", "The webhook URL's host could not be resolved.", "url_not_resolvable");
  }
}

const live = (merchantId: string) => and(eq(webhookEndpoints.merchantId, merchantId), isNull(webhookEndpoints.deletedAt));

export function createWebhookEndpoint(opts: {
  merchantId: string;
  input: { url: string; events?: WebhookEventType[]; description?: string | null };
  actor: Actor;
}) {
  const { merchantId, input, actor } = opts;
  const existing = db.select({ n: count() }).from(webhookEndpoints).where(live(merchantId)).get()?.n ?? 0;
  if (existing >= MAX_ENDPOINTS_PER_MERCHANT) {
    throw limitReached(
      "endpoint_limit_reached",
      `A merchant can have at most ${MAX_ENDPOINTS_PER_MERCHANT} webhook endpoints; delete one first.`,
    );
  }
  const secret = generateSecret();
  const endpoint = db
    .insert(webhookEndpoints)
    .values({
      id: newId("webhookEndpoint"),
      merchantId,
      url: input.url,
      events: input.events ?? [...webhookEventTypes],
      description: input.description ?? null,
      secret: sealSecret(secret, WEBHOOK_SECRET_PURPOSE),
      createdAt: now(),
    })
    .returning()
    .get();
  audit({ merchantId, actor, action: "webhook_endpoint.created", objectType: "webhook_endpoint", objectId: endpoint.id });
  // The plain secret, for the one answer that shows it.
  return { ...endpoint, secret };
}

/** One live webhook endpoint of this merchant; otherwise not found. */
export function requireWebhookEndpoint({ merchantId, id }: { merchantId: string; id: string }) {
  const endpoint = db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), live(merchantId)))
    .get();
  if (!endpoint) throw notFound("webhook endpoint", id);
  return endpoint;
}

export function listWebhookEndpoints(opts: { merchantId: string; limit: number; startingAfter?: string }) {
  return paginate({ table: webhookEndpoints, where: live(opts.merchantId), limit: opts.limit, startingAfter: opts.startingAfter });
}

/** Deletes an endpoint: nothing more is sent to it, including retries already queued. */
export function deleteWebhookEndpoint({ merchantId, id, actor }: { merchantId: string; id: string; actor: Actor }) {
  const endpoint = requireWebhookEndpoint({ merchantId, id });
  const at = now();
  db.update(webhookEndpoints).set({ deletedAt: at }).where(eq(webhookEndpoints.id, endpoint.id)).run();
  db.update(webhookDeliveries)
    .set({ status: "failed", lockedUntil: null, leaseOwner: null, updatedAt: at })
    .where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.status, "pending")))
    .run();
  audit({ merchantId, actor, action: "webhook_endpoint.deleted", objectType: "webhook_endpoint", objectId: id });
  return { id: endpoint.id, object: "webhook_endpoint" as const, deleted: true as const };
}

/** The delivery log of one endpoint: one row per HTTP attempt, newest first. */
export function listDeliveryAttempts(opts: {
  merchantId: string;
  endpointId: string;
  eventId?: string;
  limit: number;
  startingAfter?: string;
}) {
  const endpoint = requireWebhookEndpoint({ merchantId: opts.merchantId, id: opts.endpointId });
  const where = and(
    eq(webhookDeliveryAttempts.endpointId, endpoint.id),
    opts.eventId ? eq(webhookDeliveryAttempts.eventId, opts.eventId) : undefined,
  );
  return paginate({ table: webhookDeliveryAttempts, where, limit: opts.limit, startingAfter: opts.startingAfter });
}

/** "Send test event": one `webhook_endpoint.test` event, delivered to this endpoint only. */
export function sendTestEvent({ merchantId, endpointId, actor }: { merchantId: string; endpointId: string; actor: Actor }) {
  const endpoint = requireWebhookEndpoint({ merchantId, id: endpointId });
  const eventId = emitEvent({ merchantId, type: webhookTestEventType, object: serializeWebhookEndpoint(endpoint), actor, onlyEndpointId: endpoint.id });
  audit({ merchantId, actor, action: "webhook_endpoint.test_sent", objectType: "webhook_endpoint", objectId: endpoint.id, data: { event_id: eventId } });
  return eventId;
}

/**
 * "Resend": the same event (same webhook-id, same bytes) goes to the endpoint again now, as one
 * more attempt; a delivery still retrying is simply brought forward.
 */
export function resendEvent({ merchantId, endpointId, eventId, actor }: { merchantId: string; endpointId: string; eventId: string; actor: Actor }) {
  const endpoint = requireWebhookEndpoint({ merchantId, id: endpointId });
  const delivery = db
    .select({ seq: webhookDeliveries.seq })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookEvents.merchantId, merchantId)))
    .get();
  if (!delivery) throw notFound("webhook event", eventId);
  const at = now();
  // A delivery being sent right now (a live lease) is left to its sender.
  db.update(webhookDeliveries)
    .set({ status: "pending", nextAttemptAt: at, lockedUntil: null, leaseOwner: null, updatedAt: at })
    .where(and(eq(webhookDeliveries.seq, delivery.seq), or(isNull(webhookDeliveries.lockedUntil), lte(webhookDeliveries.lockedUntil, at))))
    .run();
  audit({ merchantId, actor, action: "webhook_event.resent", objectType: "webhook_endpoint", objectId: endpoint.id, data: { event_id: eventId } });
  webhookDeliveryQueue.wake();
}
