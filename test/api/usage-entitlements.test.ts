import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";
import { startReceiver, type Receiver } from "./webhooks-receiver";

// API.md "Usage and entitlements": PUT, usage records (idempotent, concurrent), the list, check,
// periods from reset_anchor across month ends (test clock), and entitlement.limit_reached once per period.

let server: TestServer;
let receiver: Receiver;
let api: ApiClient;
let other: ApiClient;
let customerId: string;

beforeAll(async () => {
  server = await startServer();
  receiver = await startReceiver();
  api = apiClient(server.url, createMerchant(server.dbFile, "Usage").apiKey);
  other = apiClient(server.url, createMerchant(server.dbFile, "Stranger").apiKey);
  expect((await api.post("/webhook-endpoints", { url: receiver.url("/usage"), events: ["entitlement.limit_reached"] })).status).toBe(201);
  customerId = (await api.post("/customers", { email: "meter@usage.example" })).body.id;
});
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

const put = (feature: string, body: unknown, customer = customerId) => api.call("PUT", `/customers/${customer}/entitlements/${feature}`, body);
const use = (body: Record<string, unknown>, headers?: Record<string, string>, customer = customerId) => api.post(`/customers/${customer}/usage`, body, headers);
const entitlement = async (feature: string, customer = customerId) =>
  (await api.get(`/customers/${customer}/entitlements`)).body.data.find((e: { feature: string }) => e.feature === feature);

function readDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(server.dbFile, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
const limitEvents = (feature: string) =>
  readDb((db) =>
    (db.prepare("select payload from webhook_events where type = 'entitlement.limit_reached' order by seq").pluck().all() as string[])
      .map((p) => JSON.parse(p))
      .filter((e) => e.data.object.feature === feature && e.data.object.customer_id === customerId),
  );

describe("PUT /customers/{id}/entitlements/{feature}", () => {
  it("creates an entitlement with the API.md shape; reset_anchor defaults to now", async () => {
    const before = Date.now();
    const res = await put("api.calls", { name: "API calls", limit: 1000, unit: "calls", reset_interval: "month" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: "entitlement",
      customer_id: customerId,
      feature: "api.calls",
      name: "API calls",
      unit: "calls",
      limit: 1000,
      used: 0,
      remaining: 1000,
      reset_interval: "month",
      reset_anchor: expect.any(String),
      resets_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const anchor = Date.parse(res.body.reset_anchor);
    expect(anchor).toBeGreaterThanOrEqual(before - 1000);
    expect(anchor).toBeLessThanOrEqual(Date.now() + 1000);
    expect(Date.parse(res.body.resets_at) - anchor).toBeGreaterThanOrEqual(28 * 86_400_000);
  });

  it("keeps reset_anchor on a later PUT and replaces the rest", async () => {
    const first = (await put("seats", { name: "Seats", limit: 5, unit: "seats", reset_interval: "day" })).body;
    const second = await put("seats", { limit: 10 });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ limit: 10, name: null, unit: null, reset_interval: null, resets_at: null, reset_anchor: first.reset_anchor });
    const anchored = await put("seats", { limit: 10, reset_interval: "week", reset_anchor: "2026-01-05T00:00:00Z" });
    expect(anchored.body.reset_anchor).toBe("2026-01-05T00:00:00.000Z");
  });

  it("takes null as unlimited: remaining is null", async () => {
    const res = await put("storage", { limit: null, unit: "GB" });
    expect(res.body).toMatchObject({ limit: null, remaining: null, used: 0 });
  });

  it.each([
    ["a feature key with capitals", "API", { limit: 1 }, 422, "feature"],
    ["a feature key over 64 chars", "f".repeat(65), { limit: 1 }, 422, "feature"],
    ["a feature key with a space", "a%20b", { limit: 1 }, 422, "feature"],
    ["a missing limit", "ok", {}, 422, "limit"],
    ["a negative limit", "ok", { limit: -1 }, 422, "limit"],
    ["a fractional limit", "ok", { limit: 1.5 }, 422, "limit"],
    ["a string limit", "ok", { limit: "10" }, 422, "limit"],
    ["a limit past 10^12", "ok", { limit: 1e13 }, 422, "limit"],
    ["a 31-char unit", "ok", { limit: 1, unit: "u".repeat(31) }, 422, "unit"],
    ["an unknown reset_interval", "ok", { limit: 1, reset_interval: "hour" }, 422, "reset_interval"],
    ["a reset_anchor that is not a time", "ok", { limit: 1, reset_anchor: "soon" }, 422, "reset_anchor"],
    ["an unknown field", "ok", { limit: 1, period: "month" }, 400, "period"],
  ])("refuses %s", async (_label, feature, body, status, param) => {
    const res = await put(feature, body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", param });
    expect(await entitlement("ok")).toBeUndefined();
  });

  it("is 404 for another merchant's customer", async () => {
    const res = await other.call("PUT", `/customers/${customerId}/entitlements/x`, { limit: 1 });
    expect(res.status).toBe(404);
  });
});

describe("POST /customers/{id}/usage", () => {
  beforeAll(async () => {
    expect((await put("exports", { name: "Exports", limit: 100, reset_interval: "month" })).status).toBe(200);
  });

  it("records usage with the API.md shape and counts it in the period", async () => {
    const res = await use({ feature: "exports", quantity: 7 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^usg_[0-9A-Za-z]{22}$/),
      object: "usage_record",
      customer_id: customerId,
      feature: "exports",
      quantity: 7,
      timestamp: expect.any(String),
      idempotency_key: null,
      created_at: expect.any(String),
    });
    expect(await entitlement("exports")).toMatchObject({ used: 7, remaining: 93 });
    // A correction may be negative; it may not take the period below zero.
    expect((await use({ feature: "exports", quantity: -2 })).status).toBe(201);
    const below = await use({ feature: "exports", quantity: -6 });
    expect(below.status).toBe(422);
    expect(below.body.error.param).toBe("quantity");
    expect(await entitlement("exports")).toMatchObject({ used: 5 });
  });

  it("is 404 param feature for a feature the customer has no entitlement for", async () => {
    const res = await use({ feature: "unknown.feature", quantity: 1 });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ type: "not_found_error", param: "feature" });
  });

  it.each([
    ["a fractional quantity", { feature: "exports", quantity: 1.5 }, "quantity"],
    ["a string quantity", { feature: "exports", quantity: "1" }, "quantity"],
    ["a quantity past 10^12", { feature: "exports", quantity: 2e12 }, "quantity"],
    ["a missing quantity", { feature: "exports" }, "quantity"],
    ["a missing feature", { quantity: 1 }, "feature"],
    ["a malformed feature", { feature: "Exports!", quantity: 1 }, "feature"],
    ["a timestamp an hour ahead", { feature: "exports", quantity: 1, timestamp: new Date(Date.now() + 3_600_000).toISOString() }, "timestamp"],
    ["a timestamp that is not a time", { feature: "exports", quantity: 1, timestamp: "later" }, "timestamp"],
    ["an empty idempotency_key", { feature: "exports", quantity: 1, idempotency_key: "" }, "idempotency_key"],
  ])("refuses %s with 422 and books nothing", async (_label, body, param) => {
    const before = (await entitlement("exports")).used;
    const res = await use(body);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ param });
    expect((await entitlement("exports")).used).toBe(before);
  });

  it("counts backdated usage in the period its timestamp falls in", async () => {
    await put("backdated", { limit: 10, reset_interval: "day" });
    const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const res = await use({ feature: "backdated", quantity: 4, timestamp: yesterday });
    expect(res.status).toBe(201);
    expect(res.body.timestamp).toBe(yesterday);
    expect(await entitlement("backdated")).toMatchObject({ used: 0 });
  });

  it("returns the first record for a repeated idempotency_key (body or header) and books nothing twice", async () => {
    const before = (await entitlement("exports")).used;
    const first = await use({ feature: "exports", quantity: 3, idempotency_key: "job-42" });
    const again = await use({ feature: "exports", quantity: 3, idempotency_key: "job-42" });
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const header = await use({ feature: "exports", quantity: 1 }, { "Idempotency-Key": "job-43" });
    const headerAgain = await use({ feature: "exports", quantity: 1 }, { "Idempotency-Key": "job-43" });
    expect(headerAgain.body.id).toBe(header.body.id);
    expect(header.body.idempotency_key).toBe("job-43");
    expect((await entitlement("exports")).used).toBe(before + 4);
  });

  it("books one record for 10 parallel posts with one idempotency_key", async () => {
    const before = (await entitlement("exports")).used;
    const results = await Promise.all(Array.from({ length: 10 }, () => use({ feature: "exports", quantity: 2, idempotency_key: "parallel-1" })));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await entitlement("exports")).used).toBe(before + 2);
  });

  it("loses no increment of 20 concurrent posts", async () => {
    await put("concurrent", { limit: 1000 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => use({ feature: "concurrent", quantity: i + 1 })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(20);
    expect(await entitlement("concurrent")).toMatchObject({ used: 210, remaining: 790 });
    expect(readDb((db) => db.prepare("select count(*) from usage_records where feature = 'concurrent'").pluck().get())).toBe(20);
  });
});

