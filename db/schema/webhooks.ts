import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, leaseColumns, publicId, seq, timestamp } from "./columns";
import { merchantRef } from "./merchants";

export const webhookEventTypes = [
  "customer.updated",
  "subscription.cancellation_scheduled",
  "subscription.cancelled",
  "subscription.resumed",
  "license_key.instance_deactivated",
  "portal_session.created",
  "entitlement.limit_reached",
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
// Sent to one endpoint on demand (the dashboard's "Send test event"); no endpoint subscribes to it.
export const webhookTestEventType = "webhook_endpoint.test" as const;
export const webhookEventRecordTypes = [...webhookEventTypes, webhookTestEventType] as const;
export type WebhookEventRecordType = (typeof webhookEventRecordTypes)[number];

export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    url: text().notNull(),
    events: text({ mode: "json" }).$type<WebhookEventType[]>().notNull(),
    description: text(),
    // `whsec_` + base64 of 32 random bytes, stored sealed (AES-256-GCM under DATA_ENCRYPTION_KEY);
    // shown once, opened to sign every delivery.
    secret: text().notNull(),
    createdAt: createdAt(),
    deletedAt: timestamp(),
  },
  (t) => [index("webhook_endpoints_merchant_idx").on(t.merchantId, t.createdAt, t.seq)],
);

// The outbox: an event row is written in the transaction that makes the change it reports.
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    type: text({ enum: webhookEventRecordTypes }).notNull(),
    // The exact JSON body sent on every attempt (byte-identical between signing and sending).
    payload: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("webhook_events_merchant_idx").on(t.merchantId, t.createdAt),
    // The customer an event is about, newest first: the customer page's timeline. An object that
    // belongs to a customer names it in customer_id; a customer object is its own id (every other
    // object's id has its own prefix, so it never equals a customer's). `eventCustomer` in
    // app/models/customer-activity.server.ts is this expression, word for word.
    index("webhook_events_customer_idx").on(
      t.merchantId,
      sql`coalesce(json_extract(${t.payload}, '$.data.object.customer_id'), json_extract(${t.payload}, '$.data.object.id'))`,
      t.createdAt,
    ),
  ],
);

export const webhookDeliveryStatuses = ["pending", "delivered", "failed"] as const;

// One row per (event, endpoint): the queue state of that delivery.
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    seq: seq(),
    eventId: text()
      .notNull()
      .references(() => webhookEvents.id),
    endpointId: text()
      .notNull()
      .references(() => webhookEndpoints.id),
    status: text({ enum: webhookDeliveryStatuses }).notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp().notNull(),
    ...leaseColumns(),
    createdAt: createdAt(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_endpoint_uq").on(t.eventId, t.endpointId),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
  ],
);

// One row per HTTP attempt: what GET /webhook-endpoints/{id}/deliveries lists.
export const webhookDeliveryAttempts = sqliteTable(
  "webhook_delivery_attempts",
  {
    seq: seq(),
    id: publicId(),
    endpointId: text()
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: text()
      .notNull()
      .references(() => webhookEvents.id),
    eventType: text().notNull(),
    attempt: integer().notNull(),
    statusCode: integer(),
    error: text(),
    durationMs: integer().notNull(),
    delivered: integer({ mode: "boolean" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_attempts_endpoint_idx").on(t.endpointId, t.createdAt, t.seq)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
