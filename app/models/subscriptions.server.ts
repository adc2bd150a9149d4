import { and, eq, inArray } from "drizzle-orm";
import { products, subscriptions, type Product, type Subscription } from "#db/schema/index";
import { db } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import type { Actor } from "./audit.server";
import { emitEvent } from "./events.server";

export function serializeSubscription(s: Subscription, p: Product) {
  return {
    id: s.id,
    object: "subscription" as const,
    customer_id: s.customerId,
    product_id: s.productId,
    product_name: p.name,
    status: s.status,
    quantity: s.quantity,
    // amount = the product's price × quantity (API.md).
    amount: p.price * s.quantity,
    currency: p.currency,
    interval: p.interval,
    interval_count: p.intervalCount,
    current_period_start: s.currentPeriodStart.toISOString(),
    current_period_end: s.currentPeriodEnd.toISOString(),
    cancel_at_period_end: s.cancelAtPeriodEnd,
    cancelled_at: s.cancelledAt?.toISOString() ?? null,
    cancel_reason: s.cancelReason,
    cancel_feedback: s.cancelFeedback,
    created_at: s.createdAt.toISOString(),
  };
}

/** Customer deletion ends every subscription that is not already cancelled, immediately. */
export function cancelSubscriptionsOfDeletedCustomer(opts: { merchantId: string; customerId: string; actor: Actor }) {
  const at = now();
  const open = db
    .select({ s: subscriptions, p: products })
    .from(subscriptions)
    .innerJoin(products, eq(products.id, subscriptions.productId))
    .where(
      and(
        eq(subscriptions.customerId, opts.customerId),
        inArray(subscriptions.status, ["trialing", "active", "past_due"]),
      ),
    )
    .all();
  for (const { s, p } of open) {
    const cancelled = db
      .update(subscriptions)
      .set({ status: "cancelled", cancelAtPeriodEnd: false, cancelledAt: at, updatedAt: at })
      .where(eq(subscriptions.id, s.id))
      .returning()
      .get();
    emitEvent({
      merchantId: opts.merchantId,
      type: "subscription.cancelled",
      object: serializeSubscription(cancelled, p),
      actor: opts.actor,
    });
  }
}
