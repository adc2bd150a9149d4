import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../setup/api";
import type { TestServer } from "../setup/server";
import { startWithTwoMerchants } from "./merchant-helpers";

let server: TestServer;
let api: ApiClient;
let other: ApiClient;
let customerId: string;
let otherCustomerId: string;
let monthly: { id: string };
let otherProduct: { id: string };
let clockMs = 0;

const DAY = 86_400_000;

/** Webhook outbox rows for one object, oldest first (read straight from the server's SQLite file). */
function eventsFor(objectId: string) {
  const db = new Database(server.dbFile, { readonly: true });
  try {
    return (db.prepare("select type, payload from webhook_events order by seq").all() as { type: string; payload: string }[])
      .map((e) => ({ type: e.type, object: JSON.parse(e.payload).data.object }))
      .filter((e) => e.object.id === objectId);
  } finally {
    db.close();
  }
}

async function subscribe(body: Record<string, unknown> = {}) {
  const res = await api.post("/subscriptions", { customer_id: customerId, product_id: monthly.id, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

beforeAll(async () => {
  ({ server, api, otherApi: other } = await startWithTwoMerchants());
  customerId = (await api.post("/customers", { email: "jane@example.com" })).body.id;
  otherCustomerId = (await other.post("/customers", { email: "bob@example.com" })).body.id;
  monthly = (await api.post("/products", { name: "Pro", type: "subscription", price: 1500, currency: "usd", interval: "month" })).body;
  otherProduct = (await other.post("/products", { name: "Theirs", type: "subscription", price: 1, currency: "USD", interval: "year" })).body;
});
afterAll(async () => {
  await server?.stop();
});

describe("products", () => {
  it("creates subscription and one-time products with the API.md shape", async () => {
    expect(monthly).toMatchObject({ object: "product", name: "Pro", type: "subscription", price: 1500, currency: "USD", interval: "month", interval_count: 1, description: null });
    expect(monthly.id).toMatch(/^prod_/);
    const once = await api.post("/products", { name: "Desktop app", description: "Lifetime", type: "one_time", price: 4900, currency: "KRW" });
    expect(once.status).toBe(201);
    expect(once.body).toMatchObject({ type: "one_time", interval: null, interval_count: null, currency: "KRW" });
    const quarterly = await api.post("/products", { name: "Q", type: "subscription", price: 1, currency: "USD", interval: "month", interval_count: 3 });
    expect(quarterly.body.interval_count).toBe(3);
  });

  it.each([
    ["a subscription without interval", { type: "subscription" }, "interval", "parameter_missing"],
    ["a one-time product with an interval", { type: "one_time", interval: "month" }, "interval", "parameter_invalid"],
    ["a period over a year", { type: "subscription", interval: "month", interval_count: 13 }, "interval_count", "parameter_invalid"],
    ["a float price", { type: "one_time", price: 9.99 }, "price", "parameter_invalid"],
    ["a string price", { type: "one_time", price: "999" }, "price", "parameter_invalid"],
    ["a negative price", { type: "one_time", price: -1 }, "price", "parameter_invalid"],
    ["a price above 10^12", { type: "one_time", price: 1e12 + 1 }, "price", "parameter_invalid"],
    ["an unknown currency", { type: "one_time", currency: "ABC" }, "currency", "parameter_invalid"],
    ["an unknown type", { type: "lifetime" }, "type", "parameter_invalid"],
    ["a name over 200 characters", { type: "one_time", name: "x".repeat(201) }, "name", "parameter_invalid"],
  ])("refuses %s", async (_label, patch, param, code) => {
    const res = await api.post("/products", { name: "X", price: 100, currency: "USD", ...patch });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ param, code });
  });

  it("gets, patches name/description only, lists newest first, and hides other merchants' products", async () => {
    const created = (await api.post("/products", { name: "Old", type: "one_time", price: 100, currency: "USD" })).body;
    const patched = await api.patch(`/products/${created.id}`, { name: "New", description: "Better" });
    expect(patched.body).toMatchObject({ name: "New", description: "Better", price: 100 });
    expect((await api.patch(`/products/${created.id}`, { price: 5 })).status).toBe(400);
    expect((await api.get(`/products/${created.id}`)).body.name).toBe("New");
    const list = await api.get("/products?limit=2");
    expect(list.body.data[0].id).toBe(created.id);
    expect(list.body.has_more).toBe(true);
    const oneTime = (await api.get("/products?type=one_time&limit=100")).body.data as { type: string }[];
    expect(oneTime.length).toBeGreaterThan(0);
    expect(oneTime.every((p) => p.type === "one_time")).toBe(true);
    expect((await other.get(`/products/${created.id}`)).status).toBe(404);
    expect((await other.patch(`/products/${created.id}`, { name: "Mine" })).status).toBe(404);
  });
});

describe("subscriptions", () => {
  it("defaults quantity, status and the period from the product's interval", async () => {
    const sub = await subscribe({ current_period_start: "2026-01-31T00:00:00.000Z" });
    expect(sub).toMatchObject({
      object: "subscription",
      customer_id: customerId,
      product_id: monthly.id,
      product_name: "Pro",
      status: "active",
      quantity: 1,
      amount: 1500,
      currency: "USD",
      interval: "month",
      interval_count: 1,
      current_period_start: "2026-01-31T00:00:00.000Z",
      current_period_end: "2026-02-28T00:00:00.000Z",
      cancel_at_period_end: false,
      cancelled_at: null,
      cancel_reason: null,
      cancel_feedback: null,
    });
    const now = await subscribe({ quantity: 3, status: "trialing" });
    expect(now).toMatchObject({ quantity: 3, amount: 4500, status: "trialing" });
    expect(Date.parse(now.current_period_end) - Date.parse(now.current_period_start)).toBeGreaterThanOrEqual(28 * DAY);
  });

  it.each([
    ["quantity 0", { quantity: 0 }, "quantity", 422],
    ["a float quantity", { quantity: 1.5 }, "quantity", 422],
    ["status cancelled", { status: "cancelled" }, "status", 422],
    ["an end before the start", { current_period_start: "2026-02-01T00:00:00Z", current_period_end: "2026-01-01T00:00:00Z" }, "current_period_end", 422],
    ["a bad date", { current_period_start: "yesterday" }, "current_period_start", 422],
    ["another merchant's customer", { customer_id: "OTHER_CUSTOMER" }, "customer_id", 404],
    ["another merchant's product", { product_id: "OTHER_PRODUCT" }, "product_id", 404],
  ])("refuses %s", async (_label, patch, param, status) => {
    const body: Record<string, unknown> = { customer_id: customerId, product_id: monthly.id, ...patch };
    if (body.customer_id === "OTHER_CUSTOMER") body.customer_id = otherCustomerId;
    if (body.product_id === "OTHER_PRODUCT") body.product_id = otherProduct.id;
    const res = await api.post("/subscriptions", body);
    expect(res.status).toBe(status);
    expect(res.body.error.param).toBe(param);
  });

  it("refuses a one-time product with 422 product_not_recurring", async () => {
    const once = (await api.post("/products", { name: "Once", type: "one_time", price: 100, currency: "USD" })).body;
    const res = await api.post("/subscriptions", { customer_id: customerId, product_id: once.id });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "product_not_recurring", param: "product_id" });
  });

  it("takes renewals and status changes through PATCH", async () => {
    const sub = await subscribe({ current_period_start: "2026-01-01T00:00:00Z" });
    const renewed = await api.patch(`/subscriptions/${sub.id}`, { current_period_start: "2026-02-01T00:00:00Z" });
    expect(renewed.body).toMatchObject({ current_period_start: "2026-02-01T00:00:00.000Z", current_period_end: "2026-03-01T00:00:00.000Z" });
    const pastDue = await api.patch(`/subscriptions/${sub.id}`, { status: "past_due", quantity: 2 });
    expect(pastDue.body).toMatchObject({ status: "past_due", quantity: 2, amount: 3000 });
    const bad = await api.patch(`/subscriptions/${sub.id}`, { current_period_end: "2026-01-15T00:00:00Z" });
    expect(bad.status).toBe(422);
    expect((await other.patch(`/subscriptions/${sub.id}`, { status: "active" })).status).toBe(404);
  });

  it("lists by customer and status, newest first", async () => {
    const cust = (await api.post("/customers", { email: "lister@example.com" })).body.id;
    const a = (await api.post("/subscriptions", { customer_id: cust, product_id: monthly.id })).body;
    const b = (await api.post("/subscriptions", { customer_id: cust, product_id: monthly.id, status: "trialing" })).body;
    const all = await api.get(`/subscriptions?customer_id=${cust}`);
    expect(all.body.data.map((s: { id: string }) => s.id)).toEqual([b.id, a.id]);
    const trialing = await api.get(`/subscriptions?customer_id=${cust}&status=trialing`);
    expect(trialing.body.data.map((s: { id: string }) => s.id)).toEqual([b.id]);
    expect((await api.get("/subscriptions?status=ended")).status).toBe(422);
    expect((await other.get(`/subscriptions?customer_id=${cust}`)).body.data).toEqual([]);
  });
});

