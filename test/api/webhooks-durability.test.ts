import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_DELIVERIES_PER_ENDPOINT } from "~/models/webhook-deliveries.server";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, tempDbFile, type TestServer } from "../setup/server";
import { waitUntil } from "../setup/wait";
import { deliveriesSettled, readDb, startReceiver, verify, type Receiver } from "./webhooks-receiver";

let receiver: Receiver;
const servers: TestServer[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop("SIGKILL");
});
afterAll(async () => {
  await receiver?.close();
});

async function start(opts: { env?: Record<string, string>; dbFile?: string } = {}) {
  const server = await startServer(opts);
  servers.push(server);
  return server;
}

async function setUp(server: TestServer, path: string, name = "Durable") {
  const apiKey = createMerchant(server.dbFile, name).apiKey;
  const api = apiClient(server.url, apiKey);
  const res = await api.post("/webhook-endpoints", { url: receiver.url(path) });
  expect(res.status).toBe(201);
  return { api, apiKey, endpoint: res.body as { id: string; secret: string } };
}

/** n customers created and renamed, all at once: their writes share group-commit batches. */
async function patchCustomers(api: ApiClient, n: number) {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const c = await api.post("/customers", { email: `d${i}-${Date.now()}@example.com` });
      expect((await api.patch(`/customers/${c.body.id}`, { name: `Name ${i}` })).status).toBe(200);
      return c.body.id as string;
    }),
  );
}

describe("durability", () => {
  it("loses no event across kill -9: deliveries in flight and queued are sent after restart with the same ids", async () => {
    receiver.script("/kill", ["hang"]);
    // The attempts must still hang when the process is killed: the longest timeout there is.
    const first = await start({ env: { WEBHOOK_TIMEOUT_MS: "60000" } });
    const { api, apiKey, endpoint } = await setUp(first, "/kill");
    const customers = await patchCustomers(api, 10);
    // The endpoint's slots (MAX_DELIVERIES_PER_ENDPOINT) hang in flight; the rest wait in the queue.
    await receiver.waitFor(() => receiver.on("/kill").length >= MAX_DELIVERIES_PER_ENDPOINT, "attempts in flight");
    const inFlightIds = new Set(receiver.on("/kill").map((r) => r.headers["webhook-id"]));
    expect(await first.stop("SIGKILL")).toBeNull();

    receiver.script("/kill", [200]);
    const seenBefore = receiver.on("/kill").length;
    const second = await start({ dbFile: first.dbFile });
    await receiver.waitFor(
      () => new Set(receiver.on("/kill").slice(seenBefore).map((r) => r.headers["webhook-id"])).size >= 10,
      "all ten events after the restart",
    );
    await deliveriesSettled(second.dbFile, [endpoint.id]); // every delivery final: nothing more comes
    const after = receiver.on("/kill").slice(seenBefore);
    expect(after).toHaveLength(10);
    const events = after.map((r) => verify(endpoint.secret, r));
    expect(new Set(events.map((e) => e.data.object.id))).toEqual(new Set(customers));
    const deliveredIds = new Set(after.map((r) => r.headers["webhook-id"]));
    for (const id of inFlightIds) expect(deliveredIds).toContain(id);
    expect(second.logs.join("\n")).toContain("released webhook deliveries left by a previous process");
    const log = await apiClient(second.url, apiKey).get(`/webhook-endpoints/${endpoint.id}/deliveries?limit=100`);
    const delivered = log.body.data.filter((a: any) => a.delivered);
    expect(new Set(delivered.map((a: any) => a.event_id))).toEqual(deliveredIds);
  });

  it("graceful shutdown lets an attempt in flight finish and records it; nothing is sent twice after restart", async () => {
    receiver.script("/slow", ["hold"]);
    const server = await start();
    const { api, apiKey, endpoint } = await setUp(server, "/slow");
    await patchCustomers(api, 1);
    await receiver.waitFor(() => receiver.on("/slow").length >= 1, "the attempt to start");
    // The receiver answers only once the shutdown has begun: the attempt is in flight during it.
    const exited = server.stop("SIGTERM");
    await server.waitForLog("of the shutdown starting", (l) => l.includes('"msg":"shutting down"'));
    receiver.release("/slow");
    expect(await exited).toBe(0);
    const rows = readDb(server.dbFile, (db) =>
      db.prepare("select attempt, status_code, delivered from webhook_delivery_attempts where endpoint_id = ?").all(endpoint.id),
    );
    expect(rows).toEqual([{ attempt: 1, status_code: 200, delivered: 1 }]);

    // The restarted server's loop sends a new event (the marker) and settles its queue: had the
    // first delivery been left to send again, it would have gone out before the marker did.
    receiver.script("/slow", [200]);
    const again = await start({ dbFile: server.dbFile });
    const [markerCustomer] = await patchCustomers(apiClient(again.url, apiKey), 1);
    await deliveriesSettled(again.dbFile, [endpoint.id]);
    const sent = receiver.on("/slow").map((r) => verify(endpoint.secret, r));
    expect(sent).toHaveLength(2);
    expect(sent[1].data.object.id).toBe(markerCustomer);
    expect(sent[1].id).not.toBe(sent[0].id);
    // Its attempt is logged after start-up would have logged a release, so the log is complete.
    await again.waitForLog("of the marker's attempt", (l) => l.includes('"msg":"webhook attempt"') && l.includes(sent[1].id));
    expect(again.logs.join("\n")).not.toContain("released webhook deliveries");
  });

  it("retries on Standard Webhooks' default schedule: 5 s, then 5 min (watched with the test clock)", async () => {
    receiver.script("/schedule", [500]);
    const server = await start();
    const { api, endpoint } = await setUp(server, "/schedule");
    // Another merchant's endpoint that answers 200: its event, sent at a chosen instant, shows the
    // loop has claimed everything due at that instant (it claims the earliest due first).
    const marker = await setUp(server, "/schedule-marker", "Marker");
    const markerSent = async () => {
      const seen = receiver.on("/schedule-marker").length;
      await patchCustomers(marker.api, 1);
      await receiver.waitFor(() => receiver.on("/schedule-marker").length > seen, "the marker event");
    };
    const count = () => receiver.on("/schedule").length;
    const delivery = () =>
      readDb(server.dbFile, (db) =>
        db.prepare("select attempts, next_attempt_at as next, locked_until as locked from webhook_deliveries where endpoint_id = ?").get(endpoint.id),
      ) as { attempts: number; next: number; locked: number | null };

    // The clock stands still, so "due" is decided by the instants below, not by how fast this runs.
    const t0 = await server.freezeClock();
    try {
      await patchCustomers(api, 1);
      await receiver.waitFor(() => count() >= 1, "the immediate first attempt");
      await waitUntil("the first attempt to be recorded", () => delivery().attempts === 1);
      expect(delivery().next).toBe(t0 + 5_000);

      await server.freezeClock(t0 + 4_999);
      await markerSent();
      expect(count()).toBe(1);
      expect(delivery()).toMatchObject({ attempts: 1, locked: null });
      await server.freezeClock(t0 + 5_000);
      await receiver.waitFor(() => count() >= 2, "the retry after 5 s");
      await waitUntil("the retry to be recorded", () => delivery().attempts === 2);
      expect(delivery().next).toBe(t0 + 5_000 + 300_000);

      await server.freezeClock(t0 + 5_000 + 299_999);
      await markerSent();
      expect(count()).toBe(2);
      expect(delivery()).toMatchObject({ attempts: 2, locked: null });
      await server.freezeClock(t0 + 5_000 + 300_000);
      await receiver.waitFor(() => count() >= 3, "the retry after 5 min");
    } finally {
      await server.setClock(0);
    }
    const ids = new Set(receiver.on("/schedule").map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);
  });
});

