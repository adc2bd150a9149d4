import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";

// API.md "Billing overview" and `expand[]=summary`, against sums worked out by hand below.

let server: TestServer;
let api: ApiClient;
let other: ApiClient;

const DAY = 86_400_000;
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();

let rich: string; // the customer with everything
let plain: string; // a customer with nothing billed
let single: string; // one subscription, one payment
const times: Record<string, string> = {};

async function ok<T = any>(p: Promise<{ status: number; body: T }>, status = 201): Promise<T> {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

async function pay(customerId: string, opts: { amount: number; status: string; currency?: string; sub?: string; daysAgo: number; label: string }) {
  const body = await ok(
    api.post("/payments", {
      customer_id: customerId,
      subscription_id: opts.sub,
      status: opts.status,
      currency: opts.currency ?? "usd",
      items: [{ description: opts.label, quantity: 1, unit_amount: opts.amount }],
      created_at: at(opts.daysAgo),
    }),
  );
  times[opts.label] = body.created_at;
  return body.id as string;
}

beforeAll(async () => {
  server = await startServer();
  api = apiClient(server.url, createMerchant(server.dbFile, "Overview").apiKey);
  other = apiClient(server.url, createMerchant(server.dbFile, "Elsewhere").apiKey);
  const product = (name: string, price: number) => ok(api.post("/products", { name, type: "subscription", price, currency: "usd", interval: "month" }));
  const pro = (await product("Pro", 1500)).id;
  const team = (await product("Team", 4900)).id;
  const basic = (await product("Basic", 900)).id;

  rich = (await ok(api.post("/customers", { email: "rich@overview.example" }))).id;
  plain = (await ok(api.post("/customers", { email: "plain@overview.example" }))).id;
  single = (await ok(api.post("/customers", { email: "single@overview.example" }))).id;

  const sub = (customer: string, product_id: string, status: string, quantity = 1) =>
    ok(api.post("/subscriptions", { customer_id: customer, product_id, status, quantity })).then((s) => s.id as string);
  const s1 = await sub(rich, pro, "active");
  await sub(rich, team, "trialing");
  await sub(rich, pro, "past_due", 2); // overdue by its period's 2 × 1500, no payment stands for it
  const s4 = await sub(rich, team, "past_due"); // its failed payment stands for it
  const s5 = await sub(rich, basic, "active");
  await ok(api.post(`/subscriptions/${s5}/cancel`, { at_period_end: false }), 200);
  // Ends at its period end (a month ahead): live until the clock passes it.
  const s6 = await sub(rich, basic, "active");
  await ok(api.post(`/subscriptions/${s6}/cancel`, {}), 200);

  // USD, oldest first.
  await pay(rich, { label: "P8 failed, settled by P1", amount: 800, status: "failed", daysAgo: 30 });
  await pay(rich, { label: "P1 succeeded", amount: 10_000, status: "succeeded", daysAgo: 29 });
  const p2 = await pay(rich, { label: "P2 partially refunded", amount: 5000, status: "succeeded", daysAgo: 28 });
  const p3 = await pay(rich, { label: "P3 refunded", amount: 3000, status: "succeeded", daysAgo: 27 });
  await pay(rich, { label: "P4 failed for S1, settled by P5", amount: 1500, status: "failed", sub: s1, daysAgo: 26 });
  await pay(rich, { label: "P5 succeeded for S1", amount: 1500, status: "succeeded", sub: s1, daysAgo: 25 });
  await pay(rich, { label: "P6 failed for S4", amount: 4900, status: "failed", sub: s4, daysAgo: 24 });
  await pay(rich, { label: "P7 pending", amount: 700, status: "pending", daysAgo: 23 });
  await ok(api.post(`/payments/${p2}/refunds`, { amount: 2000 }));
  await ok(api.post(`/payments/${p3}/refunds`, {}));
  // KRW: a success, then a failure nothing settled.
  await pay(rich, { label: "K1 succeeded", amount: 19_000, status: "succeeded", currency: "krw", daysAgo: 22 });
  await pay(rich, { label: "K2 failed", amount: 19_000, status: "failed", currency: "krw", daysAgo: 21 });
  await ok(api.post(`/customers/${rich}/wallets/ledger-entries`, { currency: "usd", amount: 5000, entry_type: "credit" }));
  await ok(api.post(`/customers/${rich}/wallets/ledger-entries`, { currency: "usd", amount: 1000, entry_type: "debit" }));
  await ok(api.post(`/customers/${rich}/wallets/ledger-entries`, { currency: "krw", amount: 1000, entry_type: "credit" }));

  await sub(single, team, "active");
  await pay(single, { label: "single", amount: 4900, status: "succeeded", daysAgo: 1 });
});
afterAll(async () => {
  await server?.stop();
});

// By hand. USD gross: P1 10000 + P2 5000 + P3 3000 + P5 1500 = 19500; refunded 2000 + 3000 = 5000;
// overdue: P6 4900 (no later success for S4) + P7 700 (no later USD success) + S3 2 × 1500 = 8600
// (P4 is settled by P5, P8 by P1; S4 is covered by P6); failed: P8, P4, P6 = 3.
// KRW: gross 19000, overdue K2 19000, failed 1.
const richOverview = () => ({
  object: "billing_overview",
  customer_id: rich,
  currencies: [
    { currency: "KRW", gross_revenue: 19_000, refunded: 0, net_revenue: 19_000, overdue: 19_000, failed_payments: 1, last_payment_at: times["K2 failed"] },
    { currency: "USD", gross_revenue: 19_500, refunded: 5000, net_revenue: 14_500, overdue: 8600, failed_payments: 3, last_payment_at: times["P7 pending"] },
  ],
  active_subscriptions: 3, // S1 active, S2 trialing, S6 active until its period ends
  past_due_subscriptions: 2,
});

describe("GET /customers/{id}/billing-overview", () => {
  it("sums succeeded, refunded and partially refunded payments, and what failed and pending ones leave overdue", async () => {
    const res = await api.get(`/customers/${rich}/billing-overview`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(richOverview());
  });

  it("is empty for a customer with nothing billed", async () => {
    const res = await api.get(`/customers/${plain}/billing-overview`);
    expect(res.body).toEqual({ object: "billing_overview", customer_id: plain, currencies: [], active_subscriptions: 0, past_due_subscriptions: 0 });
  });

  it("settling the pending payment clears its overdue amount; a success for another subscription does not settle P6", async () => {
    const pending = (await api.get(`/payments?customer_id=${rich}&status=pending`)).body.data[0];
    await ok(api.patch(`/payments/${pending.id}`, { status: "failed" }), 200);
    let usd = (await api.get(`/customers/${rich}/billing-overview`)).body.currencies[1];
    expect(usd).toMatchObject({ overdue: 8600, failed_payments: 4 });
    // A later success without a subscription settles every earlier failure without one (P7), not P6 of S4.
    await pay(rich, { label: "P9 succeeded", amount: 100, status: "succeeded", daysAgo: 0.5 });
    usd = (await api.get(`/customers/${rich}/billing-overview`)).body.currencies[1];
    expect(usd).toMatchObject({ gross_revenue: 19_600, net_revenue: 14_600, overdue: 7900, failed_payments: 4, last_payment_at: times["P9 succeeded"] });
  });

  it("is 404 for another merchant's customer and for a deleted one", async () => {
    expect((await other.get(`/customers/${rich}/billing-overview`)).status).toBe(404);
    const gone = (await ok(api.post("/customers", { email: "gone@overview.example" }))).id;
    await ok(api.del(`/customers/${gone}`), 200);
    expect((await api.get(`/customers/${gone}/billing-overview`)).status).toBe(404);
    expect((await api.get(`/customers/${rich}/billing-overview?expand[]=summary`)).status).toBe(400);
  });
});

describe("expand[]=summary", () => {
  const richSummary = { active_subscriptions: 3, plans: ["Basic", "Pro", "Team"], wallet_balances: { KRW: 1000, USD: 4000 }, lifetime_revenue: { KRW: 19_000, USD: 14_600 } };

  it("adds the summary on retrieve, and only when asked", async () => {
    const res = await api.get(`/customers/${rich}?expand[]=summary`);
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual(richSummary);
    expect((await api.get(`/customers/${rich}`)).body).not.toHaveProperty("summary");
    expect((await api.get(`/customers/${rich}?expand[]=wallets`)).status).toBe(422);
  });

  it("adds each customer's own summary to a list page, matching the billing overview's net revenue", async () => {
    const res = await api.get("/customers?expand[]=summary&limit=10");
    expect(res.status).toBe(200);
    const byId = new Map<string, any>(res.body.data.map((c: any) => [c.id, c.summary]));
    expect(byId.get(rich)).toEqual(richSummary);
    expect(byId.get(plain)).toEqual({ active_subscriptions: 0, plans: [], wallet_balances: {}, lifetime_revenue: {} });
    expect(byId.get(single)).toEqual({ active_subscriptions: 1, plans: ["Team"], wallet_balances: {}, lifetime_revenue: { USD: 4900 } });
    const overview = (await api.get(`/customers/${rich}/billing-overview`)).body;
    for (const c of overview.currencies) expect(byId.get(rich).lifetime_revenue[c.currency]).toBe(c.net_revenue);
  });

  it("follows the clock: a pending cancellation whose period has ended no longer counts", async () => {
    await server.setClock(40 * DAY);
    try {
      const summary = (await api.get(`/customers/${rich}?expand[]=summary`)).body.summary;
      expect(summary).toMatchObject({ active_subscriptions: 2, plans: ["Pro", "Team"] });
      expect((await api.get(`/customers/${rich}/billing-overview`)).body).toMatchObject({ active_subscriptions: 2, past_due_subscriptions: 2 });
    } finally {
      await server.setClock(0);
    }
  });
});