describe("GET /customers/{id}/entitlements and check", () => {
  it("lists every entitlement by feature key; remaining never goes below 0", async () => {
    await put("over", { limit: 2 });
    await use({ feature: "over", quantity: 5 });
    const res = await api.get(`/customers/${customerId}/entitlements`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: "list", has_more: false });
    const features = res.body.data.map((e: { feature: string }) => e.feature);
    expect(features).toEqual([...features].sort());
    expect(res.body.data.find((e: { feature: string }) => e.feature === "over")).toMatchObject({ used: 5, limit: 2, remaining: 0 });
    expect((await other.get(`/customers/${customerId}/entitlements`)).status).toBe(404);
    expect((await api.get(`/customers/${customerId}/entitlements?limit=5`)).status).toBe(400);
  });

  it("checks against the limit (quantity defaults to 1) and changes nothing", async () => {
    await put("checks", { limit: 3 });
    await use({ feature: "checks", quantity: 2 });
    const check = (body: unknown) => api.post(`/customers/${customerId}/entitlements/checks/check`, body);
    expect((await check({})).body).toEqual({ allowed: true, used: 2, limit: 3, remaining: 1 });
    expect((await check({ quantity: 1 })).body.allowed).toBe(true);
    expect((await check({ quantity: 2 })).body).toEqual({ allowed: false, used: 2, limit: 3, remaining: 1 });
    expect((await check({ quantity: 0 })).body.allowed).toBe(true);
    await use({ feature: "checks", quantity: 1 });
    expect((await check({})).body).toEqual({ allowed: false, used: 3, limit: 3, remaining: 0 });
    expect((await api.post(`/customers/${customerId}/entitlements/storage/check`, {})).body).toEqual({ allowed: true, used: 0, limit: null, remaining: null });
    // Asking twice with an Idempotency-Key is fine: a check stores nothing.
    const withKey = await api.post(`/customers/${customerId}/entitlements/checks/check`, {}, { "Idempotency-Key": "k" });
    expect(withKey.status).toBe(200);
    expect(readDb((db) => db.prepare("select count(*) from idempotency_records where key = 'k'").pluck().get())).toBe(0);
  });

  it("answers check errors: unknown feature 404 param feature, other merchant 404, bad quantity 422", async () => {
    const unknown = await api.post(`/customers/${customerId}/entitlements/nothing/check`, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.param).toBe("feature");
    expect((await other.post(`/customers/${customerId}/entitlements/checks/check`, {})).status).toBe(404);
    expect((await api.post(`/customers/cus_missing000000000000000/entitlements/checks/check`, {})).status).toBe(404);
    for (const quantity of [-1, 1.5, "1", 2e12]) {
      const res = await api.post(`/customers/${customerId}/entitlements/checks/check`, { quantity });
      expect(res.status).toBe(422);
      expect(res.body.error.param).toBe("quantity");
    }
  });
});

