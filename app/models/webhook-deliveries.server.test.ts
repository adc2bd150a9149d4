import { beforeAll, describe, expect, it } from "vitest";
import { useOwnDatabase } from "../../test/setup/own-database";

// The models run against a real SQLite file of their own (set before the database module loads).
useOwnDatabase("queue");

let m: {
  db: typeof import("~/utils/db.server");
  events: typeof import("./events.server");
  queue: typeof import("./webhook-deliveries.server");
  endpoints: typeof import("./webhook-endpoints.server");
  schema: typeof import("#db/schema/index");
  merchants: typeof import("./merchants.server");
};
let merchantId: string;
const actor = { type: "system" } as const;

beforeAll(async () => {
  m = {
    db: await import("~/utils/db.server"),
    events: await import("./events.server"),
    queue: await import("./webhook-deliveries.server"),
    endpoints: await import("./webhook-endpoints.server"),
    schema: await import("#db/schema/index"),
    merchants: await import("./merchants.server"),
  };
  const { createMerchant } = await import("./merchants.server");
  merchantId = createMerchant({ name: "Queue Test" }).merchant.id;
});

const count = (table: string) => (m.db.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
const ok = { statusCode: 200, error: null, durationMs: 3, delivered: true };
const failed = { statusCode: 500, error: null, durationMs: 3, delivered: false };

function freshEndpoint(events?: ("customer.updated" | "subscription.cancelled")[]) {
  // Earlier endpoints are deleted so each case sees only its own deliveries.
  for (const e of m.endpoints.listWebhookEndpoints({ merchantId, limit: 100 }).rows) {
    m.endpoints.deleteWebhookEndpoint({ merchantId, id: e.id, actor });
  }
  return m.db.writeTransaction(() =>
    m.endpoints.createWebhookEndpoint({ merchantId, input: { url: "http://127.0.0.1:9/hook", events }, actor }),
  );
}

describe("emitEvent (the outbox)", () => {
  it("writes nothing when the surrounding transaction rolls back", () => {
    freshEndpoint();
    const before = [count("webhook_events"), count("webhook_deliveries")];
    expect(() =>
      m.db.writeTransaction(() => {
        m.events.emitEvent({ merchantId, type: "customer.updated", object: { id: "cus_x" } });
        throw new Error("the change failed");
      }),
    ).toThrow("the change failed");
    expect([count("webhook_events"), count("webhook_deliveries")]).toEqual(before);
  });

  it("writes the event and one delivery per subscribed live endpoint, in the caller's transaction", () => {
    const endpoint = freshEndpoint(["customer.updated"]);
    const id = m.db.writeTransaction(() =>
      m.events.emitEvent({
        merchantId,
        type: "customer.updated",
        object: { id: "cus_1", name: "Ada" },
        actor: { type: "customer", id: "cus_1", portalSessionId: "ps_1" },
      }),
    );
    const event = m.db.sqlite.prepare("select payload from webhook_events where id = ?").get(id) as { payload: string };
    expect(JSON.parse(event.payload)).toEqual({
      id,
      type: "customer.updated",
      created_at: expect.stringMatching(/Z$/),
      data: { object: { id: "cus_1", name: "Ada" } },
      actor: { type: "customer", customer_id: "cus_1", portal_session_id: "ps_1" },
    });
    const deliveries = m.db.sqlite.prepare("select endpoint_id from webhook_deliveries where event_id = ?").all(id);
    expect(deliveries).toEqual([{ endpoint_id: endpoint.id }]);
    const other = m.db.writeTransaction(() =>
      m.events.emitEvent({ merchantId, type: "subscription.cancelled", object: { id: "sub_1" } }),
    );
    expect(m.db.sqlite.prepare("select count(*) as n from webhook_deliveries where event_id = ?").get(other)).toEqual({ n: 0 });
  });
});

describe("the delivery queue", () => {
  it("leases a due delivery to one claimer; a stale lease is released at start-up", () => {
    freshEndpoint();
    m.db.writeTransaction(() => m.events.emitEvent({ merchantId, type: "customer.updated", object: {} }));
    const first = m.queue.claimDueDeliveries({ limit: 10, leaseMs: 60_000, skip: new Set() });
    expect(first).toHaveLength(1);
    expect(m.queue.claimDueDeliveries({ limit: 10, leaseMs: 60_000, skip: new Set() })).toHaveLength(0);
    // As after a kill -9 mid-attempt: the lease is all that is left, and start-up frees it.
    expect(m.queue.releaseStaleLeases()).toBe(1);
    const again = m.queue.claimDueDeliveries({ limit: 10, leaseMs: 60_000, skip: new Set() });
    expect(again.map((d) => d.eventId)).toEqual([first[0].eventId]);
    m.queue.recordAttempt({ delivery: again[0], attempt: 1, startedAt: new Date(), result: ok, retryDelaysS: [1] });
  });

  it("skips deliveries this process is already sending, even with an expired lease", () => {
    freshEndpoint();
    m.db.writeTransaction(() => m.events.emitEvent({ merchantId, type: "customer.updated", object: {} }));
    const [d] = m.queue.claimDueDeliveries({ limit: 10, leaseMs: 0, skip: new Set() });
    expect(m.queue.claimDueDeliveries({ limit: 10, leaseMs: 0, skip: new Set([d.seq]) })).toHaveLength(0);
    m.queue.recordAttempt({ delivery: d, attempt: 1, startedAt: new Date(), result: ok, retryDelaysS: [] });
  });

  it("reschedules on the delay list and fails after the last try, logging every attempt", () => {
    const endpoint = freshEndpoint();
    const eventId = m.db.writeTransaction(() => m.events.emitEvent({ merchantId, type: "customer.updated", object: {} }));
    const state = () =>
      m.db.sqlite.prepare("select status, attempts, next_attempt_at as next from webhook_deliveries where event_id = ?").get(eventId) as {
        status: string;
        attempts: number;
        next: number;
      };
    const delays = [0, 3600];
    const [d1] = m.queue.claimDueDeliveries({ limit: 1, leaseMs: 60_000, skip: new Set() });
    m.queue.recordAttempt({ delivery: d1, attempt: 1, startedAt: new Date(), result: failed, retryDelaysS: delays });
    expect(state()).toMatchObject({ status: "pending", attempts: 1 });
    const [d2] = m.queue.claimDueDeliveries({ limit: 1, leaseMs: 60_000, skip: new Set() });
    expect(d2.eventId).toBe(eventId);
    const before = Date.now();
    m.queue.recordAttempt({ delivery: { ...d2, attempts: 1 }, attempt: 2, startedAt: new Date(), result: failed, retryDelaysS: delays });
    expect(state()).toMatchObject({ status: "pending", attempts: 2 });
    expect(state().next - before).toBeGreaterThanOrEqual(3600_000 - 1000);
    // Not due for an hour: nothing to claim.
    expect(m.queue.claimDueDeliveries({ limit: 1, leaseMs: 60_000, skip: new Set() })).toHaveLength(0);
    m.db.sqlite.prepare("update webhook_deliveries set next_attempt_at = 0 where event_id = ?").run(eventId);
    const [d3] = m.queue.claimDueDeliveries({ limit: 1, leaseMs: 60_000, skip: new Set() });
    m.queue.recordAttempt({ delivery: d3, attempt: 3, startedAt: new Date(), result: failed, retryDelaysS: delays });
    expect(state()).toMatchObject({ status: "failed", attempts: 3 });
    const log = m.endpoints.listDeliveryAttempts({ merchantId, endpointId: endpoint.id, limit: 10 }).rows;
    expect(log.map((a) => [a.attempt, a.statusCode, a.delivered])).toEqual([
      [3, 500, false],
      [2, 500, false],
      [1, 500, false],
    ]);
  });
});

describe("fair claiming", () => {
  // Two merchants: one with a backlog of 40 events, one with a single event that came last.
  let round = 0;
  function backlog(busyEndpoints = 1) {
    const { createMerchant } = m.merchants;
    round += 1;
    const busy = createMerchant({ name: `Busy ${round}` }).merchant.id;
    const calm = createMerchant({ name: `Calm ${round}` }).merchant.id;
    for (const id of [...Array<string>(busyEndpoints).fill(busy), calm]) {
      m.db.writeTransaction(() => m.endpoints.createWebhookEndpoint({ merchantId: id, input: { url: "http://127.0.0.1:9/hook" }, actor }));
    }
    for (let i = 0; i < 40; i++) m.db.writeTransaction(() => m.events.emitEvent({ merchantId: busy, type: "customer.updated", object: { i } }));
    m.db.writeTransaction(() => m.events.emitEvent({ merchantId: calm, type: "customer.updated", object: {} }));
    const merchantOf = (d: { endpointId: string }) =>
      (m.db.sqlite.prepare("select merchant_id as id from webhook_endpoints where id = ?").get(d.endpointId) as { id: string }).id;
    return { busy, calm, merchantOf };
  }

  it("takes due rows round-robin across merchants, so one merchant's backlog does not delay another's next event", () => {
    // Earlier tests' endpoints are gone: only this backlog is due.
    for (const e of m.endpoints.listWebhookEndpoints({ merchantId, limit: 100 }).rows) m.endpoints.deleteWebhookEndpoint({ merchantId, id: e.id, actor });
    const { busy, calm, merchantOf } = backlog();
    const claimed = m.queue.claimDueDeliveries({ limit: 2, leaseMs: 60_000, skip: new Set() });
    expect(claimed.map(merchantOf).sort()).toEqual([busy, calm].sort());
    m.db.sqlite.prepare("update webhook_deliveries set status = 'failed' where status = 'pending'").run();
  });

  it("gives a freed slot to the merchant holding fewer leases, even when the other's rows are older", () => {
    const { busy, calm, merchantOf } = backlog(3);
    // The busy merchant's first deliveries went out first and still hold their leases (stalled
    // endpoints): two of its four slots, one per endpoint, so no cap stops it taking more.
    const calmSeq = (m.db.sqlite.prepare("select d.seq from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id where e.merchant_id = ? and d.status = 'pending'").get(calm) as { seq: number }).seq;
    const held = m.queue.claimDueDeliveries({ limit: 2, leaseMs: 60_000, skip: new Set([calmSeq]) });
    expect(held.map(merchantOf)).toEqual([busy, busy]);
    expect(new Set(held.map((d) => d.endpointId)).size).toBe(2);
    // One slot: the calm merchant (no leases out) goes before the busy one's older rows.
    const next = m.queue.claimDueDeliveries({ limit: 1, leaseMs: 60_000, skip: new Set() });
    expect(next.map(merchantOf)).toEqual([calm]);
    m.db.sqlite.prepare("update webhook_deliveries set status = 'failed' where status = 'pending'").run();
  });

  it("holds each partition to its share of leases, counting the leases already out", async () => {
    const { defineOutbox } = await import("~/utils/outbox.server");
    const { sql } = await import("drizzle-orm");
    const { webhookDeliveries, webhookEndpoints } = m.schema;
    const capped = defineOutbox({
      label: "capped deliveries",
      table: webhookDeliveries,
      statuses: { pending: "pending", done: "delivered", failed: "failed" },
      partitions: [{ key: sql`(select ${webhookEndpoints.merchantId} from ${webhookEndpoints} where ${webhookEndpoints.id} = ${webhookDeliveries.endpointId})`, max: 2 }],
    });
    const { busy, calm, merchantOf } = backlog();
    const claim = (limit: number) =>
      capped.claim({ limit, leaseMs: 60_000, load: (seqs) => m.db.sqlite.prepare(`select seq, endpoint_id as endpointId from webhook_deliveries where seq in (${seqs.join(",")})`).all() as { seq: number; endpointId: string }[] });
    const first = claim(10);
    expect(first.map(merchantOf).sort()).toEqual([busy, busy, calm].sort());
    // Both of the busy merchant's slots are taken and the calm one has nothing left.
    expect(claim(10)).toEqual([]);
    m.db.sqlite.prepare("update webhook_deliveries set status = 'failed' where status = 'pending'").run();
  });
});