describe("SSRF guard in production", () => {
  const production = { NODE_ENV: "production" };

  it("refuses loopback, private, link-local and metadata URLs at creation with 422 param url", async () => {
    const server = await start({ env: production });
    const api = apiClient(server.url, createMerchant(server.dbFile, "Prod").apiKey);
    for (const url of [
      "http://127.0.0.1:9/hook",
      "http://localhost/hook",
      "http://[::1]/hook",
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.8/hook",
      "http://172.20.1.1/hook",
      "http://192.168.1.1/hook",
      "http://[fd00:ec2::254]/hook",
      "http://[fe80::1]/hook",
      "http://[::ffff:127.0.0.1]/hook",
      "http://0.0.0.0/hook",
      "http://2130706433/hook", // 127.0.0.1 as a single number
    ]) {
      const res = await api.post("/webhook-endpoints", { url });
      expect(res.status, url).toBe(422);
      expect(res.body.error, url).toMatchObject({ type: "invalid_request_error", code: "url_not_allowed", param: "url" });
    }
    expect((await api.get("/webhook-endpoints")).body.data).toEqual([]);
  });

  it("allows loopback with WEBHOOK_ALLOW_PRIVATE_URLS=true, and refuses it again at send time once that is off", async () => {
    receiver.script("/prod", [200]);
    const dbFile = tempDbFile("ssrf");
    const allowed = await start({ dbFile, env: { ...production, WEBHOOK_ALLOW_PRIVATE_URLS: "true" } });
    const { api, apiKey, endpoint } = await setUp(allowed, "/prod");
    await patchCustomers(api, 1);
    await receiver.waitFor(() => receiver.on("/prod").length >= 1, "the allowed delivery");
    expect(await allowed.stop("SIGTERM")).toBe(0);

    const strict = await start({ dbFile, env: production });
    const other = apiClient(strict.url, createMerchant(dbFile, "Second").apiKey);
    expect((await other.post("/webhook-endpoints", { url: receiver.url("/prod") })).status).toBe(422);

    // The first merchant's endpoint predates the switch: its next event is refused when sent.
    const seen = receiver.on("/prod").length;
    await patchCustomers(apiClient(strict.url, apiKey), 1);
    const strictApi = apiClient(strict.url, apiKey);
    const log = await waitUntil("the refused attempt to be logged", async () => {
      const data = (await strictApi.get(`/webhook-endpoints/${endpoint.id}/deliveries`)).body.data as any[];
      return data.length >= 2 && data;
    });
    expect(log[0]).toMatchObject({ attempt: 1, status_code: null, delivered: false });
    expect(log[0].error).toMatch(/private or reserved/);
    expect(receiver.on("/prod")).toHaveLength(seen);
  });
});
