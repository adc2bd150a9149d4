import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";
import { waitUntil } from "../setup/wait";
import { deliveriesSettled, readDb, startReceiver, verify, type Receiver } from "./webhooks-receiver";

const ALL_EVENTS = [
  "customer.updated",
  "subscription.cancellation_scheduled",
  "subscription.cancelled",
  "subscription.resumed",
  "license_key.instance_deactivated",
  "portal_session.created",
  "entitlement.limit_reached",
];

let server: TestServer;
let receiver: Receiver;
let merchantCount = 0;

beforeAll(async () => {
  // Short retries so the schedule can be watched in seconds. The attempt timeout stays at its
  // default: a receiver in this (possibly starved) test process answering late must not turn a
  // delivery into a timeout and a retry. The timeout test has a server of its own.
  server = await startServer({ env: { WEBHOOK_RETRY_DELAYS: "1,1,1" } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

/** A merchant of its own per scenario, so one scenario's endpoints never see another's events. */
function freshMerchant(): ApiClient {
  merchantCount += 1;
  return apiClient(server.url, createMerchant(server.dbFile, `Hooks ${merchantCount}`).apiKey);
}

async function endpoint(api: ApiClient, path: string, extra: Record<string, unknown> = {}) {
  const res = await api.post("/webhook-endpoints", { url: receiver.url(path), ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string; url: string; events: string[] };
}

async function customer(api: ApiClient) {
  const res = await api.post("/customers", { email: `c${Math.random().toString(36).slice(2)}@example.com`, name: "Ada" });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

async function attempts(api: ApiClient, endpointId: string) {
  const res = await api.get(`/webhook-endpoints/${endpointId}/deliveries?limit=100`);
  expect(res.status).toBe(200);
  return (res.body.data as any[]).slice().reverse(); // oldest first
}

async function waitForAttempts(api: ApiClient, endpointId: string, n: number) {
  return waitUntil(`${n} attempts logged for ${endpointId}`, async () => {
    const list = await attempts(api, endpointId);
    return list.length >= n && list;
  });
}

describe("webhook endpoints API", () => {
  it("creates an endpoint with a whsec_ secret shown only at creation", async () => {
    const api = freshMerchant();
    const res = await api.post("/webhook-endpoints", { url: receiver.url("/api-shape"), description: "Main" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: "webhook_endpoint",
      url: receiver.url("/api-shape"),
      events: ALL_EVENTS,
      description: "Main",
    });
    expect(res.body.id).toMatch(/^we_[0-9A-Za-z]{22}$/);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(res.body.secret.slice(6), "base64")).toHaveLength(32);
    expect(res.body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const list = await api.get("/webhook-endpoints");
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ object: "list", has_more: false });
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).not.toHaveProperty("secret");
    const { secret: _secret, ...withoutSecret } = res.body;
    expect(list.body.data[0]).toEqual(withoutSecret);
    expect((await api.get(`/webhook-endpoints/${res.body.id}`)).body).toEqual(withoutSecret);
    expect(JSON.stringify((await api.get(`/webhook-endpoints/${res.body.id}/deliveries`)).body)).not.toContain("whsec_");
  });

  it("keeps a chosen subset of events, without duplicates, and lists newest first", async () => {
    const api = freshMerchant();
    const a = await endpoint(api, "/subset-a", { events: ["subscription.cancelled", "customer.updated", "customer.updated"] });
    expect(a.events).toEqual(["subscription.cancelled", "customer.updated"]);
    const b = await endpoint(api, "/subset-b");
    const list = await api.get("/webhook-endpoints?limit=1");
    expect(list.body.data.map((e: any) => e.id)).toEqual([b.id]);
    expect(list.body.has_more).toBe(true);
    const next = await api.get(`/webhook-endpoints?limit=1&starting_after=${b.id}`);
    expect(next.body.data.map((e: any) => e.id)).toEqual([a.id]);
    expect(next.body.has_more).toBe(false);
  });

  it.each([
    ["a missing url", {}, 422, "url", "parameter_missing"],
    ["a relative url", { url: "/hooks" }, 422, "url", "parameter_invalid"],
    ["a non-http url", { url: "ftp://example.com/hook" }, 422, "url", "parameter_invalid"],
    ["a javascript: url", { url: "javascript:alert(1)" }, 422, "url", "parameter_invalid"],
    ["a url over 2048 chars", { url: `https://example.com/${"a".repeat(2050)}` }, 422, "url", "parameter_invalid"],
    ["an unknown event type", { url: "https://example.com/h", events: ["customer.created"] }, 422, "events[0]", "parameter_invalid"],
    ["an empty event list", { url: "https://example.com/h", events: [] }, 422, "events", "parameter_invalid"],
    ["events as a string", { url: "https://example.com/h", events: "customer.updated" }, 422, "events", "parameter_invalid"],
    ["a 1001-char description", { url: "https://example.com/h", description: "d".repeat(1001) }, 422, "description", "parameter_invalid"],
    ["an unknown field", { url: "https://example.com/h", secret: "whsec_mine" }, 400, "secret", "parameter_unknown"],
  ])("rejects %s and creates nothing", async (_label, body, status, param, code) => {
    const api = freshMerchant();
    const res = await api.post("/webhook-endpoints", body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", param, code });
    expect((await api.get("/webhook-endpoints")).body.data).toEqual([]);
  });

  it("deletes an endpoint; another merchant's endpoint is a 404 on every verb", async () => {
    const api = freshMerchant();
    const other = freshMerchant();
    const e = await endpoint(api, "/delete-me");
    for (const res of [
      await other.get(`/webhook-endpoints/${e.id}`),
      await other.del(`/webhook-endpoints/${e.id}`),
      await other.get(`/webhook-endpoints/${e.id}/deliveries`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ type: "not_found_error" });
    }
    expect((await other.get(`/webhook-endpoints?starting_after=${e.id}`)).status).toBe(422);
    const del = await api.del(`/webhook-endpoints/${e.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ id: e.id, object: "webhook_endpoint", deleted: true });
    expect((await api.get(`/webhook-endpoints/${e.id}`)).status).toBe(404);
    expect((await api.del(`/webhook-endpoints/${e.id}`)).status).toBe(404);
    expect((await api.get("/webhook-endpoints")).body.data).toEqual([]);
  });

  it("replays a create sent again with the same Idempotency-Key (one endpoint, one secret)", async () => {
    const api = freshMerchant();
    const body = { url: receiver.url("/idem") };
    const first = await api.post("/webhook-endpoints", body, { "Idempotency-Key": "we-1" });
    const second = await api.post("/webhook-endpoints", body, { "Idempotency-Key": "we-1" });
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    expect((await api.get("/webhook-endpoints")).body.data).toHaveLength(1);
  });
});

describe("delivery", () => {
  it("sends customer.updated once per PATCH, signed and verifiable, with the object as the API returns it", async () => {
    const api = freshMerchant();
    const e = await endpoint(api, "/patch");
    const c = await customer(api);
    const beforePatch = Date.now();
    const patched = await api.patch(`/customers/${c.id}`, { name: "Ada Lovelace", metadata: { tier: "gold" } });
    expect(patched.status).toBe(200);

    await receiver.waitFor(() => receiver.on("/patch").length >= 1, "the customer.updated delivery");
    await deliveriesSettled(server.dbFile, [e.id]); // a duplicate would have been sent by now
    const got = receiver.on("/patch");
    expect(got).toHaveLength(1);
    const r = got[0];
    const event = verify(e.secret, r);
    expect(event).toMatchObject({ type: "customer.updated", data: { object: patched.body } });
    expect(event.id).toMatch(/^evt_[0-9A-Za-z]{22}$/);
    expect(event.actor).toMatchObject({ type: "api_key" });
    expect(event.created_at).toMatch(/Z$/);
    expect(r.headers["webhook-id"]).toBe(event.id);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(Number(r.headers["content-length"])).toBe(Buffer.byteLength(r.body));
    // Wall-clock seconds of the attempt: after the PATCH, and no later than the receiver got it.
    expect(Number(r.headers["webhook-timestamp"])).toBeGreaterThanOrEqual(Math.floor(beforePatch / 1000));
    expect(Number(r.headers["webhook-timestamp"])).toBeLessThanOrEqual(Math.floor(r.at / 1000));
    expect(r.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);

    const log = await waitForAttempts(api, e.id, 1);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      object: "webhook_delivery",
      event_id: event.id,
      event_type: "customer.updated",
      attempt: 1,
      status_code: 200,
      error: null,
      delivered: true,
    });
    expect(log[0].id).toMatch(/^wha_/);
    expect(log[0].duration_ms).toEqual(expect.any(Number));
    expect((await api.get(`/webhook-endpoints/${e.id}/deliveries?event_id=${event.id}`)).body.data).toHaveLength(1);
    expect((await api.get(`/webhook-endpoints/${e.id}/deliveries?event_id=evt_other`)).body.data).toHaveLength(0);
  });

  it("fails verification when the body, id or timestamp is tampered with", async () => {
    const api = freshMerchant();
    const e = await endpoint(api, "/tamper");
    const c = await customer(api);
    await api.patch(`/customers/${c.id}`, { name: "Grace" });
    await receiver.waitFor(() => receiver.on("/tamper").length >= 1, "a delivery");
    const r = receiver.on("/tamper")[0];
    expect(verify(e.secret, r).type).toBe("customer.updated");
    const tampered = [
      { ...r, body: r.body.replace("Grace", "Gracf") },
      { ...r, body: `${r.body} ` },
      { ...r, headers: { ...r.headers, "webhook-id": "evt_forged" } },
      { ...r, headers: { ...r.headers, "webhook-timestamp": String(Number(r.headers["webhook-timestamp"]) + 1) } },
      { ...r, headers: { ...r.headers, "webhook-signature": r.headers["webhook-signature"].replace(/.$/, "A") } },
    ];
    for (const t of tampered) expect(() => verify(e.secret, t)).toThrow();
    const otherSecret = (await endpoint(freshMerchant(), "/tamper-other")).secret;
    expect(() => verify(otherSecret, r)).toThrow();
  });

  it("only sends the event types an endpoint subscribed to", async () => {
    const api = freshMerchant();
    const onlyCancelled = await endpoint(api, "/only-cancelled", { events: ["subscription.cancelled"] });
    const all = await endpoint(api, "/all-types");
    const c = await customer(api);
    await api.patch(`/customers/${c.id}`, { name: "Filtered" });
    await receiver.waitFor(() => receiver.on("/all-types").length >= 1, "the subscribed delivery");
    await deliveriesSettled(server.dbFile, [onlyCancelled.id, all.id]);
    expect(receiver.on("/only-cancelled")).toHaveLength(0);
  });

  it("retries a 500 and delivers on the next attempt with the same webhook-id, a fresh timestamp and signature", async () => {
    const api = freshMerchant();
    receiver.script("/flaky", [500, 200]);
    const e = await endpoint(api, "/flaky");
    const c = await customer(api);
    await api.patch(`/customers/${c.id}`, { name: "Retry" });
    await receiver.waitFor(() => receiver.on("/flaky").length >= 2, "the retry");
    const [first, second] = receiver.on("/flaky");
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(second.body).toBe(first.body);
    expect(Number(second.headers["webhook-timestamp"])).toBeGreaterThan(Number(first.headers["webhook-timestamp"]));
    expect(second.headers["webhook-signature"]).not.toBe(first.headers["webhook-signature"]);
    expect(verify(e.secret, first).id).toBe(first.headers["webhook-id"]);
    expect(verify(e.secret, second).id).toBe(first.headers["webhook-id"]);
    expect(second.at - first.at).toBeGreaterThanOrEqual(1000); // WEBHOOK_RETRY_DELAYS=1,…

    const log = await waitForAttempts(api, e.id, 2);
    expect(log.map((a) => [a.attempt, a.status_code, a.delivered])).toEqual([
      [1, 500, false],
      [2, 200, true],
    ]);
    expect(new Set(log.map((a) => a.event_id)).size).toBe(1);
    await deliveriesSettled(server.dbFile, [e.id]); // delivered: no third attempt can follow
    expect(receiver.on("/flaky")).toHaveLength(2);
  });

  it("records a timeout when the receiver never answers, follows the schedule, and marks the delivery failed after the last try", async () => {
    const short = await startServer({ env: { WEBHOOK_RETRY_DELAYS: "1,1,1", WEBHOOK_TIMEOUT_MS: "800" } });
    try {
      await timesOut(short);
    } finally {
      await short.stop();
    }
  });

  async function timesOut(server: TestServer) {
    const api = apiClient(server.url, createMerchant(server.dbFile, "Hooks timeout").apiKey);
    receiver.script("/never", ["hang"]);
    const e = await endpoint(api, "/never");
    const c = await customer(api);
    await api.patch(`/customers/${c.id}`, { name: "Timeout" });
    const log = await waitForAttempts(api, e.id, 4);
    expect(log.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    for (const a of log) {
      expect(a).toMatchObject({ status_code: null, delivered: false });
      expect(a.error).toMatch(/timeout/i);
      expect(a.duration_ms).toBeGreaterThanOrEqual(700);
    }
    // Each retry waits its delay (1 s) after the previous attempt ended (0.8 s timeout).
    for (let i = 1; i < log.length; i++) {
      expect(Date.parse(log[i].created_at) - Date.parse(log[i - 1].created_at)).toBeGreaterThanOrEqual(1800 - 5);
    }
    await deliveriesSettled(server.dbFile, [e.id]); // failed after the last try: nothing more follows
    expect(await attempts(api, e.id)).toHaveLength(4);
    const ids = new Set(receiver.on("/never").map((r) => r.headers["webhook-id"]));
    expect([...ids]).toEqual([log[0].event_id]);

    const row = readDb(server.dbFile, (db) => db.prepare("select status, attempts from webhook_deliveries where endpoint_id = ?").get(e.id));
    expect(row).toEqual({ status: "failed", attempts: 4 });
  }

  it("does not follow redirects: a 3xx is a failed attempt", async () => {
    const api = freshMerchant();
    receiver.script("/moved", [{ redirect: receiver.url("/moved-target") }, 204]);
    const e = await endpoint(api, "/moved");
    const c = await customer(api);
    await api.patch(`/customers/${c.id}`, { name: "Redirect" });
    const log = await waitForAttempts(api, e.id, 2);
    expect(log[0]).toMatchObject({ attempt: 1, status_code: 302, delivered: false });
    expect(log[0].error).toMatch(/redirect/i);
    expect(log[1]).toMatchObject({ attempt: 2, status_code: 204, delivered: true });
    expect(receiver.on("/moved-target")).toHaveLength(0);
  });

  it("records a refused connection as an error and stops sending to a deleted endpoint", async () => {
    const api = freshMerchant();
    const closed = await startReceiver();
    const url = closed.url("/gone");
    await closed.close();
    // The same refusing URL twice: one endpoint is deleted after its first attempt, the other
    // (the witness) keeps its retries, so its last try proves the schedule has run its course.
    const gone = (await api.post("/webhook-endpoints", { url })).body as { id: string };
    const witness = (await api.post("/webhook-endpoints", { url })).body as { id: string };
    const c = await customer(api);
    // The clock stands still until the deletion, so no retry can come due before it.
    await server.freezeClock();
    try {
      await api.patch(`/customers/${c.id}`, { name: "Refused" });
      const log = await waitForAttempts(api, gone.id, 1);
      expect(log[0]).toMatchObject({ attempt: 1, status_code: null, delivered: false });
      expect(log[0].error).toMatch(/refused/i);
      expect((await api.del(`/webhook-endpoints/${gone.id}`)).status).toBe(200);
    } finally {
      await server.setClock(0);
    }
    await deliveriesSettled(server.dbFile, [witness.id]);

    const count = (endpointId: string) =>
      readDb(server.dbFile, (db) => (db.prepare("select count(*) as n from webhook_delivery_attempts where endpoint_id = ?").get(endpointId) as { n: number }).n);
    expect(count(witness.id)).toBe(4); // a live endpoint had every retry
    expect(count(gone.id)).toBe(1); // the deleted one none after its deletion
    const row = readDb(server.dbFile, (db) => db.prepare("select status from webhook_deliveries where endpoint_id = ?").get(gone.id));
    expect(row).toEqual({ status: "failed" });
  });

  it("delivers one event to each subscribed endpoint, each signed with its own secret", async () => {
    const api = freshMerchant();
    const a = await endpoint(api, "/fan-a");
    const b = await endpoint(api, "/fan-b");
    const c = await customer(api);
    await api.patch(`/customers/${c.id}`, { name: "Fan" });
    await receiver.waitFor(() => receiver.on("/fan-a").length >= 1 && receiver.on("/fan-b").length >= 1, "both deliveries");
    const ra = receiver.on("/fan-a")[0];
    const rb = receiver.on("/fan-b")[0];
    expect(ra.headers["webhook-id"]).toBe(rb.headers["webhook-id"]);
    expect(ra.body).toBe(rb.body);
    expect(verify(a.secret, ra).id).toBe(verify(b.secret, rb).id);
    expect(() => verify(b.secret, ra)).toThrow();
  });

  it("emits nothing for a PATCH that fails", async () => {
    const api = freshMerchant();
    const e = await endpoint(api, "/failed-patch");
    const c1 = await customer(api);
    const c2 = await customer(api);
    const dup = await api.patch(`/customers/${c2.id}`, { email: (await api.get(`/customers/${c1.id}`)).body.email });
    expect(dup.status).toBe(409);
    const bad = await api.patch(`/customers/${c2.id}`, { phone_number: "12" });
    expect(bad.status).toBe(422);
    await api.patch(`/customers/${c1.id}`, { name: "Marker" });
    await receiver.waitFor(() => receiver.on("/failed-patch").length >= 1, "the marker event");
    await deliveriesSettled(server.dbFile, [e.id]); // events of the failed PATCHes would have come first

    const events = receiver.on("/failed-patch").map((r) => JSON.parse(r.body));
    expect(events.map((ev) => ev.data.object.id)).toEqual([c1.id]);
  });
});