describe("periods across month ends (test clock) and entitlement.limit_reached", () => {
  const moveTo = (iso: string) => server.setClock(Date.parse(iso) - Date.now());
  afterAll(() => server.setClock(0));

  it("resets used at each clamped month start and emits limit_reached once per period", async () => {
    await moveTo("2027-01-30T12:00:00Z");
    const created = await put("reports", { name: "Reports", limit: 3, unit: "reports", reset_interval: "month", reset_anchor: "2026-10-31T00:00:00Z" });
    expect(created.body).toMatchObject({ used: 0, resets_at: "2027-01-31T00:00:00.000Z" });

    await use({ feature: "reports", quantity: 2 });
    expect(limitEvents("reports")).toHaveLength(0);
    await use({ feature: "reports", quantity: 1 }); // reaches the limit: the event
    await use({ feature: "reports", quantity: 1 }); // past it: no second event
    await use({ feature: "reports", quantity: -2 }); // a correction below…
    await use({ feature: "reports", quantity: 2 }); // …and back up: still the same period, still one event
    expect(await entitlement("reports")).toMatchObject({ used: 4, remaining: 0 });
    const first = limitEvents("reports");
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ type: "entitlement.limit_reached", data: { object: { object: "entitlement", feature: "reports", used: 3, limit: 3, remaining: 0, resets_at: "2027-01-31T00:00:00.000Z" } } });

    // Past Jan 31: a new period, nothing used yet, ending on Feb 28 (clamped, as subscriptions do).
    await moveTo("2027-02-01T09:00:00Z");
    expect(await entitlement("reports")).toMatchObject({ used: 0, remaining: 3, resets_at: "2027-02-28T00:00:00.000Z" });
    const check = await api.post(`/customers/${customerId}/entitlements/reports/check`, { quantity: 3 });
    expect(check.body).toEqual({ allowed: true, used: 0, limit: 3, remaining: 3 });
    await use({ feature: "reports", quantity: 3 });
    expect(limitEvents("reports")).toHaveLength(2);

    // Feb 28 starts the next one, which ends on Mar 31 (the anchor's day again, not the 28th).
    await moveTo("2027-02-28T00:00:01Z");
    expect(await entitlement("reports")).toMatchObject({ used: 0, resets_at: "2027-03-31T00:00:00.000Z" });

    // Both events reach the endpoint, each once.
    const delivered = () => receiver.on("/usage").map((r) => JSON.parse(r.body)).filter((e) => e.data.object.feature === "reports");
    await receiver.waitFor(() => delivered().length >= 2, "two limit_reached deliveries");
    expect(delivered().map((e) => e.id).sort()).toEqual(limitEvents("reports").map((e) => e.id).sort());
  });

  it("recounts used from the records when the period changes (a new reset_anchor)", async () => {
    await moveTo("2027-03-10T12:00:00Z");
    await put("recount", { limit: 100, reset_interval: "week", reset_anchor: "2027-03-08T00:00:00Z" });
    await use({ feature: "recount", quantity: 5, timestamp: "2027-03-09T00:00:00Z" });
    await use({ feature: "recount", quantity: 7, timestamp: "2027-03-10T00:00:00Z" });
    expect(await entitlement("recount")).toMatchObject({ used: 12 });
    // A daily period from Mar 10 holds only the second record.
    const daily = await put("recount", { limit: 100, reset_interval: "day", reset_anchor: "2027-03-10T00:00:00Z" });
    expect(daily.body).toMatchObject({ used: 7, resets_at: "2027-03-11T00:00:00.000Z" });
  });
});
