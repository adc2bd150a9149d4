import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";
import { startWithTwoMerchants } from "./merchant-helpers";

let server: TestServer;
let api: ApiClient;
let other: ApiClient;
let customerId: string;
let otherCustomerId: string;

/** The public endpoints take no API key. */
async function licenses(server: TestServer, action: string, body: unknown) {
  const res = await fetch(`${server.url}/api/v1/licenses/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}
const pub = (action: string, body: unknown) => licenses(server, action, body);

async function newKey(body: Record<string, unknown> = {}) {
  const res = await api.post("/license-keys", { customer_id: customerId, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

beforeAll(async () => {
  // The public limits (120/min per IP) would otherwise cap this file's own request count;
  // the last describe block proves them on a server at the real scale.
  ({ server, api, otherApi: other } = await startWithTwoMerchants({ env: { RATE_LIMIT_SCALE: "20" } }));
  customerId = (await api.post("/customers", { email: "jane@example.com" })).body.id;
  otherCustomerId = (await other.post("/customers", { email: "bob@example.com" })).body.id;
});
afterAll(async () => {
  await server?.stop();
});

describe("license keys (merchant API)", () => {
  it("generates a key of uppercase groups with ≥ 100 bits and returns the API.md shape", async () => {
    const key = await newKey({ activations_limit: 3 });
    expect(key).toMatchObject({ object: "license_key", customer_id: customerId, product_id: null, status: "active", activations_limit: 3, activations_count: 0, expires_at: null });
    expect(key.id).toMatch(/^lk_/);
    expect(key.key).toMatch(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){4}$/);
    const again = await newKey();
    expect(again.key).not.toBe(key.key);
    expect(again.activations_limit).toBeNull();
  });

  it("accepts the merchant's own key; a taken key answers like any other invalid key, whoever holds it (no cross-merchant probe)", async () => {
    const mine = await newKey({ key: "ACME-CUSTOM-0001" });
    expect(mine.key).toBe("ACME-CUSTOM-0001");
    const ownDuplicate = await api.post("/license-keys", { customer_id: customerId, key: "ACME-CUSTOM-0001" });
    // Another merchant trying the same key learns nothing more than from a malformed one.
    const theirs = await other.post("/license-keys", { customer_id: otherCustomerId, key: "ACME-CUSTOM-0001" });
    const malformed = await other.post("/license-keys", { customer_id: otherCustomerId, key: "no spaces allowed" });
    for (const res of [ownDuplicate, theirs, malformed]) {
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "parameter_invalid", param: "key" });
    }
    expect(theirs.body).toEqual(ownDuplicate.body);
    expect(JSON.stringify(theirs.body)).not.toMatch(/exists|taken|in use|another merchant/i);
    expect((await other.get(`/license-keys?customer_id=${otherCustomerId}`)).body.data.map((k: { key: string }) => k.key)).not.toContain("ACME-CUSTOM-0001");
  });

  it("links product, payment and subscription of the same merchant, and 404s on another merchant's ids", async () => {
    const product = (await api.post("/products", { name: "App", type: "subscription", price: 100, currency: "USD", interval: "year" })).body;
    const sub = (await api.post("/subscriptions", { customer_id: customerId, product_id: product.id })).body;
    const payment = (await api.post("/payments", { customer_id: customerId, status: "succeeded", currency: "USD", items: [{ description: "App", quantity: 1, unit_amount: 100 }] })).body;
    const linked = await newKey({ product_id: product.id, subscription_id: sub.id, payment_id: payment.id });
    expect(linked.product_id).toBe(product.id);
    const theirProduct = (await other.post("/products", { name: "T", type: "one_time", price: 1, currency: "USD" })).body;
    const theirPayment = (await other.post("/payments", { customer_id: otherCustomerId, status: "succeeded", currency: "USD", items: [{ description: "x", quantity: 1, unit_amount: 1 }] })).body;
    const theirSubProduct = (await other.post("/products", { name: "S", type: "subscription", price: 1, currency: "USD", interval: "month" })).body;
    const theirSub = (await other.post("/subscriptions", { customer_id: otherCustomerId, product_id: theirSubProduct.id })).body;
    for (const [field, value] of [
      ["customer_id", otherCustomerId],
      ["product_id", theirProduct.id],
      ["payment_id", theirPayment.id],
      ["subscription_id", theirSub.id],
    ]) {
      const res = await api.post("/license-keys", { customer_id: customerId, [field]: value });
      expect(res.status, field).toBe(404);
      expect(res.body.error.param).toBe(field);
    }
  });

  it.each([
    [{ activations_limit: 0 }, "activations_limit"],
    [{ activations_limit: 2.5 }, "activations_limit"],
    [{ expires_at: "soon" }, "expires_at"],
    [{ key: "short" }, "key"],
  ])("refuses %j", async (body, param) => {
    const res = await api.post("/license-keys", { customer_id: customerId, ...body });
    expect(res.status).toBe(422);
    expect(res.body.error.param).toBe(param);
  });

  it("computes expired from expires_at, disables and re-enables through PATCH", async () => {
    const key = await newKey({ expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(key.status).toBe("active");
    await server.setClock(2 * 3_600_000);
    expect((await api.get(`/license-keys/${key.id}`)).body.status).toBe("expired");
    await server.setClock(0);
    expect((await api.patch(`/license-keys/${key.id}`, { status: "disabled" })).body.status).toBe("disabled");
    expect((await api.patch(`/license-keys/${key.id}`, { status: "expired" })).status).toBe(422);
    const back = await api.patch(`/license-keys/${key.id}`, { status: "active", expires_at: null, activations_limit: 5 });
    expect(back.body).toMatchObject({ status: "active", expires_at: null, activations_limit: 5 });
    expect((await other.get(`/license-keys/${key.id}`)).status).toBe(404);
    expect((await other.patch(`/license-keys/${key.id}`, { status: "disabled" })).status).toBe(404);
  });

  it("lists keys by customer, newest first, scoped to the merchant", async () => {
    const cust = (await api.post("/customers", { email: "keys@example.com" })).body.id;
    const a = (await api.post("/license-keys", { customer_id: cust })).body;
    const b = (await api.post("/license-keys", { customer_id: cust })).body;
    expect((await api.get(`/license-keys?customer_id=${cust}`)).body.data.map((k: { id: string }) => k.id)).toEqual([b.id, a.id]);
    expect((await other.get(`/license-keys?customer_id=${cust}`)).body.data).toEqual([]);
  });
});

describe("public license endpoints", () => {
  it("activates, lists instances, validates (recording last_validated_at) and deactivates", async () => {
    const key = await newKey({ activations_limit: 2 });
    const act = await pub("activate", { license_key: key.key, name: "Jane's laptop" });
    expect(act.status).toBe(201);
    expect(act.body).toMatchObject({ object: "license_key_instance", license_key_id: key.id, name: "Jane's laptop" });
    expect(act.body.id).toMatch(/^lki_/);
    expect(Object.keys(act.body).sort()).toEqual(["created_at", "id", "license_key_id", "name", "object"]);

    const instances = await api.get(`/license-keys/${key.id}/instances`);
    expect(instances.body.data.map((i: { id: string }) => i.id)).toEqual([act.body.id]);
    expect((await other.get(`/license-keys/${key.id}/instances`)).status).toBe(404);
    expect((await api.get(`/license-keys/${key.id}`)).body.activations_count).toBe(1);

    const valid = await pub("validate", { license_key: key.key, license_key_instance_id: act.body.id });
    expect(valid.body).toEqual({ valid: true, status: "active", expires_at: null, activations_count: 1, activations_limit: 2 });
    const db = new Database(server.dbFile, { readonly: true });
    const row = db.prepare("select last_validated_at from license_key_instances where id = ?").get(act.body.id) as { last_validated_at: number | null };
    db.close();
    expect(row.last_validated_at).toBeGreaterThan(0);

    const off = await pub("deactivate", { license_key: key.key, license_key_instance_id: act.body.id });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ deactivated: true });
    expect((await pub("deactivate", { license_key: key.key, license_key_instance_id: act.body.id })).status).toBe(404);
    expect((await pub("validate", { license_key: key.key, license_key_instance_id: act.body.id })).body.valid).toBe(false);
    expect((await api.get(`/license-keys/${key.id}/instances`)).body.data).toEqual([]);

    const events = new Database(server.dbFile, { readonly: true });
    const event = events.prepare("select payload from webhook_events where type = 'license_key.instance_deactivated'").all() as { payload: string }[];
    events.close();
    expect(event.map((e) => JSON.parse(e.payload).data.object)).toContainEqual(act.body);
  });

  it("refuses activation past the limit, on a disabled key and on an expired key", async () => {
    const key = await newKey({ activations_limit: 1 });
    expect((await pub("activate", { license_key: key.key, name: "one" })).status).toBe(201);
    const full = await pub("activate", { license_key: key.key, name: "two" });
    expect(full.status).toBe(422);
    expect(full.body.error.code).toBe("activation_limit_reached");

    const disabled = await newKey();
    await api.patch(`/license-keys/${disabled.id}`, { status: "disabled" });
    expect((await pub("activate", { license_key: disabled.key, name: "x" })).body.error.code).toBe("license_disabled");
    expect((await pub("validate", { license_key: disabled.key })).body).toMatchObject({ valid: false, status: "disabled" });

    const expired = await newKey({ expires_at: "2020-01-01T00:00:00Z" });
    expect((await pub("activate", { license_key: expired.key, name: "x" })).body.error.code).toBe("license_expired");
    expect((await pub("validate", { license_key: expired.key })).body).toMatchObject({ valid: false, status: "expired", expires_at: "2020-01-01T00:00:00.000Z" });
  });

  it("answers every unknown key the same way", async () => {
    const a = await pub("activate", { license_key: "NOPE1-NOPE1-NOPE1-NOPE1-NOPE1", name: "x" });
    const b = await pub("activate", { license_key: "other-unknown-key", name: "x" });
    expect(a.status).toBe(404);
    expect(a.body).toEqual(b.body);
    const v1 = await pub("validate", { license_key: "NOPE1-NOPE1-NOPE1-NOPE1-NOPE1" });
    const v2 = await pub("validate", { license_key: "another" });
    expect(v1.status).toBe(200);
    expect(v1.body).toEqual({ valid: false, status: null, expires_at: null, activations_count: 0, activations_limit: null });
    expect(v2.body).toEqual(v1.body);
    const d = await pub("deactivate", { license_key: "nope-nope", license_key_instance_id: "lki_x" });
    expect(d.status).toBe(404);
  });

  it("does not let one key deactivate another key's instance", async () => {
    const k1 = await newKey();
    const k2 = await newKey();
    const inst = (await pub("activate", { license_key: k1.key, name: "pc" })).body;
    expect((await pub("deactivate", { license_key: k2.key, license_key_instance_id: inst.id })).status).toBe(404);
    expect((await api.get(`/license-keys/${k1.id}`)).body.activations_count).toBe(1);
  });

  it.each([
    [{ license_key: "X", name: "" }, 422, "name"],
    [{ license_key: "X", name: "   " }, 422, "name"],
    [{ license_key: "X" }, 422, "name"],
    [{ name: "pc" }, 422, "license_key"],
    [{ license_key: "X", name: "pc", extra: 1 }, 400, "extra"],
  ])("refuses activation body %j", async (body, status, param) => {
    const res = await pub("activate", body);
    expect(res.status).toBe(status);
    expect(res.body.error.param).toBe(param);
  });

  it("creates exactly 3 instances from 20 parallel activations against a limit of 3", async () => {
    const key = await newKey({ activations_limit: 3 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pub("activate", { license_key: key.key, name: `pc-${i}` })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 422 && r.body.error.code === "activation_limit_reached")).toHaveLength(17);
    expect((await api.get(`/license-keys/${key.id}`)).body.activations_count).toBe(3);
  });

  it("creates min(N, L − used) when some slots are already taken", async () => {
    const key = await newKey({ activations_limit: 5 });
    await pub("activate", { license_key: key.key, name: "existing-1" });
    await pub("activate", { license_key: key.key, name: "existing-2" });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => pub("activate", { license_key: key.key, name: `pc-${i}` })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
  });
});

describe("public endpoint rate limits", () => {
  let limited: TestServer;
  let limitedApi: ApiClient;
  beforeAll(async () => {
    limited = await startServer();
    limitedApi = apiClient(limited.url, createMerchant(limited.dbFile, "Limits").apiKey);
  });
  afterAll(async () => {
    await limited?.stop();
  });

  // The buckets refill with the server's clock (1 a second per key, 2 per IP); the test stops
  // that clock, so the exact request that is refused is known however slowly the requests run.
  async function untilLimited(make: (i: number) => unknown, max: number) {
    const statuses: number[] = [];
    for (let i = 0; i < max; i++) {
      const res = await licenses(limited, "validate", make(i));
      statuses.push(res.status);
      if (res.status === 429) return { statuses, res };
    }
    return { statuses, res: null };
  }

  it("allows 60 requests a minute per key and 120 per IP, then answers 429 with Retry-After", async () => {
    const cust = (await limitedApi.post("/customers", { email: "rl@example.com" })).body.id;
    const key = (await limitedApi.post("/license-keys", { customer_id: cust })).body.key;
    await limited.freezeClock();
    const perKey = await untilLimited(() => ({ license_key: key }), 70);
    expect(perKey.statuses).toEqual([...Array(60).fill(200), 429]);
    expect(perKey.res?.status).toBe(429);
    expect(perKey.res?.body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limited" });
    expect(Number(perKey.res?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

    // Fresh keys each time: only the per-IP bucket (120, of which this IP has used 61) can refuse.
    const used = perKey.statuses.length;
    const perIp = await untilLimited((i) => ({ license_key: `unknown-${i}` }), 100);
    expect(perIp.statuses).toEqual([...Array(120 - used).fill(200), 429]);
    expect(perIp.res?.status).toBe(429);
    expect(perIp.res?.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  });
});
