import { describe, expect, it } from "vitest";
import { postForm, request, sessionCookie } from "./portal-helpers";
import { eventWorldPerFile } from "./webhooks-receiver";

// Customers acting in the portal: each action reaches the merchant's endpoint exactly once,
// signed, carrying the object as the API returns it and the customer as the actor.

const world = eventWorldPerFile("Portal Events");
const eventsFor = (objectId: string, type: string) => world.eventsFor(objectId, { type });

async function customerWithSession() {
  const customer = (await world.api.post("/customers", { email: `p${Math.random().toString(36).slice(2)}@example.com`, name: "Pat" })).body;
  const ps = (await world.api.post(`/customers/${customer.id}/portal-sessions`, {})).body;
  const cookie = sessionCookie(await request(ps.url))!;
  expect(cookie).toBeTruthy();
  return { customerId: customer.id as string, portalSessionId: ps.id as string, cookie };
}

const post = (path: string, fields: Record<string, string>, cookie: string) => postForm(`${world.server.url}${path}`, fields, { cookie });

describe("portal actions fire webhooks", () => {
  it("two concurrent cancel posts: one cancellation, one subscription.cancellation_scheduled with the customer as actor", async () => {
    const { customerId, portalSessionId, cookie } = await customerWithSession();
    const sub = (await world.api.post("/subscriptions", { customer_id: customerId, product_id: world.productId })).body;
    const form = { when: "at_period_end", reason: "too_expensive", feedback: "Budget cuts" };
    const results = await Promise.all([post(`/portal/subscriptions/${sub.id}/cancel`, form, cookie), post(`/portal/subscriptions/${sub.id}/cancel`, form, cookie)]);
    for (const r of results) expect([200, 303]).toContain(r.status);
    const events = await eventsFor(sub.id, "subscription.cancellation_scheduled");
    expect(events).toHaveLength(1);
    const apiView = (await world.api.get(`/subscriptions/${sub.id}`)).body;
    expect(apiView).toMatchObject({ cancel_at_period_end: true, cancel_reason: "too_expensive", cancel_feedback: "Budget cuts" });
    expect(events[0].data.object).toEqual(apiView);
    expect(events[0].actor).toEqual({ type: "customer", customer_id: customerId, portal_session_id: portalSessionId });

    // "Don't cancel" in the portal → one subscription.resumed.
    expect((await post("/portal/subscriptions", { intent: "resume", id: sub.id }, cookie)).status).toBe(303);
    const resumed = await eventsFor(sub.id, "subscription.resumed");
    expect(resumed).toHaveLength(1);
    expect(resumed[0].data.object.cancel_at_period_end).toBe(false);
  });

  it("a profile change: one customer.updated carrying the new phone number", async () => {
    const { customerId, cookie } = await customerWithSession();
    const res = await post("/portal/profile", { name: "Pat Lee", phone: "+82 10-1234-5678" }, cookie);
    expect(res.status).toBe(303);
    const events = await eventsFor(customerId, "customer.updated");
    expect(events).toHaveLength(1);
    expect(events[0].data.object).toMatchObject({ id: customerId, name: "Pat Lee", phone_number: "+821012345678" });
    expect(events[0].actor).toMatchObject({ type: "customer", customer_id: customerId });
  });

  it("deactivating a license instance: one license_key.instance_deactivated", async () => {
    const { customerId, cookie } = await customerWithSession();
    const key = (await world.api.post("/license-keys", { customer_id: customerId, activations_limit: 2 })).body;
    const instance = (await request(`${world.server.url}/api/v1/licenses/activate`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ license_key: key.key, name: "Laptop" }),
    }));
    const instanceId = JSON.parse(instance.text).id as string;
    expect((await post("/portal/licenses", { intent: "deactivate", id: instanceId }, cookie)).status).toBe(303);
    const events = await eventsFor(instanceId, "license_key.instance_deactivated");
    expect(events).toHaveLength(1);
    expect(events[0].data.object).toMatchObject({ id: instanceId, object: "license_key_instance", license_key_id: key.id });
    expect(events[0].actor).toMatchObject({ type: "customer", customer_id: customerId });
  });
});
