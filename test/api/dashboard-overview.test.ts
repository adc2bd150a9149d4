import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMerchant, startServer, type MerchantFixture, type TestServer } from "../setup/server";
import { allTestIdTexts, api, createStaff, get, signIn, testIdText } from "./dashboard-helpers";

// The overview against hand-computed figures: backdated payments through the API, a refund, a
// failed payment, a past-due and a cancelling subscription, a key at its limit, a low wallet.
vi.setConfig({ testTimeout: 120_000 });

let server: TestServer;
let merchant: MerchantFixture;
let cookie: string;
const ids: Record<string, string> = {};
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_SCALE: "100" } });
  merchant = createMerchant(server.dbFile, "Overview Co", "overview-co");
  const other = createMerchant(server.dbFile, "Elsewhere", "elsewhere");
  const staff = createStaff(server, { merchant: merchant.slug, email: "viewer@overview.example", role: "viewer" });
  cookie = (await signIn(server, staff.email, staff.password)).cookie;
  const a = api(server, merchant.apiKey);
  const customer = async (email: string, name: string) => (await a.post("/customers", { email, name })).body.id as string;
  ids.ada = await customer("ada@example.com", "Ada");
  ids.bo = await customer("bo@example.com", "보영");
  const pay = async (customer_id: string, amount: number, daysAgo: number, status = "succeeded", currency = "usd") => {
    const res = await a.post("/payments", { customer_id, status, currency, items: [{ description: "Plan", quantity: 1, unit_amount: amount }], created_at: new Date(Date.now() - daysAgo * DAY).toISOString() });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  ids.recent = await pay(ids.ada, 5000, 1);
  await pay(ids.ada, 3000, 10);
  await pay(ids.ada, 2000, 40);
  await pay(ids.ada, 9999, 70); // in the chart, outside the cards
  await pay(ids.bo, 70000, 2, "succeeded", "krw");
  ids.failed = await pay(ids.bo, 1500, 3, "failed");
  await pay(ids.ada, 700, 5, "failed");
  await pay(ids.ada, 700, 4); // settles Ada's failure
  expect((await a.post(`/payments/${ids.recent}/refunds`, { amount: 1000 })).status).toBe(201);
  const product = (await a.post("/products", { name: "Team", type: "subscription", price: 900, currency: "usd", interval: "month" })).body.id;
  ids.pastDue = (await a.post("/subscriptions", { customer_id: ids.bo, product_id: product, status: "past_due" })).body.id;
  ids.cancelling = (await a.post("/subscriptions", { customer_id: ids.ada, product_id: product })).body.id;
  await a.post(`/subscriptions/${ids.cancelling}/cancel`, { at_period_end: true });
  await a.post("/subscriptions", { customer_id: ids.ada, product_id: product });
  const key = (await a.post("/license-keys", { customer_id: ids.ada, activations_limit: 1 })).body;
  ids.key = key.id;
  await a.post("/licenses/activate", { license_key: key.key, name: "Laptop" });
  await a.post(`/customers/${ids.bo}/wallets/ledger-entries`, { currency: "usd", amount: 1000, entry_type: "credit" });
  await a.post(`/customers/${ids.bo}/wallets/ledger-entries`, { currency: "usd", amount: 950, entry_type: "debit" });
  // Another merchant's money is never counted.
  const stranger = (await api(server, other.apiKey).post("/customers", { email: "s@example.com" })).body.id;
  await api(server, other.apiKey).post("/payments", { customer_id: stranger, status: "succeeded", currency: "usd", items: [{ description: "x", quantity: 1, unit_amount: 123456 }] });
}, 180_000);
afterAll(async () => {
  await server?.stop();
});

describe("overview", () => {
  it("cards per currency: gross of the last 30 days against the 30 before, refunds, failed payments, active subscriptions, new customers", async () => {
    const res = await get(`${server.url}/dashboard`, cookie);
    expect(res.status).toBe(200);
    expect(testIdText(res.text, "gross-USD")).toBe("$87.00");
    expect(res.text).toContain("$20.00 in the 30 days before");
    expect(testIdText(res.text, "refunds-USD")).toBe("$10.00");
    expect(testIdText(res.text, "failed-USD")).toBe("2");
    expect(testIdText(res.text, "active-USD")).toBe("2");
    expect(testIdText(res.text, "gross-KRW")).toBe("₩70,000");
    expect(testIdText(res.text, "new-customers")).toBe("2");
  });

  it("draws 90 days of revenue as SVG with a title, and the same figures as a table", async () => {
    const res = await get(`${server.url}/dashboard?currency=usd`, cookie);
    const svg = /<svg[^>]*role="img"[\s\S]*?<\/svg>/.exec(res.text)?.[0] ?? "";
    expect(svg).toContain("<title");
    const bars = [...svg.matchAll(/data-amount="(\d+)"/g)].map((m) => Number(m[1]));
    expect(bars).toHaveLength(90);
    expect(bars.reduce((s, n) => s + n, 0)).toBe(5000 + 3000 + 2000 + 9999 + 700);
    expect(res.text).toContain('data-testid="revenue-table-USD"');
    const krw = await get(`${server.url}/dashboard?currency=KRW`, cookie);
    expect(krw.text).toContain('data-testid="revenue-chart-KRW"');
  });

  it("lists what is at risk, each row linking to its customer", async () => {
    const res = await get(`${server.url}/dashboard`, cookie);
    const kinds = [...res.text.matchAll(/data-testid="at-risk-row" data-kind="([a-z_]+)"/g)].map((m) => m[1]).sort();
    expect(kinds).toEqual(["cancelling", "failed_payment", "license_at_limit", "low_wallet", "past_due"]);
    expect(res.text).toContain(`href="/dashboard/customers/${ids.bo}"`);
    expect(allTestIdTexts(res.text, "at-risk-row").length).toBe(5);
  });
});
