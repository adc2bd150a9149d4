import { and, eq, inArray, sql } from "drizzle-orm";
import { invoicedPaymentStatuses, isActiveSubscription, payments, products, subscriptions } from "#db/schema/index";
import { subscriptionAmount } from "~/billing/money";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { requireCustomer } from "./customers.server";

// Lago's billing overview, the dashboard's customer page and the list's `expand[]=summary` all
// read revenue from here, so "net revenue" means one thing everywhere.

export type Revenue = { gross: number; refunded: number; net: number };

const invoiced = sql.join(
  invoicedPaymentStatuses.map((s) => sql`${s}`),
  sql`, `,
);

/**
 * Per customer and currency: gross = every payment that succeeded (refunded or not since),
 * refunded = their refunds, net = gross − refunded. One grouped query for any number of customers.
 */
export function revenueByCustomer({ merchantId, customerIds }: { merchantId: string; customerIds: string[] }) {
  const out = new Map<string, Map<string, Revenue>>();
  if (customerIds.length === 0) return out;
  const rows = db
    .select({
      customerId: payments.customerId,
      currency: payments.currency,
      gross: sql<number>`sum(${payments.amount})`,
      refunded: sql<number>`sum(${payments.amountRefunded})`,
    })
    .from(payments)
    // `+merchant_id` keeps the planner on payments_customer_created_idx: without table statistics it
    // would walk every payment of the merchant (half a second at 500,000 payments).
    .where(and(sql`+${payments.merchantId} = ${merchantId}`, inArray(payments.customerId, customerIds), sql`${payments.status} in (${invoiced})`))
    .groupBy(payments.customerId, payments.currency)
    .all();
  for (const r of rows) {
    const byCurrency = out.get(r.customerId) ?? new Map<string, Revenue>();
    byCurrency.set(r.currency, { gross: r.gross, refunded: r.refunded, net: r.gross - r.refunded });
    out.set(r.customerId, byCurrency);
  }
  return out;
}

/**
 * A subscription's status as of `at`: a pending cancellation whose period has ended counts as
 * cancelled even before a write settles it (reads here never write).
 */
export const statusAt = (at: Date) =>
  sql<string>`case when ${subscriptions.cancelAtPeriodEnd} = 1 and ${subscriptions.currentPeriodEnd} <= ${at.getTime()} then 'cancelled' else ${subscriptions.status} end`;

/** Live subscriptions of these customers with their product: what summaries and the overview count. */
export function liveSubscriptionsOf({ merchantId, customerIds }: { merchantId: string; customerIds: string[] }) {
  if (customerIds.length === 0) return [];
  const status = statusAt(now());
  return db
    .select({
      id: subscriptions.id,
      customerId: subscriptions.customerId,
      status,
      quantity: subscriptions.quantity,
      productName: products.name,
      price: products.price,
      currency: products.currency,
    })
    .from(subscriptions)
    .innerJoin(products, eq(products.id, subscriptions.productId))
    // `+merchant_id`, as in revenueByCustomer: the planner otherwise walked every subscription of
    // the merchant (0.41 s at 300,000 subscriptions) instead of the customers' own.
    .where(and(sql`+${subscriptions.merchantId} = ${merchantId}`, inArray(subscriptions.customerId, customerIds), sql`${status} <> 'cancelled'`))
    .all() as { id: string; customerId: string; status: "active" | "trialing" | "past_due"; quantity: number; productName: string; price: number; currency: string }[];
}

export type CurrencyOverview = {
  currency: string;
  grossRevenue: number;
  refunded: number;
  netRevenue: number;
  overdue: number;
  failedPayments: number;
  lastPaymentAt: Date | null;
};

export type BillingOverview = {
  customerId: string;
  currencies: CurrencyOverview[];
  activeSubscriptions: number;
  pastDueSubscriptions: number;
};

/**
 * Failed and pending payments that no later payment settled: a later succeeded one of the same
 * subscription, or — for a payment without one — any later succeeded payment of the customer in
 * that currency. "Later" is (created_at, seq), the list order.
 */
function unsettledPayments(merchantId: string, customerId: string) {
  return db.all<{ currency: string; subscription_id: string | null; amount: number }>(sql`
    select p.currency, p.subscription_id, p.amount
    from ${payments} p
    where p.merchant_id = ${merchantId} and p.customer_id = ${customerId} and p.status in ('failed', 'pending')
      and not exists (
        select 1 from ${payments} q
        where q.customer_id = p.customer_id and q.currency = p.currency and q.status in (${invoiced})
          and (q.created_at > p.created_at or (q.created_at = p.created_at and q.seq > p.seq))
          and (p.subscription_id is null or q.subscription_id = p.subscription_id)
      )`);
}

/** Lago's billing overview of one live customer: revenue, refunds and what is overdue, per currency. */
export function getBillingOverview({ merchantId, customerId }: { merchantId: string; customerId: string }): BillingOverview {
  const customer = requireCustomer({ merchantId, id: customerId });
  const revenue = revenueByCustomer({ merchantId, customerIds: [customer.id] }).get(customer.id) ?? new Map<string, Revenue>();
  const activity = db
    .select({
      currency: payments.currency,
      failed: sql<number>`sum(case when ${payments.status} = 'failed' then 1 else 0 end)`,
      last: sql<number>`max(${payments.createdAt})`,
    })
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), eq(payments.customerId, customer.id)))
    .groupBy(payments.currency)
    .all();
  const unsettled = unsettledPayments(merchantId, customer.id);
  const live = liveSubscriptionsOf({ merchantId, customerIds: [customer.id] });

  const byCurrency = new Map<string, CurrencyOverview>();
  const entry = (currency: string) => {
    let e = byCurrency.get(currency);
    if (!e) {
      const r = revenue.get(currency);
      e = { currency, grossRevenue: r?.gross ?? 0, refunded: r?.refunded ?? 0, netRevenue: r?.net ?? 0, overdue: 0, failedPayments: 0, lastPaymentAt: null };
      byCurrency.set(currency, e);
    }
    return e;
  };
  for (const a of activity) {
    const e = entry(a.currency);
    e.failedPayments = a.failed;
    e.lastPaymentAt = new Date(a.last);
  }
  for (const p of unsettled) entry(p.currency).overdue += p.amount;
  // A past-due subscription is overdue by its current period's amount, unless one of the
  // unsettled payments above already stands for it.
  const covered = new Set(unsettled.map((p) => p.subscription_id));
  for (const s of live) {
    if (s.status === "past_due" && !covered.has(s.id)) entry(s.currency).overdue += subscriptionAmount(s.price, s.quantity);
  }
  return {
    customerId: customer.id,
    currencies: [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    activeSubscriptions: live.filter((s) => isActiveSubscription(s.status)).length,
    pastDueSubscriptions: live.filter((s) => s.status === "past_due").length,
  };
}

export function serializeBillingOverview(o: BillingOverview) {
  return {
    object: "billing_overview" as const,
    customer_id: o.customerId,
    currencies: o.currencies.map((c) => ({
      currency: c.currency,
      gross_revenue: c.grossRevenue,
      refunded: c.refunded,
      net_revenue: c.netRevenue,
      overdue: c.overdue,
      failed_payments: c.failedPayments,
      last_payment_at: c.lastPaymentAt?.toISOString() ?? null,
    })),
    active_subscriptions: o.activeSubscriptions,
    past_due_subscriptions: o.pastDueSubscriptions,
  };
}
