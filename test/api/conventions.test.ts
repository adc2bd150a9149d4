import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, runCli, startServer, type MerchantFixture, type TestServer } from "../setup/server";

let server: TestServer;
let merchant: MerchantFixture;
let api: ApiClient;

beforeAll(async () => {
  server = await startServer();
  merchant = createMerchant(server.dbFile, "Conventions Co", "conventions");
  api = apiClient(server.url, merchant.apiKey);
});
afterAll(async () => {
  await server?.stop();
});

describe("authentication", () => {
  const cases: [string, Record<string, string>][] = [
    ["no Authorization header", {}],
    ["a malformed header", { Authorization: "Token abc" }],
    ["a malformed key", { Authorization: "Bearer sk_test_short" }],
    ["an unknown key", { Authorization: `Bearer sk_test_${"A".repeat(43)}` }],
    ["a publishable-looking key", { Authorization: `Bearer pk_test_${"A".repeat(43)}` }],
  ];
  it.each(cases)("answers 401 for %s", async (_label, headers) => {
    const res = await fetch(`${server.url}/api/v1/customers`, { headers });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
    expect(res.headers.get("content-type")).toContain("application/json");
  });

  it("revokes a key through the CLI: its next request gets 401, other keys still work", async () => {
    const created = runCli("key-create", ["--merchant", "conventions", "--json"], server.dbFile);
    expect(created.status).toBe(0);
    const { id, api_key } = JSON.parse(created.stdout) as { id: string; api_key: string };
    expect(api_key).toMatch(/^sk_test_[0-9A-Za-z]{43}$/);
    const second = apiClient(server.url, api_key);
    expect((await second.get("/customers")).status).toBe(200);
    const revoked = runCli("key-revoke", [id], server.dbFile);
    expect(revoked.status).toBe(0);
    expect((await second.get("/customers")).status).toBe(401);
    expect((await api.get("/customers")).status).toBe(200);
    expect(runCli("key-revoke", [id], server.dbFile).status).not.toBe(0);
  });

  it("merchant:create --json prints exactly one JSON object and refuses a taken slug", () => {
    const out = runCli("merchant-create", ["--name", "Ünïcode GmbH", "--json"], server.dbFile);
    expect(out.status).toBe(0);
    const parsed = JSON.parse(out.stdout);
    expect(Object.keys(parsed)).toEqual(["merchant", "api_key"]);
    expect(parsed.merchant).toEqual({ id: expect.stringMatching(/^mer_/), name: "Ünïcode GmbH", slug: "unicode-gmbh" });
    const taken = runCli("merchant-create", ["--name", "Other", "--slug", "unicode-gmbh", "--json"], server.dbFile);
    expect(taken.status).not.toBe(0);
    expect(taken.stderr).toContain("taken");
    expect(runCli("merchant-create", ["--json"], server.dbFile).status).toBe(2);
  });
});

describe("errors and routing", () => {
  it("answers unknown API paths and methods with a JSON 404", async () => {
    for (const res of [await api.get("/nope"), await api.call("PUT", "/customers"), await api.post("/customers/cus_x/whatever", {})]) {
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "unrecognized_request_url" });
    }
  });

  it("serves a real HTML 404 page for unknown URLs", async () => {
    const res = await fetch(`${server.url}/no/such/page`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("Page not found");
  });

  it("never puts a stack trace or SQL in an error body", async () => {
    const res = await api.call("POST", "/customers", "{bad", { "Content-Type": "application/json" });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js|SELECT|sqlite/i);
  });
});

