import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { startServer, type TestServer } from "../setup/server";

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startServer({ env: { SEED_DEMO: "true" } });
  const demo = JSON.parse(fs.readFileSync(`${server.dbFile}.demo.json`, "utf8")) as { api_key: string };
  api = apiClient(server.url, demo.api_key);
});
afterAll(async () => {
  await server?.stop();
});

describe("demo seed: billing objects", () => {
  it("has payments in USD, KRW and INR in every status, with gapless invoice numbers in date order", async () => {
    const payments = (await api.get("/payments?limit=100")).body.data as { status: string; currency: string; invoice_number: string | null; created_at: string }[];
    expect(new Set(payments.map((p) => p.currency))).toEqual(new Set(["USD", "KRW", "INR"]));
    expect(new Set(payments.map((p) => p.status))).toEqual(new Set(["succeeded", "failed", "refunded", "partially_refunded"]));
    const invoiced = payments.filter((p) => p.invoice_number).reverse();
    expect(invoiced.map((p) => p.invoice_number)).toEqual(invoiced.map((_, i) => `INV-${String(i + 1).padStart(6, "0")}`));
  });

  it("has active subscriptions and one with a pending cancellation", async () => {
    const subs = (await api.get("/subscriptions?limit=100")).body.data as { status: string; cancel_at_period_end: boolean }[];
    expect(subs.filter((s) => s.status === "active").length).toBeGreaterThanOrEqual(2);
    expect(subs.filter((s) => s.cancel_at_period_end)).toHaveLength(1);
  });

  it("has license keys with activations and wallets in USD, KRW and INR", async () => {
    const keys = (await api.get("/license-keys?limit=100")).body.data as { id: string; activations_count: number; customer_id: string }[];
    expect(keys.some((k) => k.activations_count >= 2)).toBe(true);
    const currencies = new Set<string>();
    for (const customerId of new Set(keys.map((k) => k.customer_id))) {
      for (const w of (await api.get(`/customers/${customerId}/wallets`)).body.data as { currency: string; balance: number }[]) currencies.add(w.currency);
    }
    const customers = (await api.get("/customers?limit=100")).body.data as { id: string; email: string }[];
    const emily = customers.find((c) => c.email === "emily.carter@example.com")!;
    for (const w of (await api.get(`/customers/${emily.id}/wallets`)).body.data as { currency: string }[]) currencies.add(w.currency);
    expect(currencies).toEqual(new Set(["USD", "KRW", "INR"]));
  });
});
