import { and, eq, inArray, sql } from "drizzle-orm";
import { customers, isActiveSubscription, wallets } from "#db/schema/index";
import { db } from "~/utils/db.server";
import { liveSubscriptionsOf, revenueByCustomer } from "./billing-overview.server";

export type CustomerSummary = {
  activeSubscriptions: number;
  /** Product names of the customer's live subscriptions (past_due included), A→Z, once each. */
  plans: string[];
  walletBalances: Record<string, number>;
  /** Net of refunds, per currency: the billing overview's net_revenue. */
  lifetimeRevenue: Record<string, number>;
};

/**
 * Autumn's plan-and-balance summary for a page of customers (the ids must be this merchant's):
 * three queries whatever the page size, never one per customer.
 */
export function customerSummaries({ merchantId, customerIds }: { merchantId: string; customerIds: string[] }): Map<string, CustomerSummary> {
  const out = new Map<string, CustomerSummary>(
    customerIds.map((id) => [id, { activeSubscriptions: 0, plans: [], walletBalances: {}, lifetimeRevenue: {} }]),
  );
  if (customerIds.length === 0) return out;
  // Ownership is in each query: another merchant's id gets an empty summary.
  for (const s of liveSubscriptionsOf({ merchantId, customerIds })) {
    const summary = out.get(s.customerId)!;
    if (isActiveSubscription(s.status)) summary.activeSubscriptions++;
    if (!summary.plans.includes(s.productName)) summary.plans.push(s.productName);
  }
  const balances = db
    .select({ customerId: wallets.customerId, currency: wallets.currency, balance: wallets.balance })
    .from(wallets)
    // `+merchant_id`: the wallets are found by their customers' ids, each customer's owner
    // checked by its id; otherwise the planner walked every customer of the merchant (0.38 s at 1M).
    .innerJoin(customers, and(eq(customers.id, wallets.customerId), sql`+${customers.merchantId} = ${merchantId}`))
    .where(inArray(wallets.customerId, customerIds))
    .orderBy(wallets.customerId, wallets.currency)
    .all();
  for (const w of balances) {
    out.get(w.customerId)!.walletBalances[w.currency] = w.balance;
  }
  for (const [customerId, byCurrency] of revenueByCustomer({ merchantId, customerIds })) {
    const summary = out.get(customerId)!;
    for (const [currency, r] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) summary.lifetimeRevenue[currency] = r.net;
  }
  for (const summary of out.values()) summary.plans.sort((a, b) => a.localeCompare(b));
  return out;
}

export function serializeSummary(s: CustomerSummary) {
  return {
    active_subscriptions: s.activeSubscriptions,
    plans: s.plans,
    wallet_balances: s.walletBalances,
    lifetime_revenue: s.lifetimeRevenue,
  };
}
