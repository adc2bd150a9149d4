import { describe, expect, it } from "vitest";
import { eventWorldPerFile } from "./webhooks-receiver";

// Every event type of PRODUCT.md, fired through the API actions that cause it, reaching a
// subscribed endpoint and verifying with the reference library.

const world = eventWorldPerFile("Events");
const eventsFor = (objectId: string, atLeast = 1) => world.eventsFor(objectId, { atLeast });

async function newCustomer() {
  const res = await world.api.post("/customers", { email: `e${Math.random().toString(36).slice(2)}@example.com` });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function newSubscription() {
  const res = await world.api.post("/subscriptions", { customer_id: await newCustomer(), product_id: world.productId });
  expect(res.status).toBe(201);
  return res.body as { id: string; customer_id: string };
}

describe("every event type reaches the endpoint, once, signed", () => {
  it("customer.updated (PATCH /customers/{id})", async () => {
    const id = await newCustomer();
    const res = await world.api.patch(`/customers/${id}`, { name: "Ada" });
    const [event, ...more] = await eventsFor(id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ type: "customer.updated", data: { object: res.body } });
  });

  it("subscription.cancellation_scheduled and subscription.resumed (cancel at period end, then resume)", async () => {
    const sub = await newSubscription();
    const cancel = await world.api.post(`/subscriptions/${sub.id}/cancel`, { at_period_end: true, reason: "too_expensive" });
    expect(cancel.status).toBe(200);
    const [scheduled] = await eventsFor(sub.id);
    expect(scheduled).toMatchObject({ type: "subscription.cancellation_scheduled", data: { object: cancel.body } });
    const resume = await world.api.post(`/subscriptions/${sub.id}/resume`);
    expect(resume.status).toBe(200);
    const events = await eventsFor(sub.id, 2);
    expect(events.map((e) => e.type)).toEqual(["subscription.cancellation_scheduled", "subscription.resumed"]);
    expect(events[1].data.object).toEqual(resume.body);
  });

  it("subscription.cancelled (cancel immediately)", async () => {
    const sub = await newSubscription();
    const cancel = await world.api.post(`/subscriptions/${sub.id}/cancel`, { at_period_end: false });
    expect(cancel.status).toBe(200);
    const events = await eventsFor(sub.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "subscription.cancelled", data: { object: cancel.body }, actor: { type: "api_key" } });
  });

  it("subscription.cancelled (DELETE /customers/{id} cancels the customer's subscriptions)", async () => {
    const sub = await newSubscription();
    expect((await world.api.del(`/customers/${sub.customer_id}`)).status).toBe(200);
    const events = await eventsFor(sub.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "subscription.cancelled", data: { object: { id: sub.id, status: "cancelled" } } });
  });

  it("portal_session.created (POST /customers/{id}/portal-sessions)", async () => {
    const customerId = await newCustomer();
    const res = await world.api.post(`/customers/${customerId}/portal-sessions`, {});
    expect(res.status).toBe(201);
    const events = await eventsFor(res.body.id);
    expect(events).toHaveLength(1);
    const { url: _url, ...withoutUrl } = res.body;
    expect(events[0]).toMatchObject({ type: "portal_session.created", data: { object: withoutUrl } });
  });

  it("license_key.instance_deactivated (POST /licenses/deactivate)", async () => {
    const key = await world.api.post("/license-keys", { customer_id: await newCustomer() });
    expect(key.status).toBe(201);
    const activated = await world.api.post("/licenses/activate", { license_key: key.body.key, name: "laptop" });
    expect(activated.status).toBe(201);
    const res = await world.api.post("/licenses/deactivate", { license_key: key.body.key, license_key_instance_id: activated.body.id });
    expect(res.status).toBe(200);
    const events = await eventsFor(activated.body.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "license_key.instance_deactivated",
      data: { object: { id: activated.body.id, object: "license_key_instance", license_key_id: key.body.id } },
    });
  });
});

describe("concurrency", () => {
  it("two concurrent immediate cancels of one subscription produce one event", async () => {
    const sub = await newSubscription();
    const results = await Promise.all([
      world.api.post(`/subscriptions/${sub.id}/cancel`, { at_period_end: false }),
      world.api.post(`/subscriptions/${sub.id}/cancel`, { at_period_end: false }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const events = await eventsFor(sub.id);
    expect(events.map((e) => e.type)).toEqual(["subscription.cancelled"]);
  });

  it("two concurrent cancels at period end produce one event", async () => {
    const sub = await newSubscription();
    await Promise.all([
      world.api.post(`/subscriptions/${sub.id}/cancel`, { at_period_end: true }),
      world.api.post(`/subscriptions/${sub.id}/cancel`, { at_period_end: true }),
    ]);
    const events = await eventsFor(sub.id);
    expect(events.map((e) => e.type)).toEqual(["subscription.cancellation_scheduled"]);
  });

  it("two concurrent PATCHes of one customer produce one event each, in commit order", async () => {
    const id = await newCustomer();
    const results = await Promise.all([world.api.patch(`/customers/${id}`, { name: "One" }), world.api.patch(`/customers/${id}`, { name: "Two" })]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const events = await eventsFor(id, 2);
    expect(events).toHaveLength(2);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
    expect(events.map((e) => e.data.object.name).sort()).toEqual(["One", "Two"]);
  });
});