describe("idempotency", () => {
  it("replays the first response for the same key and body, with Idempotent-Replayed", async () => {
    const body = { email: "idem@example.com", name: "Idem" };
    const first = await api.post("/customers", body, { "Idempotency-Key": "key-1" });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const second = await api.post("/customers", body, { "Idempotency-Key": "key-1" });
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    expect((await api.get("/customers?email=idem@example.com")).body.data).toHaveLength(1);
  });

  it("answers 409 idempotency_error for the same key with a different body", async () => {
    const res = await api.post("/customers", { email: "idem2@example.com" }, { "Idempotency-Key": "key-1" });
    expect(res.status).toBe(409);
    expect(res.body.error.type).toBe("idempotency_error");
    expect((await api.get("/customers?email=idem2@example.com")).body.data).toHaveLength(0);
  });

  it("creates exactly one customer from 20 concurrent requests with one key", async () => {
    const body = { email: "race@example.com" };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api.post("/customers", body, { "Idempotency-Key": "race-key" })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(19);
    expect((await api.get("/customers?email=race@example.com")).body.data).toHaveLength(1);
  });

  it("stores nothing for a request that fails validation: the key stays usable", async () => {
    const bad = await api.post("/customers", { email: "nope" }, { "Idempotency-Key": "key-valid-later" });
    expect(bad.status).toBe(422);
    const good = await api.post("/customers", { email: "later@example.com" }, { "Idempotency-Key": "key-valid-later" });
    expect(good.status).toBe(201);
    expect(good.headers.get("idempotent-replayed")).toBeNull();
  });

  it("replays a business error (409) rather than executing again", async () => {
    const first = await api.post("/customers", { email: "idem@example.com" }, { "Idempotency-Key": "dup-key" });
    expect(first.status).toBe(409);
    const again = await api.post("/customers", { email: "idem@example.com" }, { "Idempotency-Key": "dup-key" });
    expect(again.status).toBe(409);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("scopes keys per merchant and refuses keys over 255 characters", async () => {
    const other = apiClient(server.url, createMerchant(server.dbFile, "Idem Other").apiKey);
    const res = await other.post("/customers", { email: "idem@example.com", name: "Idem" }, { "Idempotency-Key": "key-1" });
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    const long = await api.post("/customers", { email: "long@example.com" }, { "Idempotency-Key": "k".repeat(256) });
    expect(long.status).toBe(400);
  });

  it("forgets a key after 24 hours", async () => {
    const body = { email: "aging@example.com" };
    const first = await api.post("/customers", body, { "Idempotency-Key": "aging" });
    await api.del(`/customers/${first.body.id}`);
    await server.setClock(24 * 3600_000 + 60_000);
    try {
      const later = await api.post("/customers", body, { "Idempotency-Key": "aging" });
      expect(later.status).toBe(201);
      expect(later.body.id).not.toBe(first.body.id);
      expect(later.headers.get("idempotent-replayed")).toBeNull();
    } finally {
      await server.setClock(0);
    }
  });
});

describe("headers, health and logs", () => {
  it("sets the security headers with a fresh CSP nonce that the page's scripts carry", async () => {
    const a = await fetch(`${server.url}/`);
    const b = await fetch(`${server.url}/`);
    const csp = a.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(b.headers.get("content-security-policy")).not.toContain(nonce);
    for (const part of ["'strict-dynamic'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]) {
      expect(csp).toContain(part);
    }
    const html = await a.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(a.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    // Plain http here: HSTS only when PUBLIC_URL is https.
    expect(a.headers.get("strict-transport-security")).toBeNull();
    expect(a.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives API responses and the health check the API's headers: a policy that loads nothing, no framing, no sniffing, none of a document's", async () => {
    // docs/decisions/023-api-headers.md: the OWASP REST Security Cheat Sheet's set. The answers of
    // the front (a route, the health check), of Express (an unknown API path) and an error alike.
    const answers = [
      await fetch(`${server.url}/api/v1/openapi.json`),
      await fetch(`${server.url}/healthz`),
      await fetch(`${server.url}/api/v1/customers`),
      await fetch(`${server.url}/api/v2/nope`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }),
    ];
    expect(answers.map((res) => res.status)).toEqual([200, 200, 401, 404]);
    for (const res of answers) {
      expect(res.headers.get("content-security-policy"), res.url).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers.get("x-frame-options"), res.url).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), res.url).toBe("nosniff");
      expect(res.headers.get("cross-origin-resource-policy"), res.url).toBe("same-origin");
      expect(res.headers.get("x-request-id"), res.url).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get("cache-control"), res.url).toBeTruthy();
      for (const documentOnly of ["cross-origin-opener-policy", "origin-agent-cluster", "referrer-policy", "x-dns-prefetch-control", "x-download-options", "x-permitted-cross-domain-policies", "x-xss-protection"]) {
        expect(res.headers.get(documentOnly), `${res.url} ${documentOnly}`).toBeNull();
      }
    }
    // A file of the site keeps the site's set and policy.
    const asset = await fetch(`${server.url}/favicon.svg`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(asset.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(asset.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it("answers /healthz after checking the database", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "ok" });
  });

  it("logs one JSON line per request without keys, tokens or query strings", async () => {
    const page = await fetch(`${server.url}/portal/session/eyJhbGciOiJIUzI1NiJ9.secret-token.sig?x=1`);
    const list = await api.get("/customers?email=secret-query@example.com");
    // Both requests' lines are written (on "finish", which can come after the client has read
    // the response): only then can the checks below see a leak.
    await server.requestLogged(page.headers.get("x-request-id"));
    await server.requestLogged(list.headers.get("x-request-id"));
    const requestLines = server.logs.filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l));
    expect(requestLines.length).toBeGreaterThan(5);
    for (const line of requestLines) {
      expect(line).toMatchObject({ method: expect.any(String), path: expect.any(String), status: expect.any(Number), request_id: expect.any(String) });
    }
    const all = server.logs.join("\n");
    expect(all).not.toContain(merchant.apiKey);
    expect(all).not.toContain("secret-token");
    expect(all).not.toContain("secret-query");
    expect(all).toContain("/portal/session/[redacted]");
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After past the per-key burst", async () => {
    const limited = await startServer({ env: { RATE_LIMIT_SCALE: "0.05" } }); // 5/s, burst 10
    try {
      const key = createMerchant(limited.dbFile, "Busy").apiKey;
      const client = apiClient(limited.url, key);
      await limited.freezeClock(); // no refill while the 30 requests run, however slowly
      const results = await Promise.all(Array.from({ length: 30 }, () => client.get("/customers")));
      const limitedResponses = results.filter((r) => r.status === 429);
      expect(results.filter((r) => r.status === 200)).toHaveLength(10);
      expect(limitedResponses).toHaveLength(20);
      expect(limitedResponses[0].body.error.type).toBe("rate_limit_error");
      expect(Number(limitedResponses[0].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Another key has its own bucket.
      const otherKey = createMerchant(limited.dbFile, "Calm").apiKey;
      expect((await apiClient(limited.url, otherKey).get("/customers")).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
