import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { customerRef } from "./customers";
import { merchantRef } from "./merchants";

export const resetIntervals = ["day", "week", "month", "year"] as const;
export type ResetInterval = (typeof resetIntervals)[number];

/** A merchant's feature key: what it names a feature in its own code. */
export const FEATURE_KEY_PATTERN = /^[a-z0-9_.-]{1,64}$/;

// What one customer may use of one feature, and how much of it the current period has used.
export const entitlements = sqliteTable(
  "entitlements",
  {
    seq: seq(),
    merchantId: merchantRef(),
    customerId: customerRef(),
    feature: text().notNull(),
    name: text(),
    unit: text(),
    // Null: unlimited.
    limit: integer(),
    resetInterval: text({ enum: resetIntervals }),
    resetAnchor: timestamp().notNull(),
    // The start of the period `used` counts (app/billing/usage-periods.ts). A read in a later
    // period sees 0 without writing: no usage is ever counted ahead of its booking.
    periodStart: timestamp().notNull(),
    used: integer().notNull().default(0),
    // The start of the period whose limit_reached event was emitted: at most one per period.
    limitReachedPeriod: timestamp(),
    createdAt: createdAt(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [uniqueIndex("entitlements_customer_feature_uq").on(t.customerId, t.feature), index("entitlements_merchant_idx").on(t.merchantId)],
);

export const usageRecords = sqliteTable(
  "usage_records",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    customerId: customerRef(),
    feature: text().notNull(),
    quantity: integer().notNull(),
    // When the usage happened, as the merchant reported it.
    timestamp: timestamp().notNull(),
    // The instant the usage counts at: its timestamp, or the booking time when the timestamp is
    // (within the allowed clock skew) still ahead. Never after the booking, so a period that has
    // not begun has nothing counted in it yet.
    countedAt: timestamp().notNull(),
    idempotencyKey: text(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("usage_records_idempotency_uq")
      .on(t.customerId, t.idempotencyKey)
      .where(sql`idempotency_key is not null`),
    // Covers the period sum: (customer, feature, counted_at) ranges read quantity from the index.
    index("usage_records_period_idx").on(t.customerId, t.feature, t.countedAt, t.quantity),
  ],
);

export type Entitlement = typeof entitlements.$inferSelect;
export type UsageRecord = typeof usageRecords.$inferSelect;
