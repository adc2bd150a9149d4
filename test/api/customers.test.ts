import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, type TestServer } from "../setup/server";
import { startWithTwoMerchants } from "./merchant-helpers";

let server: TestServer;
let api: ApiClient;
let other: ApiClient;

beforeAll(async () => {
  ({ server, api, otherApi: other } = await startWithTwoMerchants());
});
afterAll(async () => {
  await server?.stop();
});

const unique = (() => {
  let n = 0;
  return (label = "c") => `${label}.${Date.now()}.${n++}@example.com`;
})();

describe("POST /customers", () => {
  it("creates a customer with every field and returns the API.md shape", async () => {
    const res = await api.post("/customers", {
      email: "Jane.Doe@Example.com",
      name: "Jane Doe",
      phone_number: "+82 10-1234-5678",
      external_id: "u_1",
      billing_address: { line1: "1 Main St", city: "Seoul", country: "kr" },
      tax_id: "KR123",
      metadata: { plan: "pro" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^cus_[0-9A-Za-z]{22}$/),
      object: "customer",
      email: "Jane.Doe@Example.com",
      name: "Jane Doe",
      phone_number: "+821012345678",
      external_id: "u_1",
      billing_address: { line1: "1 Main St", line2: null, city: "Seoul", state: null, postal_code: null, country: "KR" },
      tax_id: "KR123",
      customer_type: null,
      legal_name: null,
      legal_number: null,
      timezone: null,
      currency: null,
      document_locale: null,
      shipping_address: null,
      date_of_birth: null,
      metadata: { plan: "pro" },
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      updated_at: expect.any(String),
    });
  });

  it("refuses a duplicate email case-insensitively with 409 customer_exists", async () => {
    const res = await api.post("/customers", { email: "jane.doe@example.COM" });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "customer_exists", param: "email" });
  });

  it("refuses a duplicate external_id with 409", async () => {
    const res = await api.post("/customers", { email: unique(), external_id: "u_1" });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "customer_exists", param: "external_id" });
  });

  it("lets another merchant use the same email", async () => {
    const res = await other.post("/customers", { email: "jane.doe@example.com" });
    expect(res.status).toBe(201);
  });

  it.each([
    ["a missing email", {}, 422, "email", "parameter_missing"],
    ["an invalid email", { email: "not-an-email" }, 422, "email", "parameter_invalid"],
    ["an email over 254 chars", { email: `${"a".repeat(250)}@example.com` }, 422, "email", "parameter_invalid"],
    ["a 10 KB name", { email: unique(), name: "x".repeat(10_240) }, 422, "name", "parameter_invalid"],
    ["an unknown field", { email: unique(), nickname: "J" }, 400, "nickname", "parameter_unknown"],
    ["a nested unknown field", { email: unique(), billing_address: { line1: "a", city: "b", country: "US", zip: "1" } }, 400, "billing_address.zip", "parameter_unknown"],
    ["an invalid phone", { email: unique(), phone_number: "12" }, 422, "phone_number", "parameter_invalid"],
    ["an unknown country", { email: unique(), billing_address: { line1: "a", city: "b", country: "QQ" } }, 422, "billing_address.country", "parameter_invalid"],
    ["an address without city", { email: unique(), billing_address: { line1: "a", country: "US" } }, 422, "billing_address.city", "parameter_missing"],
    ["a number as email", { email: 42 }, 422, "email", "parameter_invalid"],
    ["51 metadata keys", { email: unique(), metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) }, 422, "metadata", "parameter_invalid"],
    ["a 41-char metadata key", { email: unique(), metadata: { ["k".repeat(41)]: "v" } }, 422, expect.stringMatching(/^metadata/), "parameter_invalid"],
    ["a 501-char metadata value", { email: unique(), metadata: { k: "v".repeat(501) } }, 422, "metadata.k", "parameter_invalid"],
    ["a non-string metadata value", { email: unique(), metadata: { k: 1 } }, 422, "metadata.k", "parameter_invalid"],
  ])("rejects %s", async (_label, body, status, param, code) => {
    const before = (await api.get("/customers?limit=100")).body.data.length;
    const res = await api.post("/customers", body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", param, code });
    expect(res.body.error.message).toEqual(expect.any(String));
    expect((await api.get("/customers?limit=100")).body.data.length).toBe(before);
  });

  it("rejects malformed JSON and non-object bodies with 400", async () => {
    for (const raw of ["{not json", "[1,2]", '"str"', "null"]) {
      const res = await api.call("POST", "/customers", raw, { "Content-Type": "application/json" });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_json" });
    }
  });

  it("rejects a body over 1 MB with 413 and a JSON error", async () => {
    const res = await api.post("/customers", { email: unique(), name: "x".repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "body_too_large" });
  });
});

