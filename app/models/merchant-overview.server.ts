import { sql } from "drizzle-orm";
import { invoicedPaymentStatuses } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { runTimeValue } from "~/utils/prepared.server";

/**
 * The dashboard overview of one merchant: per-currency figures for the last 30 days against the
 * 30 before, a 90-day daily revenue series, and what needs attention (the at-risk list). Every
 * figure is one grouped query over an index on (merchant, created_at); nothing is loaded row by
 * row into JavaScript.
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
  from: Date;
  to: Date;
  currencies: CurrencyFigures[];
  newCustomers: number;
  newCustomersBefore: number;
  /** Per currency, one entry per UTC day of the last 90 (oldest first), revenue in minor units. */
  daily: Map<string, { day: string; amount: number }[]>;
};

export function getMerchantOverview({ merchantId }: { merchantId: string }): MerchantOverview {
  const to = now();
  const t = to.getTime();
  const from = t - 30 * DAY_MS;
  const before = t - 60 * DAY_MS;
  const byCurrency = new Map<string, CurrencyFigures>();
  const entry = (currency: string) => {
    let e = byCurrency.get(currency);
    if (!e) {
      e = { currency, gross: 0, grossBefore: 0, refunded: 0, failedPayments: 0, activeSubscriptions: 0 };
      byCurrency.set(currency, e);
    }
    return e;
  };
  const payments = db.all<{ currency: string; gross: number; gross_before: number; failed: number }>(sql`
    select currency,
      sum(case when status in (${invoiced}) and created_at >= ${from} then amount else 0 end) as gross,
      sum(case when status in (${invoiced}) and created_at < ${from} then amount else 0 end) as gross_before,
      sum(case when status = 'failed' and created_at >= ${from} then 1 else 0 end) as failed
    from payments where merchant_id = ${merchantId} and created_at >= ${before} and created_at <= ${t}
    group by currency`);
  for (const p of payments) Object.assign(entry(p.currency), { gross: p.gross, grossBefore: p.gross_before, failedPayments: p.failed });
  const refunds = db.all<{ currency: string; amount: number }>(sql`
    select currency, sum(amount) as amount from refunds
    where merchant_id = ${merchantId} and created_at >= ${from} and created_at <= ${t} group by currency`);
  for (const r of refunds) entry(r.currency).refunded = r.amount;
  // Active: active or trialing (a pending cancellation still counts until its period ends).
  const subs = db.all<{ currency: string; n: number }>(sql`
    select p.currency, count(*) as n from subscriptions s join products p on p.id = s.product_id
    where s.merchant_id = ${merchantId} and s.status in ('active', 'trialing')
      and not (s.cancel_at_period_end = 1 and s.current_period_end <= ${t})
    group by p.currency`);
  for (const s of subs) entry(s.currency).activeSubscriptions = s.n;
  const customers = db.get<{ now: number; before: number }>(sql`
    select sum(case when created_at >= ${from} then 1 else 0 end) as now, sum(case when created_at < ${from} then 1 else 0 end) as before
    from customers where merchant_id = ${merchantId} and deleted_at is null and created_at >= ${before} and created_at <= ${t}`);

  const start = Math.floor(t / DAY_MS) * DAY_MS - 89 * DAY_MS;
  const days = db.all<{ currency: string; day: number; amount: number }>(sql`
    select currency, (created_at / ${DAY_MS}) * ${DAY_MS} as day, sum(amount) as amount from payments
    where merchant_id = ${merchantId} and status in (${invoiced}) and created_at >= ${start} and created_at <= ${t}
    group by currency, day`);
  const daily = new Map<string, { day: string; amount: number }[]>();
  for (const d of days) {
    let series = daily.get(d.currency);
    if (!series) {
      series = Array.from({ length: 90 }, (_, i) => ({ day: new Date(start + i * DAY_MS).toISOString().slice(0, 10), amount: 0 }));
      daily.set(d.currency, series);
    }
    const index = Math.round((d.day - start) / DAY_MS);
    if (index >= 0 && index < 90) series[index].amount += d.amount;
  }
  return {
    from: new Date(from),
    to,
    currencies: [...byCurrency.values()].sort((a, b) => b.gross - a.gross || a.currency.localeCompare(b.currency)),
    newCustomers: customers?.now ?? 0,
    newCustomersBefore: customers?.before ?? 0,
    daily,
  };
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
      where c.merchant_id = ${merchantId} and c.deleted_at is null
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
