import { beforeAll, describe, expect, it } from "vitest";
import { invoicedPaymentStatuses } from "#db/schema/index";
import { useOwnDatabase } from "../../test/setup/own-database";
import { queryPlansDuring, walksWholeMerchant } from "../../test/setup/query-plans";

// The reads that run on every request about a merchant's subscriptions (settling the pending
// cancellations whose period has ended) and the dashboard overview's at-risk list and refunds:
// they read a few rows from an index (migration 0010), never every subscription, wallet or
// refund of the merchant, and a customer's timeline reads only that customer's audit rows and
// events. At 1,000,000 customers the settle step alone cost 0.17 s a request,
// the at-risk list 3.9 s.
useOwnDatabase("at-scale-plans");

let m: {
  db: typeof import("~/utils/db.server");
  subs: typeof import("./subscriptions.server");
  overview: typeof import("./merchant-overview.server");
};
let merchantId: string;
const subscriptionIds: string[] = [];
const actor = { type: "system" } as const;
const DAY_MS = 86_400_000;

beforeAll(async () => {
  m = { db: await import("~/utils/db.server"), subs: await import("./subscriptions.server"), overview: await import("./merchant-overview.server") };
  const { createMerchant } = await import("./merchants.server");
  const { createCustomer } = await import("./customers.server");
  const { createProduct } = await import("./products.server");
  merchantId = createMerchant({ name: "Plans" }).merchant.id;
  const product = m.db.writeTransaction(() =>
    createProduct({ merchantId, input: { name: "Pro", type: "subscription", price: 1000, currency: "USD", interval: "month" }, actor }),
  );
  for (let i = 0; i < 4; i++) {
    m.db.writeTransaction(() => {
      const c = createCustomer({ merchantId, input: { email: `p${i}@example.com` }, actor });
      subscriptionIds.push(m.subs.createSubscription({ merchantId, input: { customer_id: c.id, product_id: product.id }, actor }).subscription.id);
    });
  }
});

const statusOf = (id: string) => m.db.sqlite.prepare("select status, cancel_at_period_end as pending from subscriptions where id = ?").get(id);

describe("pending cancellations", () => {
  it("settles exactly the due ones: pending and past their period's end", () => {
    const [due, upcoming, plain, cancelled] = subscriptionIds;
    m.db.writeTransaction(() => {
      for (const id of [due!, upcoming!]) m.subs.scheduleCancellation({ merchantId, id, atPeriodEnd: true, actor });
      m.subs.scheduleCancellation({ merchantId, id: cancelled!, atPeriodEnd: false, actor });
    });
    // The due one's period ended yesterday; a plain subscription past its period end is renewed, not cancelled.
    const past = Date.now() - DAY_MS;
    m.db.sqlite.prepare("update subscriptions set current_period_end = ? where id in (?, ?)").run(past, due, plain);

    expect(m.subs.settleDueCancellations({ merchantId })).toBe(1);
    expect(statusOf(due!)).toEqual({ status: "cancelled", pending: 0 });
    expect(statusOf(upcoming!)).toEqual({ status: "active", pending: 1 });
    expect(statusOf(plain!)).toEqual({ status: "active", pending: 0 });
    expect(statusOf(cancelled!)).toEqual({ status: "cancelled", pending: 0 });
    expect(m.subs.settleDueCancellations({ merchantId })).toBe(0);
    // The overview lists the upcoming one.
    expect(m.overview.listAtRisk({ merchantId }).filter((r) => r.kind === "cancelling").map((r) => r.objectId)).toEqual([upcoming]);
  });

  it("finds them through the pending-cancellation index, for a merchant and for one customer", () => {
    const customerId = m.db.sqlite.prepare("select customer_id from subscriptions where id = ?").pluck().get(subscriptionIds[0]) as string;
    for (const scope of [{ merchantId }, { merchantId, customerId }]) {
      const plans = queryPlansDuring(m.db.sqlite, () => m.subs.settleDueCancellations(scope));
      expect(plans.length).toBeGreaterThan(0);
      for (const { source, plan } of plans) {
        expect(plan, source).not.toMatch(walksWholeMerchant);
        if (!scope.customerId) expect(plan, source).toMatch(/subscriptions_pending_cancellation_idx \(merchant_id=\? AND current_period_end<\?\)/);
      }
    }
  });
});

