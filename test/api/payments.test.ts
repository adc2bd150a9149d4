import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, type TestServer } from "../setup/server";
import { startWithTwoMerchants } from "./merchant-helpers";
import { tempDir } from "../setup/own-database";

let server: TestServer;
let api: ApiClient;
let other: ApiClient;
let apiKey: string;
let customerId: string;
let otherCustomerId: string;

const item = (unit_amount: number, extra: Record<string, unknown> = {}) => ({ description: "Pro plan", quantity: 1, unit_amount, ...extra });

/** Two lines with their own tax rates, paid by card: subtotal 4503, tax 491 (399.8 → 400, 90.9 → 91), amount 4994. */
const twoLines = (descriptions: [string, string]) => ({
  items: [
    { description: descriptions[0], quantity: 2, unit_amount: 1999, tax_rate_bps: 1000 },
    { description: descriptions[1], quantity: 1, unit_amount: 505, tax_rate_bps: 1800 },
  ],
  payment_method: { type: "card", brand: "visa", last4: "4242" },
});

async function pay(body: Record<string, unknown> = {}) {
  const res = await api.post("/payments", { customer_id: customerId, status: "succeeded", currency: "usd", items: [item(1000)], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

beforeAll(async () => {
  ({ server, api, otherApi: other, merchant: { apiKey } } = await startWithTwoMerchants());
  customerId = (
    await api.post("/customers", {
      email: "jane@example.com",
      name: "Jane Doe",
      billing_address: { line1: "1 Main St", city: "Portland", postal_code: "97201", country: "US" },
    })
  ).body.id;
  otherCustomerId = (await other.post("/customers", { email: "bob@example.com" })).body.id;
});
afterAll(async () => {
  await server?.stop();
});

describe("POST /payments", () => {
  it("computes subtotal, per-line tax (half away from zero) and amount in minor units", async () => {
    const body = await pay(twoLines(["Seats", "Add-on"]));
    expect(body).toMatchObject({
      object: "payment",
      customer_id: customerId,
      subscription_id: null,
      status: "succeeded",
      currency: "USD",
      subtotal: 4503,
      tax: 491, // 399.8 → 400, 90.9 → 91
      amount: 4994,
      amount_refunded: 0,
      payment_method: { type: "card", brand: "visa", last4: "4242" },
      failure_reason: null,
    });
    expect(body.items).toEqual([
      { description: "Seats", quantity: 2, unit_amount: 1999, tax_rate_bps: 1000, amount: 3998, tax: 400 },
      { description: "Add-on", quantity: 1, unit_amount: 505, tax_rate_bps: 1800, amount: 505, tax: 91 },
    ]);
    expect(body.id).toMatch(/^pay_/);
    expect(body.invoice_number).toMatch(/^INV-\d{6}$/);
  });

  it("handles 0-decimal (KRW) and 3-decimal (KWD) currencies by their minor unit", async () => {
    const krw = await pay({ currency: "krw", items: [item(9900, { tax_rate_bps: 1000 })] });
    expect(krw).toMatchObject({ currency: "KRW", subtotal: 9900, tax: 990, amount: 10890 });
    const kwd = await pay({ currency: "KWD", items: [item(1234, { tax_rate_bps: 500 })] });
    expect(kwd).toMatchObject({ currency: "KWD", subtotal: 1234, tax: 62, amount: 1296 }); // 61.7 → 62
  });

  it("gives no invoice number to pending or failed payments, and keeps failure_reason", async () => {
    const pending = (await api.post("/payments", { customer_id: customerId, status: "pending", currency: "USD", items: [item(500)] })).body;
    expect(pending).toMatchObject({ status: "pending", invoice_number: null });
    const failed = (
      await api.post("/payments", { customer_id: customerId, status: "failed", currency: "USD", items: [item(500)], failure_reason: "card_declined" })
    ).body;
    expect(failed).toMatchObject({ status: "failed", invoice_number: null, failure_reason: "card_declined" });
  });

  it.each([
    ["a float amount", { items: [item(10.5)] }, "items[0].unit_amount"],
    ["a string amount", { items: [item("1000" as unknown as number)] }, "items[0].unit_amount"],
    ["a negative amount", { items: [item(-1)] }, "items[0].unit_amount"],
    ["a zero amount", { items: [item(0)] }, "items[0].unit_amount"],
    ["an amount above 10^12", { items: [item(1_000_000_000_001)] }, "items[0].unit_amount"],
    ["quantity 0", { items: [item(100, { quantity: 0 })] }, "items[0].quantity"],
    ["tax_rate_bps above 10000", { items: [item(100, { tax_rate_bps: 10_001 })] }, "items[0].tax_rate_bps"],
    ["an unknown currency", { currency: "XYZ" }, "currency"],
    ["no items", { items: [] }, "items"],
    ["a status other than succeeded/failed/pending", { status: "refunded" }, "status"],
  ])("refuses %s with 422 and its param", async (_label, patch, param) => {
    const before = (await api.get(`/payments?customer_id=${customerId}&limit=100`)).body.data.length;
    const res = await api.post("/payments", { customer_id: customerId, status: "succeeded", currency: "USD", items: [item(1000)], ...patch });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", param });
    expect((await api.get(`/payments?customer_id=${customerId}&limit=100`)).body.data.length).toBe(before);
  });

  it("refuses a created_at in the future but accepts a backdated import", async () => {
    const future = await api.post("/payments", { customer_id: customerId, status: "succeeded", currency: "USD", items: [item(1)], created_at: "2999-01-01T00:00:00Z" });
    expect(future.status).toBe(422);
    expect(future.body.error.param).toBe("created_at");
    const past = await pay({ created_at: "2024-05-01T12:00:00Z" });
    expect(past.created_at).toBe("2024-05-01T12:00:00.000Z");
  });

  it("refuses a missing currency as parameter_missing and an unknown field as 400", async () => {
    const missing = await api.post("/payments", { customer_id: customerId, status: "succeeded", items: [item(1000)] });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: "parameter_missing", param: "currency" });
    const unknown = await api.post("/payments", { customer_id: customerId, status: "succeeded", currency: "USD", items: [item(1000)], amount: 5 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: "parameter_unknown", param: "amount" });
  });

  it("answers 404 for another merchant's customer or subscription in the body", async () => {
    const foreignCustomer = await api.post("/payments", { customer_id: otherCustomerId, status: "succeeded", currency: "USD", items: [item(1)] });
    expect(foreignCustomer.status).toBe(404);
    expect(foreignCustomer.body.error).toMatchObject({ type: "not_found_error", param: "customer_id" });
    const product = (await other.post("/products", { name: "P", type: "subscription", price: 100, currency: "USD", interval: "month" })).body;
    const sub = (await other.post("/subscriptions", { customer_id: otherCustomerId, product_id: product.id })).body;
    const foreignSub = await api.post("/payments", { customer_id: customerId, subscription_id: sub.id, status: "succeeded", currency: "USD", items: [item(1)] });
    expect(foreignSub.status).toBe(404);
    expect(foreignSub.body.error.param).toBe("subscription_id");
  });

  it("links a payment to the customer's own subscription", async () => {
    const product = (await api.post("/products", { name: "Pro", type: "subscription", price: 1000, currency: "USD", interval: "month" })).body;
    const sub = (await api.post("/subscriptions", { customer_id: customerId, product_id: product.id })).body;
    const payment = await pay({ subscription_id: sub.id });
    expect(payment.subscription_id).toBe(sub.id);
  });
});

describe("payment status and lists", () => {
  it("moves pending → succeeded once and assigns the next invoice number then", async () => {
    const pending = (await api.post("/payments", { customer_id: customerId, status: "pending", currency: "USD", items: [item(700)] })).body;
    const before = await pay();
    const settled = await api.patch(`/payments/${pending.id}`, { status: "succeeded" });
    expect(settled.status).toBe(200);
    expect(settled.body.status).toBe("succeeded");
    const n = (s: string) => Number(s.slice(4));
    expect(n(settled.body.invoice_number)).toBe(n(before.invoice_number) + 1);
    const again = await api.patch(`/payments/${pending.id}`, { status: "failed" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("payment_not_pending");
    expect((await api.get(`/payments/${pending.id}`)).body.invoice_number).toBe(settled.body.invoice_number);
  });

  it("moves pending → failed without an invoice number, and refuses other target statuses", async () => {
    const pending = (await api.post("/payments", { customer_id: customerId, status: "pending", currency: "USD", items: [item(700)] })).body;
    expect((await api.patch(`/payments/${pending.id}`, { status: "refunded" })).status).toBe(422);
    expect((await api.patch(`/payments/${pending.id}`, { status: "pending" })).status).toBe(422);
    const failed = await api.patch(`/payments/${pending.id}`, { status: "failed" });
    expect(failed.body).toMatchObject({ status: "failed", invoice_number: null });
  });

  it("lists newest first with customer_id and status filters, and hides other merchants' payments", async () => {
    const c2 = (await api.post("/customers", { email: "list@example.com" })).body.id;
    const a = await pay({ customer_id: c2 });
    const b = (await api.post("/payments", { customer_id: c2, status: "failed", currency: "USD", items: [item(1)] })).body;
    const list = await api.get(`/payments?customer_id=${c2}`);
    expect(list.body).toMatchObject({ object: "list", has_more: false });
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([b.id, a.id]);
    const failed = await api.get(`/payments?customer_id=${c2}&status=failed`);
    expect(failed.body.data.map((p: { id: string }) => p.id)).toEqual([b.id]);
    const page = await api.get(`/payments?customer_id=${c2}&limit=1`);
    expect(page.body.has_more).toBe(true);
    expect((await other.get(`/payments/${a.id}`)).status).toBe(404);
    expect((await other.get(`/payments?customer_id=${c2}`)).body.data).toEqual([]);
  });
});

describe("refunds", () => {
  it("refunds partially, then the rest by default, and rolls the status up", async () => {
    const payment = await pay({ items: [item(1000)] });
    const first = await api.post(`/payments/${payment.id}/refunds`, { amount: 300, reason: "requested_by_customer" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ object: "refund", payment_id: payment.id, amount: 300, currency: "USD", reason: "requested_by_customer" });
    expect(first.body.id).toMatch(/^re_/);
    expect((await api.get(`/payments/${payment.id}`)).body).toMatchObject({ status: "partially_refunded", amount_refunded: 300 });
    const rest = await api.post(`/payments/${payment.id}/refunds`, {});
    expect(rest.body.amount).toBe(700);
    expect((await api.get(`/payments/${payment.id}`)).body).toMatchObject({ status: "refunded", amount_refunded: 1000 });
    const more = await api.post(`/payments/${payment.id}/refunds`, { amount: 1 });
    expect(more.status).toBe(422);
  });

  it("refuses an over-refund with 422 and changes nothing", async () => {
    const payment = await pay({ items: [item(1000)] });
    const res = await api.post(`/payments/${payment.id}/refunds`, { amount: 1001 });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "refund_exceeds_remaining", param: "amount" });
    expect((await api.get(`/payments/${payment.id}`)).body).toMatchObject({ status: "succeeded", amount_refunded: 0 });
  });

  it.each([
    ["failed", "failed"],
    ["pending", "pending"],
  ])("refuses to refund a %s payment", async (_label, status) => {
    const payment = (await api.post("/payments", { customer_id: customerId, status, currency: "USD", items: [item(1000)] })).body;
    const res = await api.post(`/payments/${payment.id}/refunds`, { amount: 100 });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("payment_not_refundable");
  });

  it.each([
    [0, "zero"],
    [-5, "negative"],
    [1.5, "float"],
    ["100", "string"],
  ] as [unknown, string][])("refuses refund amount %j (%s)", async (amount) => {
    const payment = await pay();
    const res = await api.post(`/payments/${payment.id}/refunds`, { amount });
    expect(res.status).toBe(422);
    expect(res.body.error.param).toBe("amount");
  });

  it("never refunds more than the amount under concurrency", async () => {
    const payment = await pay({ items: [item(1000)] });
    const results = await Promise.all(Array.from({ length: 20 }, () => api.post(`/payments/${payment.id}/refunds`, { amount: 300 })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 422)).toHaveLength(17);
    expect((await api.get(`/payments/${payment.id}`)).body).toMatchObject({ status: "partially_refunded", amount_refunded: 900 });
  });

  it("answers 404 for another merchant's payment", async () => {
    const payment = await pay();
    expect((await other.post(`/payments/${payment.id}/refunds`, { amount: 1 })).status).toBe(404);
  });
});

describe("invoice numbers under concurrency", () => {
  it("gives 50 parallel succeeded payments of a new merchant INV-000001…INV-000050, each once", async () => {
    const fresh = apiClient(server.url, createMerchant(server.dbFile, "Parallel Co").apiKey);
    const cust = (await fresh.post("/customers", { email: "p@example.com" })).body.id;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => fresh.post("/payments", { customer_id: cust, status: "succeeded", currency: "USD", items: [item(100)] })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const numbers = results.map((r) => r.body.invoice_number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => `INV-${String(i + 1).padStart(6, "0")}`));
  });
});