describe("GET /customers/{id}, PATCH, DELETE", () => {
  it("gets a customer, and another merchant's key gets 404 for it on every verb", async () => {
    const created = (await api.post("/customers", { email: unique("iso"), name: "Iso" })).body;
    expect((await api.get(`/customers/${created.id}`)).body).toEqual(created);
    for (const res of [
      await other.get(`/customers/${created.id}`),
      await other.patch(`/customers/${created.id}`, { name: "Hijack" }),
      await other.del(`/customers/${created.id}`),
      await other.get(`/customers?starting_after=${created.id}`),
    ]) {
      expect([404, 422]).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toContain("Iso");
    }
    expect((await other.get(`/customers/${created.id}`)).body.error).toMatchObject({ type: "not_found_error" });
    const missing = await other.get("/customers/cus_doesnotexist0000000000");
    expect(missing.status).toBe(404);
    // A probe for another merchant's object reads exactly like a probe for a missing one.
    expect(Object.keys((await other.get(`/customers/${created.id}`)).body.error)).toEqual(Object.keys(missing.body.error));
    expect((await api.get(`/customers/${created.id}`)).body.name).toBe("Iso");
  });

  it("patches fields and merges metadata: set, \"\" removes, null clears", async () => {
    const c = (await api.post("/customers", { email: unique(), metadata: { a: "1", b: "2" } })).body;
    let res = await api.patch(`/customers/${c.id}`, { name: "New", metadata: { b: "", c: "3" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "New", metadata: { a: "1", c: "3" } });
    expect(res.body.metadata).not.toHaveProperty("b");
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(c.updated_at));
    res = await api.patch(`/customers/${c.id}`, { metadata: null });
    expect(res.body.metadata).toEqual({});
    res = await api.patch(`/customers/${c.id}`, { name: null, phone_number: "+1 415 555 0123" });
    expect(res.body).toMatchObject({ name: null, phone_number: "+14155550123" });
  });

  it("refuses a patch that would pass 50 metadata keys, and a patch to a taken email", async () => {
    const c = (await api.post("/customers", { email: unique(), metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"])) })).body;
    const res = await api.patch(`/customers/${c.id}`, { metadata: { extra: "1" } });
    expect(res.status).toBe(422);
    expect(res.body.error.param).toBe("metadata");
    const taken = await api.patch(`/customers/${c.id}`, { email: "JANE.DOE@example.com" });
    expect(taken.status).toBe(409);
    expect((await api.get(`/customers/${c.id}`)).body.metadata).not.toHaveProperty("extra");
  });

  it("rejects unknown fields and null email on patch", async () => {
    const c = (await api.post("/customers", { email: unique() })).body;
    expect((await api.patch(`/customers/${c.id}`, { id: "cus_x" })).status).toBe(400);
    expect((await api.patch(`/customers/${c.id}`, { email: null })).status).toBe(422);
  });

  it("deletes a customer, frees its email and external_id, and 404s afterwards", async () => {
    const email = unique("del");
    const c = (await api.post("/customers", { email, external_id: "del-1" })).body;
    const res = await api.del(`/customers/${c.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: c.id, object: "customer", deleted: true });
    expect((await api.get(`/customers/${c.id}`)).status).toBe(404);
    expect((await api.del(`/customers/${c.id}`)).status).toBe(404);
    expect((await api.patch(`/customers/${c.id}`, { name: "x" })).status).toBe(404);
    const again = await api.post("/customers", { email: email.toUpperCase(), external_id: "del-1" });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(c.id);
  });
});

describe("GET /customers (list, filters, pagination)", () => {
  let fresh: ApiClient;
  const made: { id: string; email: string; name: string; created_at: string }[] = [];

  beforeAll(async () => {
    fresh = apiClient(server.url, createMerchant(server.dbFile, "Lister").apiKey);
    for (let i = 0; i < 45; i++) {
      const res = await fresh.post("/customers", {
        email: `person${i}@list.example`,
        name: i % 2 === 0 ? `Zoë Ångström ${i}` : `김민지 ${i}`,
        external_id: `ext-${i}`,
      });
      made.push(res.body);
    }
  });

  it("pages through 45 customers newest first with has_more and starting_after", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await fresh.get(`/customers?limit=20${cursor ? `&starting_after=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.object).toBe("list");
      pages++;
      seen.push(...res.body.data.map((c: { id: string }) => c.id));
      if (!res.body.has_more) break;
      cursor = res.body.data.at(-1).id;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(made.map((c) => c.id).reverse());
  });

  it("defaults to 20 and accepts 1 and 100", async () => {
    expect((await fresh.get("/customers")).body.data).toHaveLength(20);
    expect((await fresh.get("/customers?limit=1")).body.data).toHaveLength(1);
    expect((await fresh.get("/customers?limit=100")).body).toMatchObject({ has_more: false });
  });

  it.each(["0", "101", "abc", "1.5", "-1"])("rejects limit=%s with 422 param limit", async (limit) => {
    const res = await fresh.get(`/customers?limit=${limit}`);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ param: "limit", message: "Invalid limit: must be a whole number from 1 to 100" });
  });

  it("rejects a forged cursor and an unknown query parameter", async () => {
    const forged = await fresh.get("/customers?starting_after=cus_forgedforgedforged00");
    expect(forged.status).toBe(422);
    expect(forged.body.error.param).toBe("starting_after");
    const unknown = await fresh.get("/customers?order=name");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: "parameter_unknown", param: "order" });
  });

  it("filters by email (case-insensitive), external_id, q and created range", async () => {
    const byEmail = await fresh.get("/customers?email=PERSON7@LIST.EXAMPLE");
    expect(byEmail.body.data.map((c: { id: string }) => c.id)).toEqual([made[7].id]);
    const byExt = await fresh.get("/customers?external_id=ext-12");
    expect(byExt.body.data.map((c: { id: string }) => c.id)).toEqual([made[12].id]);
    const byName = await fresh.get(`/customers?q=${encodeURIComponent("김민지")}&limit=100`);
    expect(byName.body.data).toHaveLength(22);
    const byAccent = await fresh.get(`/customers?q=${encodeURIComponent("ångström 4")}&limit=100`);
    expect(byAccent.body.data.map((c: { name: string }) => c.name).sort()).toEqual(["Zoë Ångström 4", "Zoë Ångström 40", "Zoë Ångström 42", "Zoë Ångström 44"].sort());
    const byId = await fresh.get(`/customers?q=${made[3].id.slice(4, 14)}`);
    expect(byId.body.data.map((c: { id: string }) => c.id)).toContain(made[3].id);
    const likeChars = await fresh.get("/customers?q=%25");
    expect(likeChars.body.data).toHaveLength(0);

    const mid = made[20];
    const gte = await fresh.get(`/customers?limit=100&created_gte=${encodeURIComponent(mid.created_at)}`);
    expect(gte.body.data.every((c: { created_at: string }) => c.created_at >= mid.created_at)).toBe(true);
    expect(gte.body.data.length).toBeGreaterThanOrEqual(25);
    const lte = await fresh.get(`/customers?limit=100&created_lte=${encodeURIComponent(mid.created_at)}`);
    expect(lte.body.data.every((c: { created_at: string }) => c.created_at <= mid.created_at)).toBe(true);
    // A date alone means that whole day: the newest customer's day holds them all (the test's own
    // "today" would not after a run across midnight).
    const newestDay = made.map((c) => c.created_at).sort().at(-1)!.slice(0, 10);
    expect((await fresh.get(`/customers?limit=100&created_lte=${newestDay}`)).body.data).toHaveLength(45);
    expect((await fresh.get("/customers?created_gte=2999-01-01")).body.data).toHaveLength(0);
    expect((await fresh.get("/customers?created_gte=yesterday")).status).toBe(422);
  });
});

describe("DELETE /customers/{id} side effects", () => {
  it("cancels live subscriptions at once, voids wallet balances, and keeps payments retrievable", async () => {
    const c = (await api.post("/customers", { email: unique("cascade") })).body;
    const product = (await api.post("/products", { name: "Pro", type: "subscription", price: 1500, currency: "usd", interval: "month" })).body;
    expect(product.id).toMatch(/^prod_/);
    const sub = (await api.post("/subscriptions", { customer_id: c.id, product_id: product.id })).body;
    expect(sub.status).toBe("active");
    const payment = (await api.post("/payments", { customer_id: c.id, status: "succeeded", currency: "usd", items: [{ description: "Pro", quantity: 1, unit_amount: 1500 }] })).body;
    expect(payment.invoice_number).toMatch(/^INV-\d{6}$/);
    await api.post(`/customers/${c.id}/wallets/ledger-entries`, { currency: "krw", amount: 5000, entry_type: "credit" });
    await api.post(`/customers/${c.id}/wallets/ledger-entries`, { currency: "usd", amount: 250, entry_type: "credit" });

    expect((await api.del(`/customers/${c.id}`)).status).toBe(200);

    const after = (await api.get(`/subscriptions/${sub.id}`)).body;
    expect(after).toMatchObject({ status: "cancelled", cancel_at_period_end: false });
    expect(after.cancelled_at).toEqual(expect.any(String));
    expect((await api.get(`/payments/${payment.id}`)).body).toMatchObject({ id: payment.id, invoice_number: payment.invoice_number });
    const invoice = await api.get(`/payments/${payment.id}/invoice`);
    expect(invoice.status).toBe(200);
    expect(invoice.headers.get("content-type")).toBe("application/pdf");
    // The customer is gone from the API; its wallet endpoints answer 404 like any missing customer.
    expect((await api.get(`/customers/${c.id}/wallets`)).status).toBe(404);
    // Balances were voided by a ledger debit each, so the ledger still adds up.
    const db = new Database(server.dbFile, { readonly: true });
    expect(db.prepare("select currency, balance from wallets where customer_id = ? order by currency").all(c.id)).toEqual([
      { currency: "KRW", balance: 0 },
      { currency: "USD", balance: 0 },
    ]);
    expect(
      db.prepare("select currency, amount, entry_type, reason, balance_after from wallet_ledger_entries where customer_id = ? and entry_type = 'debit' order by currency").all(c.id),
    ).toEqual([
      { currency: "KRW", amount: 5000, entry_type: "debit", reason: "customer_deleted", balance_after: 0 },
      { currency: "USD", amount: 250, entry_type: "debit", reason: "customer_deleted", balance_after: 0 },
    ]);
    db.close();
  });
});
