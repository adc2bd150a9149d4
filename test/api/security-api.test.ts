import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, runCli, startServer, type MerchantFixture, type TestServer } from "../setup/server";
import { readDb } from "./portal-helpers";

// Issue 12 on the merchant API, over HTTP against the built server: hostile JSON (13), the
// settings audit entry (7), a ledger idempotency_key reused for another entry (14), and what
// sk_test_ and sk_live_ keys see (14, the documented decision).

let server: TestServer;
let merchant: MerchantFixture;
let api: ApiClient;

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_SCALE: "100" } });
  merchant = createMerchant(server.dbFile, "Hostile Co", "hostile-co");
  api = apiClient(server.url, merchant.apiKey);
});
afterAll(async () => {
  await server?.stop();
});

const nested = (depth: number) => `{"email":"deep@example.com","metadata":{"a":${"[".repeat(depth)}${"]".repeat(depth)}}}`;

describe("13. hostile JSON", () => {
  it.each([
    ["with an Idempotency-Key", { "Idempotency-Key": "deep-1" }],
    ["without one", {}],
  ])("a body nested 10,000 deep %s answers 400 (never 500), stores nothing, and /healthz stays 200", async (_label, headers) => {
    const res = await api.call("POST", "/customers", nested(10_000), headers as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "json_too_deep" });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(readDb(server.dbFile, "select id from customers where email = 'deep@example.com'")).toHaveLength(0);
    expect(readDb(server.dbFile, "select key from idempotency_records where key = 'deep-1'")).toHaveLength(0);
  });

  it("on the public license endpoints too", async () => {
    const res = await fetch(`${server.url}/api/v1/licenses/validate`, { method: "POST", headers: { "Content-Type": "application/json" }, body: `{"key":${"[".repeat(10_000)}${"]".repeat(10_000)}}` });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("json_too_deep");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("ordinary nesting, and brackets inside strings, are read as before", async () => {
    const res = await api.post("/customers", { email: "shallow@example.com", name: `${"[{".repeat(5000)}`.slice(0, 200), metadata: { note: "{".repeat(400) } }, { "Idempotency-Key": "shallow-1" });
    expect(res.status).toBe(201);
    const replay = await api.post("/customers", { email: "shallow@example.com", name: `${"[{".repeat(5000)}`.slice(0, 200), metadata: { note: "{".repeat(400) } }, { "Idempotency-Key": "shallow-1" });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(res.body.id);
  });
});

describe("7. the settings audit entry", () => {
  it("names the settings that changed and never copies a logo of up to 100 KB", async () => {
    const base64 = Buffer.alloc(70_000, 7).toString("base64"); // ≈ 93 KB of base64
    const logo = `data:image/png;base64,${base64}`;
    const res = await api.patch("/portal-settings", { branding: { logo_url: logo, brand_color: "#123456" }, features: { wallet: { enabled: false } } });
    expect(res.status).toBe(200);
    const row = readDb<{ data: string; before: string; after: string }>(
      server.dbFile,
      "select data, before, after from audit_log where action = 'portal_settings.updated' order by seq desc limit 1",
    )[0];
    expect(JSON.parse(row.data).changed.sort()).toEqual(["branding.brand_color", "branding.logo_url", "features.wallet.enabled"]);
    const entry = row.data + row.before + row.after;
    expect(entry).not.toContain(base64.slice(0, 200));
    expect(entry.length).toBeLessThan(2_000);
    // Another logo of the same length is still a change.
    const again = await api.patch("/portal-settings", { branding: { logo_url: `data:image/png;base64,${Buffer.alloc(70_000, 8).toString("base64")}` } });
    expect(again.status).toBe(200);
    const next = readDb<{ data: string }>(server.dbFile, "select data from audit_log where action = 'portal_settings.updated' order by seq desc limit 1")[0];
    expect(JSON.parse(next.data).changed).toEqual(["branding.logo_url"]);
  });
});

describe("14. a ledger idempotency_key reused for another entry", () => {
  it("answers 409 idempotency_error and books nothing; the same entry still replays", async () => {
    const customer = (await api.post("/customers", { email: "ledger-reuse@example.com" })).body.id as string;
    const book = (body: Record<string, unknown>) => api.post(`/customers/${customer}/wallets/ledger-entries`, body);
    const first = await book({ currency: "usd", amount: 500, entry_type: "credit", reason: "top-up", idempotency_key: "reuse-1" });
    expect(first.status).toBe(201);
    for (const other of [
      { currency: "USD", amount: 5000, entry_type: "credit", reason: "top-up" },
      { currency: "USD", amount: 500, entry_type: "debit", reason: "top-up" },
      { currency: "EUR", amount: 500, entry_type: "credit", reason: "top-up" },
      { currency: "USD", amount: 500, entry_type: "credit", reason: "something else" },
    ]) {
      const res = await book({ ...other, idempotency_key: "reuse-1" });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ type: "idempotency_error", code: "idempotency_key_reused", param: "idempotency_key" });
    }
    // Same entry (currency in any case): the first one, booked once.
    const replay = await book({ currency: "USD", amount: 500, entry_type: "credit", reason: "top-up", idempotency_key: "reuse-1" });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    const wallets = (await api.get(`/customers/${customer}/wallets`)).body.data as { currency: string; balance: number }[];
    expect(wallets).toEqual([expect.objectContaining({ currency: "USD", balance: 500 })]);
    expect((await api.get(`/customers/${customer}/wallets/ledger-entries`)).body.data).toHaveLength(1);
  });
});

describe("14. sk_test_ and sk_live_ keys (README, Security: one data set per merchant)", () => {
  it("a merchant's test and live keys see the same data; a separate merchant (the documented way to keep test data apart) sees none of it", async () => {
    const live = runCli("key-create", ["--merchant", merchant.slug, "--live", "--json"], server.dbFile);
    expect(live.status).toBe(0);
    const liveKey = (JSON.parse(live.stdout) as { api_key: string }).api_key;
    expect(liveKey).toMatch(/^sk_live_/);
    expect(merchant.apiKey).toMatch(/^sk_test_/);
    const liveApi = apiClient(server.url, liveKey);

    const fromTest = (await api.post("/customers", { email: "mode-test@example.com" })).body.id as string;
    const fromLive = (await liveApi.post("/customers", { email: "mode-live@example.com" })).body.id as string;
    for (const client of [api, liveApi]) {
      expect((await client.get(`/customers/${fromTest}`)).status).toBe(200);
      expect((await client.get(`/customers/${fromLive}`)).status).toBe(200);
    }
    const staging = apiClient(server.url, createMerchant(server.dbFile, "Hostile Co (staging)", "hostile-co-staging").apiKey);
    for (const id of [fromTest, fromLive]) expect((await staging.get(`/customers/${id}`)).status).toBe(404);
    expect((await staging.get("/customers")).body.data).toEqual([]);
  });
});
