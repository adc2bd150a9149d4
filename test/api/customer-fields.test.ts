import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, startSmtpCapture, type SmtpCapture, type TestServer } from "../setup/server";

// API.md "Customer fields and list queries": id-only customers, Lago's fields, the currency lock,
// document_locale for emails and invoices.

let server: TestServer;
let smtp: SmtpCapture;
let api: ApiClient;
let key: string;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startServer({ env: { SMTP_URL: smtp.url } });
  key = createMerchant(server.dbFile, "Fields").apiKey;
  api = apiClient(server.url, key);
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

let n = 0;
const email = () => `fields.${n++}@example.com`;

const full = {
  customer_type: "company",
  legal_name: "Hanbit Software Co., Ltd.",
  legal_number: "110111-1234567",
  timezone: "asia/seoul",
  currency: "krw",
  document_locale: "ko",
  shipping_address: { line1: "1 Sejong-daero", city: "Seoul", country: "kr" },
  date_of_birth: "1990-02-28",
};

describe("customer fields", () => {
  it("creates a customer with every new field, normalised, and returns them on retrieve", async () => {
    const res = await api.post("/customers", { email: email(), ...full });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      customer_type: "company",
      legal_name: "Hanbit Software Co., Ltd.",
      legal_number: "110111-1234567",
      timezone: "Asia/Seoul",
      currency: "KRW",
      document_locale: "ko",
      shipping_address: { line1: "1 Sejong-daero", line2: null, city: "Seoul", state: null, postal_code: null, country: "KR" },
      date_of_birth: "1990-02-28",
    });
    expect((await api.get(`/customers/${res.body.id}`)).body).toEqual(res.body);
  });

  it("returns null for every field that is not set", async () => {
    const res = await api.post("/customers", { email: email() });
    for (const key of Object.keys(full)) expect(res.body[key], key).toBeNull();
  });

  it("updates and clears the fields with PATCH", async () => {
    const c = (await api.post("/customers", { email: email(), ...full })).body;
    const res = await api.patch(`/customers/${c.id}`, { customer_type: "individual", legal_name: null, timezone: "Europe/Paris", shipping_address: null, document_locale: "en" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ customer_type: "individual", legal_name: null, timezone: "Europe/Paris", shipping_address: null, document_locale: "en", legal_number: "110111-1234567" });
  });

  it.each([
    ["an unknown customer_type", { customer_type: "business" }, "customer_type"],
    ["a 201-char legal_name", { legal_name: "x".repeat(201) }, "legal_name"],
    ["a 101-char legal_number", { legal_number: "1".repeat(101) }, "legal_number"],
    ["an unknown timezone", { timezone: "Mars/Olympus_Mons" }, "timezone"],
    ["a UTC offset as timezone", { timezone: "+09:00" }, "timezone"],
    ["an unknown currency", { currency: "XYZ" }, "currency"],
    ["an unsupported document_locale", { document_locale: "fr" }, "document_locale"],
    ["a shipping address without country", { shipping_address: { line1: "a", city: "b" } }, "shipping_address.country"],
    ["a date_of_birth in the future", { date_of_birth: "2999-01-01" }, "date_of_birth"],
    ["a date_of_birth that is not a date", { date_of_birth: "1990-02-30" }, "date_of_birth"],
    ["a date_of_birth with a time", { date_of_birth: "1990-02-01T00:00:00Z" }, "date_of_birth"],
  ])("refuses %s with 422 and its param, on create and on update", async (_label, body, param) => {
    const created = await api.post("/customers", { email: email(), ...body });
    expect(created.status).toBe(422);
    expect(created.body.error).toMatchObject({ type: "invalid_request_error", param });
    const c = (await api.post("/customers", { email: email(), legal_name: "Before" })).body;
    const updated = await api.patch(`/customers/${c.id}`, body);
    expect(updated.status).toBe(422);
    expect(updated.body.error.param).toBe(param);
    expect((await api.get(`/customers/${c.id}`)).body).toEqual(c);
  });
});

