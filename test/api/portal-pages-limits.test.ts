import { afterAll, beforeAll, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";
import { postForm, readDb, request, sessionCookie } from "./portal-helpers";

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  // The real limits: 30 portal actions a minute per browser session.
  server = await startServer({ env: { RATE_LIMIT_SCALE: "1" } });
  api = apiClient(server.url, createMerchant(server.dbFile, "Acme", "acme").apiKey);
});
afterAll(async () => {
  await server?.stop();
});

async function signIn(customerId: string) {
  const ps = (await api.post(`/customers/${customerId}/portal-sessions`, {})).body;
  return sessionCookie(await request(ps.url))!;
}

it("portal actions are limited per session: 429 with Retry-After, nothing changed; another session is not affected", async () => {
  // No refill (30 a minute is one token every 2 s) while the requests run, however slowly.
  await server.freezeClock();
  const customerId = (await api.post("/customers", { email: "rate@example.com" })).body.id;
  const product = (await api.post("/products", { name: "Pro", type: "subscription", price: 100, currency: "usd", interval: "month" })).body.id;
  const sub = (await api.post("/subscriptions", { customer_id: customerId, product_id: product })).body.id;
  const cookie = await signIn(customerId);
  for (let i = 0; i < 30; i++) {
    const res = await postForm(`${server.url}/portal/subscriptions`, { intent: "resume", id: sub }, { cookie });
    expect(res.status).toBe(303);
  }
  const limited = await postForm(`${server.url}/portal/subscriptions/${sub}/cancel`, { when: "at_period_end" }, { cookie });
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(readDb<{ c: number }>(server.dbFile, "select cancel_at_period_end c from subscriptions where id = ?", sub)[0].c).toBe(0);

  const other = await signIn(customerId);
  const ok = await postForm(`${server.url}/portal/subscriptions/${sub}/cancel`, { when: "at_period_end" }, { cookie: other });
  expect(ok.status).toBe(303);
  expect(readDb<{ c: number }>(server.dbFile, "select cancel_at_period_end c from subscriptions where id = ?", sub)[0].c).toBe(1);
});
