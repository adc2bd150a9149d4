import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { customerRef } from "./customers";
import { merchantRef } from "./merchants";
import { products } from "./products";

export const subscriptionStatuses = ["trialing", "active", "past_due", "cancelled"] as const;
/** Not cancelled: what a merchant may report, what the portal lists as current, what deletion ends. */
export const liveSubscriptionStatuses = ["active", "trialing", "past_due"] as const;
export type LiveSubscriptionStatus = (typeof liveSubscriptionStatuses)[number];

/** What "active subscriptions" counts (summaries, the billing overview): past_due is not. */
export const activeSubscriptionStatuses = ["active", "trialing"] as const;
export const isActiveSubscription = (status: string) => (activeSubscriptionStatuses as readonly string[]).includes(status);

export const isLiveSubscription = (status: string): status is LiveSubscriptionStatus =>
  (liveSubscriptionStatuses as readonly string[]).includes(status);
export const cancelReasons = [
  "too_expensive",
  "missing_features",
  "switched_service",
  "unused",
  "customer_service",
  "too_complex",
  "low_quality",
  "other",
] as const;

export const subscriptions = sqliteTable(
  "subscriptions",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    customerId: customerRef(),
    productId: text()
      .notNull()
      .references(() => products.id),
    status: text({ enum: subscriptionStatuses }).notNull(),
    quantity: integer().notNull().default(1),
    currentPeriodStart: timestamp().notNull(),
    currentPeriodEnd: timestamp().notNull(),
    // A pending cancellation: becomes `cancelled` once current_period_end has passed.
    cancelAtPeriodEnd: integer({ mode: "boolean" }).notNull().default(false),
    cancelledAt: timestamp(),
    cancelReason: text({ enum: cancelReasons }),
    cancelFeedback: text(),
    createdAt: createdAt(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [
    index("subscriptions_merchant_created_idx").on(t.merchantId, t.createdAt, t.seq),
    index("subscriptions_customer_idx").on(t.customerId, t.createdAt),
    // Pending cancellations only (a few rows): settling the due ones runs on every read of a
    // merchant's subscriptions, and the overview lists the upcoming ones. The queries repeat this
    // condition word for word (`pendingCancellation`, app/models/subscriptions.server.ts), as
    // SQLite uses a partial index only for a query whose WHERE holds its terms.
    index("subscriptions_pending_cancellation_idx")
      .on(t.merchantId, t.currentPeriodEnd)
      .where(sql`${t.cancelAtPeriodEnd} = 1 and ${t.status} <> 'cancelled'`),
    // Past-due subscriptions only, latest change first: the overview's at-risk list.
    index("subscriptions_past_due_idx").on(t.merchantId, t.updatedAt).where(sql`${t.status} = 'past_due'`),
    // Active and trialing only, by product: the overview counts them per currency from the index
    // alone (`activeSubscriptionsByCurrency`, app/models/merchant-overview.server.ts).
    index("subscriptions_live_product_idx").on(t.merchantId, t.productId, t.status).where(sql`${t.status} in ('active', 'trialing')`),
  ],
);

export type Subscription = typeof subscriptions.$inferSelect;