describe("cancel and resume", () => {
  it("schedules a cancellation at period end by default, with reason and feedback, and emits the event", async () => {
    const sub = await subscribe();
    const res = await api.post(`/subscriptions/${sub.id}/cancel`, { reason: "too_expensive", feedback: "Cheaper elsewhere" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "active", cancel_at_period_end: true, cancelled_at: null, cancel_reason: "too_expensive", cancel_feedback: "Cheaper elsewhere" });
    expect(eventsFor(sub.id).map((e) => e.type)).toEqual(["subscription.cancellation_scheduled"]);
    expect(eventsFor(sub.id)[0].object).toMatchObject({ id: sub.id, cancel_at_period_end: true });
  });

  it("resumes a pending cancellation and emits subscription.resumed", async () => {
    const sub = await subscribe();
    await api.post(`/subscriptions/${sub.id}/cancel`, { at_period_end: true });
    const resumed = await api.post(`/subscriptions/${sub.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: "active", cancel_at_period_end: false, cancel_reason: null });
    expect(eventsFor(sub.id).map((e) => e.type)).toEqual(["subscription.cancellation_scheduled", "subscription.resumed"]);
  });

  it("cancels immediately, then refuses resume with 409 not_resumable and a second cancel with 409", async () => {
    const sub = await subscribe();
    const res = await api.post(`/subscriptions/${sub.id}/cancel`, { at_period_end: false, reason: "switched_service" });
    expect(res.body).toMatchObject({ status: "cancelled", cancel_at_period_end: false, cancel_reason: "switched_service" });
    expect(res.body.cancelled_at).not.toBeNull();
    expect(eventsFor(sub.id).map((e) => e.type)).toEqual(["subscription.cancelled"]);
    const resume = await api.post(`/subscriptions/${sub.id}/resume`);
    expect(resume.status).toBe(409);
    expect(resume.body.error.code).toBe("not_resumable");
    expect((await api.post(`/subscriptions/${sub.id}/cancel`, {})).status).toBe(409);
    expect((await api.patch(`/subscriptions/${sub.id}`, { status: "active" })).status).toBe(409);
  });

  it.each([
    [{ reason: "bored" }, "reason"],
    [{ feedback: "x".repeat(1001) }, "feedback"],
    [{ at_period_end: "yes" }, "at_period_end"],
  ])("refuses cancel body %j", async (body, param) => {
    const sub = await subscribe();
    const res = await api.post(`/subscriptions/${sub.id}/cancel`, body);
    expect(res.status).toBe(422);
    expect(res.body.error.param).toBe(param);
    expect((await api.get(`/subscriptions/${sub.id}`)).body.cancel_at_period_end).toBe(false);
  });

  it("answers 404 when another merchant cancels or resumes", async () => {
    const sub = await subscribe();
    expect((await other.post(`/subscriptions/${sub.id}/cancel`, {})).status).toBe(404);
    expect((await other.post(`/subscriptions/${sub.id}/resume`)).status).toBe(404);
    expect((await other.get(`/subscriptions/${sub.id}`)).status).toBe(404);
  });

  it("settles a pending cancellation once current_period_end has passed (on read), emitting subscription.cancelled", async () => {
    const sub = await subscribe();
    await api.post(`/subscriptions/${sub.id}/cancel`, {});
    const endMs = Date.parse(sub.current_period_end);
    clockMs = endMs - Date.now() + 60_000;
    await server.setClock(clockMs);
    const read = await api.get(`/subscriptions/${sub.id}`);
    expect(read.body).toMatchObject({ status: "cancelled", cancel_at_period_end: false, cancelled_at: sub.current_period_end });
    expect(eventsFor(sub.id).map((e) => e.type)).toEqual(["subscription.cancellation_scheduled", "subscription.cancelled"]);
    expect((await api.post(`/subscriptions/${sub.id}/resume`)).status).toBe(409);
    await api.get(`/subscriptions?customer_id=${customerId}`);
    expect(eventsFor(sub.id)).toHaveLength(2);
    await server.setClock(0);
  });
});

describe("OpenAPI", () => {
  it("documents every billing operation with its request and response schemas", async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, { content?: Record<string, unknown> }>; security?: unknown[] }>>;
      components: { schemas: Record<string, unknown> };
    };
    const expected = [
      "post /products", "get /products", "get /products/{id}", "patch /products/{id}",
      "post /subscriptions", "get /subscriptions", "get /subscriptions/{id}", "patch /subscriptions/{id}",
      "post /subscriptions/{id}/cancel", "post /subscriptions/{id}/resume",
      "post /payments", "get /payments", "get /payments/{id}", "patch /payments/{id}",
      "post /payments/{id}/refunds", "get /payments/{id}/invoice",
      "post /license-keys", "get /license-keys", "get /license-keys/{id}", "patch /license-keys/{id}",
      "get /license-keys/{id}/instances", "post /licenses/activate", "post /licenses/deactivate", "post /licenses/validate",
      "get /customers/{id}/wallets", "post /customers/{id}/wallets/ledger-entries", "get /customers/{id}/wallets/ledger-entries",
    ];
    for (const op of expected) {
      const [method, path] = op.split(" ");
      expect(doc.paths[path]?.[method], op).toBeDefined();
      if (method !== "get" && !path.endsWith("/resume")) expect(doc.paths[path][method].requestBody, op).toBeDefined();
    }
    expect(doc.paths["/payments/{id}/invoice"].get.responses["200"].content).toHaveProperty(["application/pdf"]);
    expect(doc.paths["/licenses/activate"].post.security).toEqual([]);
    for (const name of ["Product", "Subscription", "Payment", "Refund", "LicenseKey", "LicenseKeyInstance", "LicenseValidation", "Wallet", "WalletLedgerEntry"]) {
      expect(doc.components.schemas, name).toHaveProperty([name]);
    }
  });
});
