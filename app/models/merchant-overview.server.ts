import { sql } from "drizzle-orm";
import { invoicedPaymentStatuses } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { runTimeValue } from "~/utils/prepared.server";
import { pendingCancellation } from "./subscriptions.server";

/**
 * The dashboard overview of one merchant: per-currency figures for the last 30 UTC days (today
 * included, up to now) against the 30 before, a 90-day daily revenue series whose last 30 bars
 * are the cards' figures, and what needs attention (the at-risk list). Money and failed payments
 * come from `payment_days` (per merchant, day and currency, kept by triggers: migration 0010), so
 * the cost does not grow with the merchant's payments: summing them per request read 2.6 million
 * payments at 1,000,000 customers (9 s). Nothing is loaded row by row into JavaScript.
 */

const DAY_MS = 86_400_000;
const invoiced = sql.join(
  invoicedPaymentStatuses.map((s) => sql`${s}`),
  sql`, `,
);

export type CurrencyFigures = {
  currency: string;
  gross: number;
  grossBefore: number;
  refunded: number;
  failedPayments: number;
  activeSubscriptions: number;
};

export type MerchantOverview = {
  /** The first instant of the 30 days (midnight UTC, 29 days before today's). */
  from: Date;
  to: Date;
  currencies: CurrencyFigures[];
  newCustomers: number;
  newCustomersBefore: number;
  /** Per currency, one entry per UTC day of the last 90 (oldest first), revenue in minor units. */
  daily: Map<string, { day: string; amount: number }[]>;
};

type DayRow = { day: number; currency: string; invoiced: number; failed: number; refunded: number };

export function getMerchantOverview({ merchantId }: { merchantId: string }): MerchantOverview {
  const to = now();
  const t = to.getTime();
  const today = Math.floor(t / DAY_MS);
  const firstDay = today - 89;
  const from = (today - 29) * DAY_MS;
  const before = (today - 59) * DAY_MS;
  const byCurrency = new Map<string, CurrencyFigures>();
  const entry = (currency: string) => {
    let e = byCurrency.get(currency);
    if (!e) {
      e = { currency, gross: 0, grossBefore: 0, refunded: 0, failedPayments: 0, activeSubscriptions: 0 };
      byCurrency.set(currency, e);
    }
    return e;
  };
  const days = db.all<DayRow>(sql`
    select day, currency, invoiced_amount as invoiced, failed_payments as failed, refunded from payment_days
    where merchant_id = ${merchantId} and day >= ${firstDay} and day <= ${today}`);
  // Today's row also holds what is dated later today (a backdated clock, an imported payment):
  // taken away, so every figure stops at now. An empty index range in the usual case.
  const later = db.all<DayRow>(sql`
    select ${today} as day, currency, sum(case when status in (${invoiced}) then amount else 0 end) as invoiced,
      sum(case when status = 'failed' then 1 else 0 end) as failed, 0 as refunded
    from payments where merchant_id = ${merchantId} and created_at > ${t} and created_at < ${(today + 1) * DAY_MS} group by currency
    union all
    select ${today}, currency, 0, 0, sum(amount) from refunds
    where merchant_id = ${merchantId} and created_at > ${t} and created_at < ${(today + 1) * DAY_MS} group by currency`);
  const daily = new Map<string, { day: string; amount: number }[]>();
  const add = (d: DayRow, sign: 1 | -1) => {
    const recent = d.day > today - 30;
    const inCards = d.day > today - 60;
    if (inCards && (d.invoiced !== 0 || d.failed !== 0 || d.refunded !== 0)) {
      const e = entry(d.currency);
      if (recent) {
        e.gross += sign * d.invoiced;
        e.failedPayments += sign * d.failed;
        e.refunded += sign * d.refunded;
      } else e.grossBefore += sign * d.invoiced;
    }
    if (d.invoiced === 0) return;
    let series = daily.get(d.currency);
    if (!series) {
      series = Array.from({ length: 90 }, (_, i) => ({ day: new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10), amount: 0 }));
      daily.set(d.currency, series);
    }
    series[d.day - firstDay]!.amount += sign * d.invoiced;
  };
  for (const d of days) add(d, 1);
  for (const d of later) add(d, -1);
  // A currency whose sums came back to nothing (a payment's status changed) shows no card.
  for (const [currency, e] of byCurrency) if (e.gross === 0 && e.grossBefore === 0 && e.failedPayments === 0 && e.refunded === 0) byCurrency.delete(currency);
  for (const [currency, series] of daily) if (series.every((d) => d.amount === 0)) daily.delete(currency);
  for (const s of activeSubscriptionsByCurrency(merchantId, t)) entry(s.currency).activeSubscriptions = s.n;
  // New customers: all of them from the covering (merchant, created_at) index, less the deleted
  // ones from their own small index; not every new customer's row read for its deleted_at.
  const counted = (deleted: boolean) =>
    db.get<{ now: number | null; before: number | null }>(sql`
      select sum(case when created_at >= ${from} then 1 else 0 end) as now, sum(case when created_at < ${from} then 1 else 0 end) as before
      from customers where merchant_id = ${merchantId} and created_at >= ${before} and created_at <= ${t}${deleted ? sql` and deleted_at is not null` : sql``}`);
  const all = counted(false);
  const deleted = counted(true);
  return {
    from: new Date(from),
    to,
    currencies: [...byCurrency.values()].sort((a, b) => b.gross - a.gross || a.currency.localeCompare(b.currency)),
    newCustomers: (all?.now ?? 0) - (deleted?.now ?? 0),
    newCustomersBefore: (all?.before ?? 0) - (deleted?.before ?? 0),
    daily,
  };
}

