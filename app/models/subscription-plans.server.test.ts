import { beforeAll, describe, expect, it } from "vitest";
import { useOwnDatabase } from "../../test/setup/own-database";
import { queryPlansDuring, walksWholeMerchant } from "../../test/setup/query-plans";

// The reads that run on every request about a merchant's subscriptions (settling the pending
// cancellations whose period has ended) and the overview's upcoming cancellations and refunds:
// they read a few rows from an index (migration 0010), never every subscription or refund. At
// 300,000 subscriptions the settle step alone cost 0.17 s a request.
useOwnDatabase("subscription-plans");

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
  it("reads upcoming cancellations and the month's refunds by index, not every row", () => {
    const plans = queryPlansDuring(m.db.sqlite, () => {
      m.overview.listAtRisk({ merchantId });
      m.overview.getMerchantOverview({ merchantId });
    });
    const all = plans.map((p) => p.plan).join("\n");
    expect(all).toMatch(/subscriptions_pending_cancellation_idx \(merchant_id=\? AND current_period_end>\?\)/);
    expect(all).toMatch(/refunds_merchant_created_idx \(merchant_id=\? AND created_at>\? AND created_at<\?\)/);
    expect(all).not.toMatch(/SCAN refunds/);
  });
});
