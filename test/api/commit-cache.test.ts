import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";

// ADR 014: the API key lookup and the customer list's pages are kept until the next write to the
// database. Every answer here follows a write — the server's own, or another process's commit to
// the same file (a CLI, an operator's sqlite3) — and must show it at once.

let server: TestServer;
let api: ApiClient;
let other: ApiClient;
let otherKey: string;

const names = (body: { data: { name: string | null }[] }) => body.data.map((c) => c.name);

/** A write by another connection to the server's database file, committed before this returns. */
function writeElsewhere(statement: string, ...params: unknown[]) {
  const db = new Database(server.dbFile);
  db.pragma("busy_timeout = 5000");
  try {
    return db.prepare(statement).run(...params).changes;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  server = await startServer();
  api = apiClient(server.url, createMerchant(server.dbFile, "Cached").apiKey);
  otherKey = createMerchant(server.dbFile, "Neighbour").apiKey;
  other = apiClient(server.url, otherKey);
  for (const name of ["Ada", "Bo", "Cy"]) expect((await api.post("/customers", { email: `${name.toLowerCase()}@cache.example`, name })).status).toBe(201);
  expect((await other.post("/customers", { email: "dee@cache.example", name: "Dee" })).status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
});

describe("answers kept until the next write", () => {
  it("a list page repeated unchanged is the same page, each merchant its own", async () => {
    const first = await api.get("/customers?limit=2");
    const again = await api.get("/customers?limit=2");
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(names(first.body)).toEqual(["Cy", "Bo"]);
    expect(first.body.has_more).toBe(true);
    // Same query string, another merchant: its own customers only.
    expect(names((await other.get("/customers?limit=2")).body)).toEqual(["Dee"]);
    expect(names((await api.get("/customers?limit=2")).body)).toEqual(["Cy", "Bo"]);
  });

  it("the server's own writes show on the next read: create, update, delete", async () => {
    await api.get("/customers?limit=10");
    const created = await api.post("/customers", { email: "eve@cache.example", name: "Eve" });
    expect(names((await api.get("/customers?limit=10")).body)).toEqual(["Eve", "Cy", "Bo", "Ada"]);
    expect((await api.patch(`/customers/${created.body.id}`, { name: "Eve Renamed" })).status).toBe(200);
    expect(names((await api.get("/customers?limit=10")).body)).toEqual(["Eve Renamed", "Cy", "Bo", "Ada"]);
    expect((await api.del(`/customers/${created.body.id}`)).status).toBe(200);
    expect(names((await api.get("/customers?limit=10")).body)).toEqual(["Cy", "Bo", "Ada"]);
  });

  it("another process's commit shows on the next read", async () => {
    expect(names((await api.get("/customers?limit=10")).body)).toEqual(["Cy", "Bo", "Ada"]);
    expect(writeElsewhere("update customers set name = 'Bo Elsewhere' where email = 'bo@cache.example'")).toBe(1);
    expect(names((await api.get("/customers?limit=10")).body)).toEqual(["Cy", "Bo Elsewhere", "Ada"]);
  });

  it("a key revoked by another process is refused on the next request, the merchant's other keys unaffected", async () => {
    expect((await other.get("/customers?limit=1")).status).toBe(200);
    expect((await other.get("/customers?limit=1")).status).toBe(200);
    expect(writeElsewhere("update api_keys set revoked_at = ? where revoked_at is null and merchant_id = (select merchant_id from customers where email = 'dee@cache.example')", Date.now())).toBe(1);
    const refused = await other.get("/customers?limit=1");
    expect(refused.status).toBe(401);
    expect(refused.body.error.type).toBe("authentication_error");
    expect((await api.get("/customers?limit=1")).status).toBe(200);
  });

  it("a merchant's settings changed by another process are answered at once (the key's merchant is not kept stale)", async () => {
    // GET /portal-settings answers from the merchant the key lookup returned.
    const before = await api.get("/portal-settings");
    expect(before.body.branding.default_locale).not.toBe("ko");
    const changed = writeElsewhere(
      "update merchants set portal_settings = json_set(portal_settings, '$.branding.default_locale', 'ko') where id = (select merchant_id from customers where email = 'ada@cache.example')",
    );
    expect(changed).toBe(1);
    const after = await api.get("/portal-settings");
    expect(after.body.branding.default_locale).toBe("ko");
  });
});