describe("GET /payments/{id}/invoice", () => {
  const pdfText = (bytes: ArrayBuffer) => {
    const file = path.join(tempDir("invoice-"), "invoice.pdf");
    fs.writeFileSync(file, Buffer.from(bytes));
    return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  };
  const fetchInvoice = (id: string, key = apiKey, query = "") =>
    fetch(`${server.url}/api/v1/payments/${id}/invoice${query}`, { headers: { Authorization: `Bearer ${key}` } });

  it("returns a PDF whose text has the invoice number, parties, lines, totals and refunds", async () => {
    const payment = await pay(twoLines(["Pro plan (monthly)", "Priority support"]));
    await api.post(`/payments/${payment.id}/refunds`, { amount: 994, reason: "Duplicate seat" });
    const res = await fetchInvoice(payment.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${payment.invoice_number}.pdf"`);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const bytes = await res.arrayBuffer();
    expect(Buffer.from(bytes).subarray(0, 5).toString()).toBe("%PDF-");
    const text = pdfText(bytes);
    for (const expected of [payment.invoice_number, "Acme", "Jane Doe", "jane@example.com", "1 Main St", "Pro plan (monthly)", "Priority support", "$45.03", "$4.91", "$49.94", "-$9.94", "$40.00", "Duplicate seat", "4242"]) {
      expect(text).toContain(expected);
    }
  });

  it("serves the cached document again, and a new one once a refund changes it", async () => {
    const payment = await pay({ items: [item(2500)] });
    const first = Buffer.from(await (await fetchInvoice(payment.id)).arrayBuffer());
    const second = Buffer.from(await (await fetchInvoice(payment.id)).arrayBuffer());
    expect(second.equals(first)).toBe(true);
    await api.post(`/payments/${payment.id}/refunds`, { amount: 500 });
    const third = await fetchInvoice(payment.id);
    expect(pdfText(await third.arrayBuffer())).toContain("$5.00");
  });

  it("keeps a deleted customer's payments and invoices retrievable", async () => {
    const gone = (await api.post("/customers", { email: "gone@example.com", name: "Gone Customer" })).body.id;
    const payment = await pay({ customer_id: gone });
    expect((await api.del(`/customers/${gone}`)).status).toBe(200);
    expect((await api.get(`/payments/${payment.id}`)).body.id).toBe(payment.id);
    const res = await fetchInvoice(payment.id);
    expect(res.status).toBe(200);
    expect(pdfText(await res.arrayBuffer())).toContain("Gone Customer");
  });

  it("answers JSON 404 for a payment without an invoice, another merchant's payment, and 401 without a key", async () => {
    const failed = (await api.post("/payments", { customer_id: customerId, status: "failed", currency: "USD", items: [item(1)] })).body;
    const noInvoice = await fetchInvoice(failed.id);
    expect(noInvoice.status).toBe(404);
    expect((await noInvoice.json()).error.type).toBe("not_found_error");
    const mine = await pay();
    const otherKey = createMerchant(server.dbFile, "Initech").apiKey;
    expect((await fetchInvoice(mine.id, otherKey)).status).toBe(404);
    expect((await fetchInvoice(mine.id, "sk_test_nope")).status).toBe(401);
    expect((await fetchInvoice(mine.id, apiKey, "?locale=not a locale")).status).toBe(422);
  });
});