/**
 * Active subscriptions (active or trialing; a pending cancellation counts until its period ends)
 * per currency: counted per product from `subscriptions_live_product_idx` alone, less the pending
 * cancellations already past their period's end (`subscriptions_pending_cancellation_idx`, through
 * the shared `pendingCancellation`). Both conditions are written as the indexes' own, literals
 * included, so SQLite uses them.
 */
function activeSubscriptionsByCurrency(merchantId: string, t: number) {
  return db.all<{ currency: string; n: number }>(sql`
    select p.currency, sum(x.n) as n from (
      select product_id, count(*) as n from subscriptions
      where merchant_id = ${merchantId} and status in ('active', 'trialing') group by product_id
      union all
      select product_id, -count(*) from subscriptions
      where merchant_id = ${merchantId} and ${pendingCancellation} and current_period_end <= ${t}
        and status in ('active', 'trialing') group by product_id
    ) x join products p on p.id = x.product_id
    group by p.currency having sum(x.n) > 0`);
}

export type AtRiskItem = {
  kind: "past_due" | "cancelling" | "failed_payment" | "license_at_limit" | "low_wallet";
  customerId: string;
  customerName: string | null;
  customerEmail: string;
  objectId: string;
  /** What the row is about: a currency and amount, or a product name, or a count. */
  detail: { amount?: number; currency?: string; product?: string; used?: number; limit?: number; at?: Date };
};

/**
 * What needs attention, each kind capped at `limit` rows (newest first): past-due subscriptions,
 * pending cancellations, failed payments of the last 90 days that no later payment of the
 * customer in that currency settled, license keys at their activation limit, and wallets holding
 * less than a tenth of what was ever credited to them.
 */
export function listAtRisk({ merchantId, limit = 10 }: { merchantId: string; limit?: number }): AtRiskItem[] {
  const t = now().getTime();
  type Row = { kind: AtRiskItem["kind"]; customer_id: string; name: string | null; email: string; object_id: string; amount: number | null; currency: string | null; product: string | null; used: number | null; lim: number | null; at: number | null };
  const rows = db.all<Row>(sql`
    select * from (
      select 'past_due' as kind, c.id as customer_id, c.name, c.email, s.id as object_id, null as amount, p.currency, p.name as product, null as used, null as lim, s.current_period_end as at
      from subscriptions s join products p on p.id = s.product_id join customers c on c.id = s.customer_id
      where s.merchant_id = ${merchantId} and s.status = 'past_due' and c.deleted_at is null
      order by s.updated_at desc limit ${runTimeValue(limit)})
    union all select * from (
      select 'cancelling', c.id, c.name, c.email, s.id, null, p.currency, p.name, null, null, s.current_period_end
      from subscriptions s join products p on p.id = s.product_id join customers c on c.id = s.customer_id
      where s.merchant_id = ${merchantId} and s.cancel_at_period_end = 1 and s.status <> 'cancelled' and s.current_period_end > ${t} and c.deleted_at is null
      order by s.current_period_end asc limit ${runTimeValue(limit)})
    union all select * from (
      select 'failed_payment', c.id, c.name, c.email, f.id, f.amount, f.currency, null, null, null, f.created_at
      from payments f join customers c on c.id = f.customer_id
      where f.merchant_id = ${merchantId} and f.status = 'failed' and f.created_at >= ${t - 90 * DAY_MS} and c.deleted_at is null
        and not exists (select 1 from payments q where q.customer_id = f.customer_id and q.currency = f.currency and q.status in (${invoiced})
                        and (q.created_at > f.created_at or (q.created_at = f.created_at and q.seq > f.seq)))
      order by f.created_at desc limit ${runTimeValue(limit)})
    union all select * from (
      select 'license_at_limit', c.id, c.name, c.email, k.id, null, null, null,
        (select count(*) from license_key_instances i where i.license_key_id = k.id and i.deactivated_at is null), k.activations_limit, k.created_at
      from license_keys k join customers c on c.id = k.customer_id
      where k.merchant_id = ${merchantId} and k.status = 'active' and k.activations_limit is not null and (k.expires_at is null or k.expires_at > ${t}) and c.deleted_at is null
        and (select count(*) from license_key_instances i where i.license_key_id = k.id and i.deactivated_at is null) >= k.activations_limit
      order by k.created_at desc limit ${runTimeValue(limit)})
    union all select * from (
      select 'low_wallet', c.id, c.name, c.email, c.id || ':' || w.currency, w.balance, w.currency, null, null, null, w.updated_at
      from wallets w join customers c on c.id = w.customer_id
      where +c.merchant_id = ${merchantId} and c.deleted_at is null
        and w.balance * 10 < (select sum(e.amount) from wallet_ledger_entries e where e.customer_id = w.customer_id and e.currency = w.currency and e.entry_type = 'credit')
      order by w.updated_at desc limit ${runTimeValue(limit)})`);
  return rows.map((r) => ({
    kind: r.kind,
    customerId: r.customer_id,
    customerName: r.name,
    customerEmail: r.email,
    objectId: r.object_id,
    detail: {
      ...(r.amount !== null ? { amount: r.amount } : {}),
      ...(r.currency ? { currency: r.currency } : {}),
      ...(r.product ? { product: r.product } : {}),
      ...(r.used !== null ? { used: r.used } : {}),
      ...(r.lim !== null ? { limit: r.lim } : {}),
      ...(r.at !== null ? { at: new Date(r.at) } : {}),
    },
  }));
}