describe("the dashboard overview", () => {
  it("reads the at-risk list and the month's refunds by index, not every row", () => {
    const plans = queryPlansDuring(m.db.sqlite, () => {
      m.overview.listAtRisk({ merchantId });
      m.overview.getMerchantOverview({ merchantId });
    });
    const all = plans.map((p) => p.plan).join("\n");
    expect(all).toMatch(/SEARCH s USING INDEX subscriptions_past_due_idx \(merchant_id=\?\)/);
    expect(all).toMatch(/subscriptions_pending_cancellation_idx \(merchant_id=\? AND current_period_end>\?\)/);
    // Wallets newest first, each one's owner checked by its customer's id, until enough are low.
    expect(all).toMatch(/SCAN w USING INDEX wallets_updated_idx/);
    expect(all).not.toMatch(/SEARCH c USING (COVERING )?INDEX customers_merchant\w+ \(merchant_id=\?\)/);
    expect(all).toMatch(/refunds_merchant_created_idx \(merchant_id=\? AND created_at>\? AND created_at<\?\)/);
    expect(all).not.toMatch(/SCAN refunds/);
    // Active subscriptions and new customers from indexes alone, less a few rows of small ones.
    expect(all).toMatch(/SEARCH subscriptions USING COVERING INDEX subscriptions_live_product_idx \(merchant_id=\?\)/);
    expect(all).toMatch(/subscriptions_pending_cancellation_idx \(merchant_id=\? AND current_period_end<\?\)/);
    expect(all).toMatch(/SEARCH customers USING COVERING INDEX customers_merchant_created_idx \(merchant_id=\? AND created_at>\? AND created_at<\?\)/);
    expect(all).toMatch(/SEARCH customers USING INDEX customers_deleted_idx \(merchant_id=\? AND created_at>\? AND created_at<\?\)/);
    expect(all).not.toMatch(/SEARCH payments USING INDEX payments_merchant_created_idx \(merchant_id=\? AND created_at>\?\)/);
  });

  it("counts active subscriptions until a pending cancellation's period ends, and new customers still live", () => {
    const usd = () => m.overview.getMerchantOverview({ merchantId }).currencies.find((c) => c.currency === "USD")?.activeSubscriptions;
    const newCustomers = () => m.overview.getMerchantOverview({ merchantId }).newCustomers;
    // From the first test: one pending cancellation still in its period, one plain, two cancelled.
    expect(usd()).toBe(2);
    const [, upcoming, plain] = subscriptionIds;
    // A pending cancellation whose period has ended, not yet settled (nothing read its subscriptions).
    m.db.sqlite.prepare("update subscriptions set current_period_end = ? where id = ?").run(Date.now() - 1000, upcoming);
    expect(usd()).toBe(1);
    m.db.sqlite.prepare("update subscriptions set status = 'trialing' where id = ?").run(plain);
    expect(usd()).toBe(1);
    m.db.sqlite.prepare("update subscriptions set status = 'past_due' where id = ?").run(plain);
    expect(usd()).toBeUndefined();
    const live = newCustomers();
    expect(live).toBeGreaterThanOrEqual(4);
    m.db.sqlite.prepare("update customers set deleted_at = ? where id = (select customer_id from subscriptions where id = ?)").run(Date.now(), plain);
    expect(newCustomers()).toBe(live - 1);
  });
});

