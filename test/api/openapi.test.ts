import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiRoute } from "~/api/route.server";
import { baseEnv, createMerchant, startServer, tempDbFile, type TestServer } from "../setup/server";

let server: TestServer;
let doc: { openapi: string; paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };

beforeAll(async () => {
  server = await startServer();
  doc = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
});
const tableDb = tempDbFile("openapi-table");
afterAll(async () => {
  await server?.stop();
  fs.rmSync(path.dirname(tableDb), { recursive: true, force: true });
});

/**
 * The route table the server serves /api/v1 from (app/api/routes/index.ts), as `GET /customers/{id}`
 * lines. Its handlers import the models, which open DATABASE_PATH: a file of this test's own.
 */
async function routedOperations() {
  const { DATABASE_PATH, PORTAL_SIGNING_KEYS, DATA_ENCRYPTION_KEY } = baseEnv(0, tableDb);
  Object.assign(process.env, { DATABASE_PATH, PORTAL_SIGNING_KEYS, DATA_ENCRYPTION_KEY, LOG_LEVEL: "warn" });
  const { apiRoutes } = (await import("~/api/routes/index")) as { apiRoutes: ApiRoute[] };
  return apiRoutes
    .filter((r) => r.auth !== "document")
    .flatMap((r) => Object.keys((r as { methods: object }).methods).map((m) => `${m} ${r.path.replace(/:(\w+)/g, "{$1}")}`));
}

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document whose references all resolve", () => {
    expect(doc.openapi).toBe("3.1.0");
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas, `missing schema ${ref}`).toHaveProperty(ref);
  });

  it("documents every route of the table, and no operation that has no route", async () => {
    const routed = new Set(await routedOperations());
    const documented = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routed.size).toBeGreaterThan(0);
    for (const op of routed) expect(documented, `route ${op} is not documented`).toContain(op);
    for (const op of documented) expect([...routed], `documented ${op} has no route`).toContain(op);
  });

  it("every documented operation is served: without a key it gets 401 (or its public answer), never an unknown-URL 404", async () => {
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const url = `${server.url}/api/v1${p.replace(/\{(\w+)\}/g, "x_$1")}`;
        const res = await fetch(url, {
          method: method.toUpperCase(),
          headers: { "Content-Type": "application/json" },
          body: method === "get" || method === "delete" ? undefined : "{}",
        });
        const body = await res.json().catch(() => ({}));
        expect(body?.error?.code, `${method.toUpperCase()} ${p}`).not.toBe("unrecognized_request_url");
        if (!Array.isArray(op.security) || op.security.length > 0) expect(res.status, `${method.toUpperCase()} ${p}`).toBe(401);
      }
    }
  });
});

describe("the document holds every response (test/setup/check-api-responses.ts)", () => {
  it("a serializer change the document does not follow is caught: a field added, a field dropped, a type changed, an undocumented status", async () => {
    const { conformanceChecker } = await import("../setup/openapi-conformance");
    const check = conformanceChecker(doc as never);
    const key = createMerchant(server.dbFile, "Conformance").apiKey;
    const res = await fetch(`${server.url}/api/v1/customers`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify({ email: "conformance@example.com", name: "Ada" }),
    });
    const customer = (await res.json()) as Record<string, unknown>;
    const observed = (status: number, body: unknown) => ({
      method: "POST",
      path: "/api/v1/customers",
      status,
      contentType: "application/json; charset=utf-8",
      body: JSON.stringify(body),
    });
    expect(check(observed(201, customer))).toEqual([]);
    expect(check(observed(201, { ...customer, nickname: "Ada" })).join()).toMatch(/additional properties/);
    const { email: _dropped, ...withoutEmail } = customer;
    expect(check(observed(201, withoutEmail)).join()).toMatch(/email/);
    expect(check(observed(201, { ...customer, created_at: 1764000000000 })).join()).toMatch(/created_at/);
    expect(check(observed(418, customer)).join()).toMatch(/status 418 is not documented/);
    expect(check({ ...observed(200, { object: "list", data: [customer], has_more: "no" }), method: "GET" }).join()).toMatch(/has_more/);
  });

  it("holds the usage, entitlement, summary and billing overview answers to their schemas too", async () => {
    const { conformanceChecker } = await import("../setup/openapi-conformance");
    const check = conformanceChecker(doc as never);
    const key = createMerchant(server.dbFile, "Conformance parity").apiKey;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const customer = await call("POST", "/customers", { external_id: "user-7", customer_type: "company", currency: "usd", document_locale: "ko" });
    const id = customer.body.id as string;
    const answers = [
      ["PUT", `/customers/${id}/entitlements/seats`, { limit: 5, unit: "seats" }],
      ["POST", `/customers/${id}/usage`, { feature: "seats", quantity: 2 }],
      ["POST", `/customers/${id}/entitlements/seats/check`, { quantity: 1 }],
      ["GET", `/customers/${id}/entitlements`],
      ["GET", `/customers/${id}/billing-overview`],
      ["GET", `/customers/${id}?expand[]=summary`],
      ["GET", `/customers?expand[]=summary&sort=-name&external_id[in]=user-7`],
    ] as const;
    for (const [method, path, body] of answers) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      const observed = (changed: unknown) => ({ method, path: `/api/v1${path.split("?")[0]}`, status: res.status, contentType: "application/json; charset=utf-8", body: JSON.stringify(changed) });
      expect(check(observed(res.body)), `${method} ${path}`).toEqual([]);
      // A field the document does not name is caught on every one of them.
      expect(check(observed({ ...res.body, surprise: 1 })).join(), `${method} ${path}`).toMatch(/additional properties/);
    }
    // And a field of the new shapes that changes type or goes missing.
    const overview = (await call("GET", `/customers/${id}/billing-overview`)).body;
    const seen = (path: string, body: unknown) => check({ method: "GET", path: `/api/v1${path}`, status: 200, contentType: "application/json", body: JSON.stringify(body) }).join();
    expect(seen(`/customers/${id}/billing-overview`, { ...overview, active_subscriptions: "0" })).toMatch(/active_subscriptions/);
    const withSummary = (await call("GET", `/customers/${id}?expand[]=summary`)).body as { summary: Record<string, unknown> };
    const { plans: _plans, ...summaryWithoutPlans } = withSummary.summary;
    expect(seen(`/customers/${id}`, { ...withSummary, summary: summaryWithoutPlans })).toMatch(/plans/);
    const { document_locale: _locale, ...withoutLocale } = customer.body;
    expect(seen(`/customers/${id}`, withoutLocale)).toMatch(/document_locale/);
  });
});
