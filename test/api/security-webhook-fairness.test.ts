import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";
import { waitUntil } from "../setup/wait";
import { readDb, startReceiver, verify, type Receiver } from "./webhooks-receiver";

// Issue 12, item 7: one merchant whose endpoints accept connections but never answer cannot
// stall another merchant's webhooks. Over HTTP against the built server and a real receiver:
// the slow merchant has 4 endpoints that hold every request, and 40 events queued for them; the
// other merchant's next event must arrive while every one of the slow attempts is still hanging
// (so it waited for none of their timeouts: no timing assumption), and the slow merchant holds no
// more than its share of the worker's slots (4 per merchant, 2 per endpoint).
// WEBHOOK_TIMEOUT_MS is the longest allowed, so no slow attempt can end on its own mid-test.

const SLOW_PATHS = ["/slow-0", "/slow-1", "/slow-2", "/slow-3"];

let server: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  for (const p of SLOW_PATHS) receiver.script(p, ["hold"]);
  server = await startServer({ env: { WEBHOOK_TIMEOUT_MS: "60000", RATE_LIMIT_SCALE: "100" } });
});
afterAll(async () => {
  for (const p of SLOW_PATHS) receiver?.release(p);
  await server?.stop();
  await receiver?.close();
});

const attemptsOf = (endpointIds: string[]) =>
  readDb(server.dbFile, (db) => (db.prepare(`select count(*) as n from webhook_delivery_attempts where endpoint_id in (${endpointIds.map(() => "?").join(",")})`).get(...endpointIds) as { n: number }).n);

describe("7. fair webhook slots", () => {
  it("a merchant with 4 stalled endpoints and 40 queued events does not delay another merchant's next event", async () => {
    const slow = apiClient(server.url, createMerchant(server.dbFile, "Stalled Co", "stalled-co").apiKey);
    const calm = apiClient(server.url, createMerchant(server.dbFile, "Calm Co", "calm-co").apiKey);
    const slowEndpoints: string[] = [];
    for (const p of SLOW_PATHS) {
      const created = await slow.post("/webhook-endpoints", { url: receiver.url(p), events: ["customer.updated"] });
      expect(created.status).toBe(201);
      slowEndpoints.push(created.body.id);
    }
    const calmEndpoint = (await calm.post("/webhook-endpoints", { url: receiver.url("/calm"), events: ["customer.updated"] })).body;

    // 40 events for the slow merchant: 160 deliveries, every one of them held by the receiver.
    const stalled = (await slow.post("/customers", { email: "stalled@example.com" })).body.id as string;
    for (let i = 0; i < 40; i++) expect((await slow.patch(`/customers/${stalled}`, { name: `Stalled ${i}` })).status).toBe(200);
    const held = () => SLOW_PATHS.reduce((n, p) => n + receiver.on(p).length, 0);
    await waitUntil("the slow merchant's attempts to reach its share of the slots", () => held() >= 4);

    // The other merchant's next event goes out now, beside the four hanging attempts.
    const customer = (await calm.post("/customers", { email: "calm@example.com" })).body;
    expect((await calm.patch(`/customers/${customer.id}`, { name: "Calm" })).status).toBe(200);
    await receiver.waitFor(() => receiver.on("/calm").length === 1, "the calm merchant's event");
    expect(verify(calmEndpoint.secret, receiver.on("/calm")[0]).data.object.id).toBe(customer.id);

    // It arrived while every slow attempt was still hanging: none has been answered or recorded,
    // so the calm merchant waited for no slow timeout.
    expect(attemptsOf(slowEndpoints)).toBe(0);
    // And the slow merchant held only its share: 4 in flight, at most 2 per endpoint.
    expect(held()).toBe(4);
    for (const p of SLOW_PATHS) expect(receiver.on(p).length).toBeLessThanOrEqual(2);
  });
});