describe("payment_days (the overview's sums, kept by triggers)", () => {
  // What the triggers must hold at every moment: the same sums read from payments and refunds,
  // "invoiced" meaning what the rest of the app means by it.
  const invoiced = invoicedPaymentStatuses.map((s) => `'${s}'`).join(", ");
  const fromRows = () =>
    m.db.sqlite
      .prepare(
        `select merchant_id, day, currency, sum(invoiced) as invoiced, sum(failed) as failed, sum(refunded) as refunded from (
           select merchant_id, created_at / 86400000 as day, currency, case when status in (${invoiced}) then amount else 0 end as invoiced,
             case when status = 'failed' then 1 else 0 end as failed, 0 as refunded from payments
           union all select merchant_id, created_at / 86400000, currency, 0, 0, amount from refunds)
         group by 1, 2, 3 having sum(invoiced) <> 0 or sum(failed) <> 0 or sum(refunded) <> 0 order by 1, 2, 3`,
      )
      .all();
  const kept = () =>
    m.db.sqlite
      .prepare(
        "select merchant_id, day, currency, invoiced_amount as invoiced, failed_payments as failed, refunded from payment_days where invoiced_amount <> 0 or failed_payments <> 0 or refunded <> 0 order by 1, 2, 3",
      )
      .all();

  it("counts as invoiced exactly the statuses the app calls invoiced (the triggers' SQL cannot import the list)", () => {
    const triggers = m.db.sqlite.prepare("select name, sql from sqlite_master where type = 'trigger' and name like 'payment_days_payment_%'").all() as { name: string; sql: string }[];
    expect(triggers.map((t) => t.name).sort()).toEqual(["payment_days_payment_delete", "payment_days_payment_insert", "payment_days_payment_update"]);
    for (const { name, sql } of triggers) {
      for (const list of sql.matchAll(/IN \(([^)]*)\)/g)) expect(list[1], name).toBe(invoiced);
      expect(sql.match(/IN \(/g)?.length, name).toBe(name.endsWith("update") ? 2 : 1);
    }
  });

  it("equals the payments' and refunds' own sums through creates, settling, refunds and other connections' writes", async () => {
    const { createCustomer } = await import("./customers.server");
    const { createPayment, settlePayment, refundPayment } = await import("./payments.server");
    const customerId = m.db.writeTransaction(() => createCustomer({ merchantId, input: { email: "days@example.com" }, actor })).id;
    const pay = (status: "succeeded" | "failed" | "pending", amount: number, daysAgo: number, currency = "USD") =>
      m.db.writeTransaction(
        () =>
          createPayment({
            merchantId,
            input: { customer_id: customerId, status, currency, items: [{ description: "x", quantity: 1, unit_amount: amount }], created_at: new Date(Date.now() - daysAgo * DAY_MS) },
            actor,
          }).payment.id,
      );
    const a = pay("succeeded", 5000, 1);
    pay("succeeded", 3000, 1);
    pay("failed", 700, 3);
    const pending = pay("pending", 1200, 2, "KRW");
    const pendingToFail = pay("pending", 800, 40);
    expect(kept()).toEqual(fromRows());
    m.db.writeTransaction(() => settlePayment({ merchantId, id: pending, status: "succeeded", actor }));
    m.db.writeTransaction(() => settlePayment({ merchantId, id: pendingToFail, status: "failed", actor }));
    m.db.writeTransaction(() => refundPayment({ merchantId, paymentId: a, amount: 1000, actor }));
    m.db.writeTransaction(() => refundPayment({ merchantId, paymentId: a, actor })); // the rest: refunded
    expect(kept()).toEqual(fromRows());
    expect(kept()).toContainEqual({ merchant_id: merchantId, day: Math.floor((Date.now() - 2 * DAY_MS) / DAY_MS), currency: "KRW", invoiced: 1200, failed: 0, refunded: 0 });

    // A writer without the app (the sqlite3 shell): moved, re-dated, deleted.
    m.db.sqlite.prepare("update payments set created_at = created_at - 5 * 86400000, amount = amount + 1, subtotal = subtotal + 1 where id = ?").run(pending);
    m.db.sqlite.prepare("update refunds set created_at = created_at - 86400000 where payment_id = ?").run(a);
    m.db.sqlite.prepare("delete from refunds where id = (select id from refunds where payment_id = ? order by seq limit 1)").run(a);
    expect(kept()).toEqual(fromRows());
    expect(fromRows().length).toBeGreaterThan(3);
  });
});

describe("a customer's timeline", () => {
  it("reads the customer's audit rows and events from indexes of their own, and only theirs", async () => {
    const { createCustomer } = await import("./customers.server");
    const { emitEvent } = await import("./events.server");
    const { audit } = await import("./audit.server");
    const { customerActivity } = await import("./customer-activity.server");
    const [mine, theirs] = m.db.writeTransaction(() => ["t1", "t2"].map((n) => createCustomer({ merchantId, input: { email: `${n}@example.com` }, actor }).id));
    m.db.writeTransaction(() => {
      for (const id of [mine!, theirs!]) {
        emitEvent({ merchantId, type: "customer.updated", object: { id, object: "customer" }, actor });
        emitEvent({ merchantId, type: "subscription.resumed", object: { id: `sub_of_${id}`, object: "subscription", customer_id: id }, actor });
        audit({ merchantId, actor: { type: "customer", id, portalSessionId: "ps_x" }, action: "profile.updated", objectType: "customer" });
      }
    });
    let entries: ReturnType<typeof customerActivity> = [];
    const plans = queryPlansDuring(m.db.sqlite, () => (entries = customerActivity({ merchantId, customerId: mine! })));
    const webhook = entries.filter((e) => e.kind === "webhook").map((e) => (e as { action: string }).action);
    expect(webhook.sort()).toEqual(["customer.updated", "subscription.resumed"]);
    expect(entries.filter((e) => e.kind === "audit" && e.actorType === "customer").map((e) => (e as { actorId: string | null }).actorId)).toEqual([mine]);
    const all = plans.map((p) => p.plan).join("\n");
    expect(all).toMatch(/SEARCH audit_log USING INDEX audit_log_object_idx \(object_id=\?\)/);
    expect(all).toMatch(/SEARCH audit_log USING INDEX audit_log_customer_actor_idx \(actor_id=\?\)/);
    expect(all).toMatch(/SEARCH webhook_events USING INDEX webhook_events_customer_idx \(merchant_id=\? AND <expr>=\?\)/);
    for (const { source, plan } of plans) expect(plan, source).not.toMatch(walksWholeMerchant);
  });
});