describe("id-only customers", () => {
  it("creates a customer from external_id alone, with a null email", async () => {
    const res = await api.post("/customers", { external_id: "user-only-1", name: "No Mail" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: null, external_id: "user-only-1" });
    const listed = await api.get("/customers?external_id=user-only-1");
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
  });

  it("refuses a customer with neither email nor external_id: 422 param email", async () => {
    for (const body of [{}, { name: "Nobody" }, { email: null, external_id: null }]) {
      const res = await api.post("/customers", body);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ param: "email" });
    }
  });

  it("lets a patch remove the email only while an external_id remains, and the other way round", async () => {
    const c = (await api.post("/customers", { email: email(), external_id: "both-1" })).body;
    const noEmail = await api.patch(`/customers/${c.id}`, { email: null });
    expect(noEmail.status).toBe(200);
    expect(noEmail.body.email).toBeNull();
    const noId = await api.patch(`/customers/${c.id}`, { external_id: null });
    expect(noId.status).toBe(422);
    expect(noId.body.error.param).toBe("external_id");
    expect((await api.get(`/customers/${c.id}`)).body.external_id).toBe("both-1");
  });

  it("many id-only customers coexist (a missing email is not a duplicate)", async () => {
    const a = await api.post("/customers", { external_id: "many-1" });
    const b = await api.post("/customers", { external_id: "many-2" });
    expect([a.status, b.status]).toEqual([201, 201]);
  });

  it("gets redirect links but not emailed ones: send_email → 422 customer_has_no_email", async () => {
    const c = (await api.post("/customers", { external_id: "link-only" })).body;
    const redirect = await api.post(`/customers/${c.id}/portal-sessions`, {});
    expect(redirect.status).toBe(201);
    expect(redirect.body.kind).toBe("redirect");
    const emailed = await api.post(`/customers/${c.id}/portal-sessions`, { send_email: true });
    expect(emailed.status).toBe(422);
    expect(emailed.body.error).toMatchObject({ type: "invalid_request_error", code: "customer_has_no_email", param: "send_email" });
  });
});

describe("the currency lock (Lago)", () => {
  let productId: string;
  beforeAll(async () => {
    productId = (await api.post("/products", { name: "Plan", type: "subscription", price: 1000, currency: "usd", interval: "month" })).body.id;
  });

  it("lets the currency change while the customer has nothing billed", async () => {
    const c = (await api.post("/customers", { email: email(), currency: "usd" })).body;
    const res = await api.patch(`/customers/${c.id}`, { currency: "eur" });
    expect(res.status).toBe(200);
    expect(res.body.currency).toBe("EUR");
  });

  const lockers: [string, (customerId: string) => Promise<unknown>][] = [
    ["a payment", (id) => api.post("/payments", { customer_id: id, status: "failed", currency: "usd", items: [{ description: "x", quantity: 1, unit_amount: 100 }] })],
    ["a subscription", (id) => api.post("/subscriptions", { customer_id: id, product_id: productId })],
    ["a wallet entry", (id) => api.post(`/customers/${id}/wallets/ledger-entries`, { currency: "usd", amount: 100, entry_type: "credit" })],
  ];

  it.each(lockers)("fixes it once the customer has %s: a change is 409 currency_locked", async (_label, lock) => {
    const c = (await api.post("/customers", { email: email(), currency: "usd" })).body;
    await lock(c.id);
    for (const currency of ["eur", null]) {
      const res = await api.patch(`/customers/${c.id}`, { currency, name: "Renamed" });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "currency_locked", param: "currency" });
    }
    // Nothing of the refused patch was written; the same currency (any case) is no change.
    expect((await api.get(`/customers/${c.id}`)).body).toMatchObject({ currency: "USD", name: null });
    const same = await api.patch(`/customers/${c.id}`, { currency: "usd", name: "Renamed" });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ currency: "USD", name: "Renamed" });
  });
});

describe("document_locale", () => {
  it("emails an invite in the customer's document language over the merchant's default", async () => {
    const c = (await api.post("/customers", { email: "dok.ko@example.com", name: "김민지", document_locale: "ko" })).body;
    expect((await api.post(`/customers/${c.id}/portal-sessions`, { send_email: true })).status).toBe(201);
    const mail = await smtp.waitFor((m) => m.to.includes("dok.ko@example.com"));
    expect(mail.text).toMatch(/[가-힣]/);
    const en = (await api.post("/customers", { email: "dok.en@example.com", document_locale: "en" })).body;
    expect((await api.post(`/customers/${en.id}/portal-sessions`, { send_email: true })).status).toBe(201);
    const english = await smtp.waitFor((m) => m.to.includes("dok.en@example.com"));
    expect(english.text).not.toMatch(/[가-힣]/);
  });

  it("renders the customer's invoice PDF in their document language unless the request names one", async () => {
    const c = (await api.post("/customers", { email: email(), document_locale: "ko" })).body;
    const pay = await api.post("/payments", { customer_id: c.id, status: "succeeded", currency: "krw", items: [{ description: "Pro", quantity: 1, unit_amount: 19000 }] });
    expect(pay.status).toBe(201);
    const ko = await fetch(`${server.url}/api/v1/payments/${pay.body.id}/invoice`, { headers: { Authorization: `Bearer ${key}` } });
    expect(ko.status).toBe(200);
    await ko.arrayBuffer();
    const en = await fetch(`${server.url}/api/v1/payments/${pay.body.id}/invoice?locale=en`, { headers: { Authorization: `Bearer ${key}` } });
    expect(en.status).toBe(200);
    await en.arrayBuffer();
    // One cached document per language rendered: ko for the default, en when asked.
    const db = new Database(server.dbFile, { readonly: true });
    const locales = db.prepare("select locale from invoice_documents where payment_id = ? order by locale").pluck().all(pay.body.id);
    db.close();
    expect(locales).toEqual(["en", "ko"]);
  });
});
