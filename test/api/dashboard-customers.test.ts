import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMerchant, startServer, type MerchantFixture, type TestServer } from "../setup/server";
import { api, createStaff, get, post, queryDb, signIn, type StaffFixture } from "./dashboard-helpers";

// The customers table over HTTP: every query parameter, search through the FTS5 trigram index
// (Hangul, kana, accents, case, exact id and external id), filters, sorts, keyset pages, page
// sizes, the column chooser, saved views and the CSV export parsed back.
vi.setConfig({ testTimeout: 120_000 });

let server: TestServer;
let merchant: MerchantFixture;
let owner: StaffFixture;
let cookie: string;
let supportCookie: string;
const c: Record<string, { id: string; created_at: string }> = {};

const url = (q = "") => `${server.url}/dashboard/customers${q ? `?${q}` : ""}`;
const ids = (html: string) => [...html.matchAll(/data-testid="customer-row" data-customer-id="([^"]+)"/g)].map((m) => m[1]);
const list = async (q: string, who = cookie) => {
  const res = await get(url(q), who);
  return { status: res.status, ids: ids(res.text), text: res.text };
};

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_SCALE: "100" } });
  merchant = createMerchant(server.dbFile, "Table Shop", "table-shop");
  const other = createMerchant(server.dbFile, "Other", "other-table");
  owner = createStaff(server, { merchant: merchant.slug, email: "owner@table.example", role: "owner" });
  const support = createStaff(server, { merchant: merchant.slug, email: "support@table.example", role: "support" });
  cookie = (await signIn(server, owner.email, owner.password)).cookie;
  supportCookie = (await signIn(server, support.email, support.password)).cookie;
  const a = api(server, merchant.apiKey);
  const make = async (key: string, body: Record<string, unknown>) => {
    const res = await a.post("/customers", body);
    expect(res.status, key).toBe(201);
    c[key] = res.body;
  };
  await make("minji", { email: "minji@example.kr", name: "김민지", billing_address: { line1: "1", city: "Seoul", country: "KR" }, metadata: { tier: "gold" } });
  await make("haruto", { email: "haruto@example.jp", name: "佐藤 陽翔", billing_address: { line1: "1", city: "Tokyo", country: "JP" } });
  await make("zoe", { email: "Zoe.Angstrom@Example.com", name: "Zoë Ångström", external_id: "crm-777", metadata: { tier: "silver" } });
  await make("quote", { email: "q@example.com", name: 'Kim, "The" Builder 한글' });
  await make("formula", { email: "f@example.com", name: "=HYPERLINK(\"http://evil\")", phone_number: "+14155550123" });
  await make("plain", { email: "ada@example.com", name: "Ada Lovelace" });
  await api(server, other.apiKey).post("/customers", { email: "minji@other.example", name: "김민지 (other merchant)" });
  const product = (await a.post("/products", { name: "Pro", type: "subscription", price: 1000, currency: "usd", interval: "month" })).body.id;
  await a.post("/subscriptions", { customer_id: c.minji.id, product_id: product });
  await a.post("/subscriptions", { customer_id: c.haruto.id, product_id: product, status: "past_due" });
  const cancelling = (await a.post("/subscriptions", { customer_id: c.zoe.id, product_id: product })).body.id;
  await a.post(`/subscriptions/${cancelling}/cancel`, { at_period_end: true });
  await a.post(`/customers/${c.minji.id}/wallets/ledger-entries`, { currency: "krw", amount: 5000, entry_type: "credit" });
}, 180_000);
afterAll(async () => {
  await server?.stop();
});

describe("search q", () => {
  it("finds Korean and Japanese names by substring, case- and accent-insensitively, never another merchant's", async () => {
    expect((await list(`q=${encodeURIComponent("김민지")}`)).ids).toEqual([c.minji.id]);
    expect((await list(`q=${encodeURIComponent("민지")}`)).ids).toEqual([c.minji.id]); // two characters: the LIKE fallback
    expect((await list(`q=${encodeURIComponent("陽翔")}`)).ids).toEqual([c.haruto.id]);
    expect((await list(`q=${encodeURIComponent("angstrom")}`)).ids).toEqual([c.zoe.id]);
    expect((await list(`q=${encodeURIComponent("ZOË ÅNG")}`)).ids).toEqual([c.zoe.id]);
    expect((await list("q=example.jp")).ids).toEqual([c.haruto.id]);
  });

  it("finds an exact id and an exact external id; LIKE characters are literal", async () => {
    expect((await list(`q=${c.plain.id}`)).ids).toEqual([c.plain.id]);
    expect((await list("q=crm-777")).ids).toEqual([c.zoe.id]);
    expect((await list("q=%25%25%25")).ids).toEqual([]);
    expect((await list(`q=${encodeURIComponent('"OR"')}`)).status).toBe(200);
  });

  it("follows renames through the index triggers", async () => {
    await api(server, merchant.apiKey).patch(`/customers/${c.plain.id}`, { name: "Augusta Ada King" });
    expect((await list("q=augusta")).ids).toEqual([c.plain.id]);
    expect((await list("q=lovelace")).ids).toEqual([]);
    const fts = queryDb<{ n: number }>(server.dbFile, "select count(*) as n from customers_fts where customers_fts match '\"augusta\"'")[0];
    expect(fts.n).toBe(1);
  });
});

describe("filters, sorts, pages", () => {
  it("subscription: active (a pending cancellation included), past_due, cancelling, none", async () => {
    expect((await list("subscription=active")).ids.sort()).toEqual([c.minji.id, c.zoe.id].sort());
    expect((await list("subscription=past_due")).ids).toEqual([c.haruto.id]);
    expect((await list("subscription=cancelling")).ids).toEqual([c.zoe.id]);
    expect((await list("subscription=none")).ids.sort()).toEqual([c.quote.id, c.formula.id, c.plain.id].sort());
  });

  it("country, metadata[key], created range (a bare upper date includes the whole day)", async () => {
    expect((await list("country=kr")).ids).toEqual([c.minji.id]);
    expect((await list("metadata[tier]=gold")).ids).toEqual([c.minji.id]);
    expect((await list("metadata[tier]=silver&country=KR")).ids).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await list(`created_lte=${today}`)).ids).toHaveLength(6);
    expect((await list(`created_gte=${today}&created_lte=${today}`)).ids).toHaveLength(6);
    expect((await list("created_lte=2000-01-01")).ids).toEqual([]);
  });

  it("bad parameters are inline messages with a 400, and apply nothing", async () => {
    for (const q of ["created_gte=yesterday", "subscription=sometimes", "country=Korea", "sort=phone", "limit=7"]) {
      const res = await list(q);
      expect(res.status, q).toBe(400);
      expect(res.ids, q).toEqual([]);
    }
    const cursor = await list("after=not-a-cursor");
    expect(cursor.status).toBe(400);
    expect(cursor.text).toContain('data-testid="table-error"');
  });

  it("sorts by name and email both ways, newest first by default", async () => {
    const all = (await list("")).ids;
    expect(all[0]).toBe(c.plain.id); // newest
    expect(all.at(-1)).toBe(c.minji.id);
    expect((await list("sort=created_at")).ids).toEqual([...all].reverse());
    const byEmail = (await list("sort=email")).ids;
    expect(byEmail[0]).toBe(c.plain.id); // ada@
    expect((await list("sort=-email")).ids).toEqual([...byEmail].reverse());
    const byName = (await list("sort=name")).ids;
    expect((await list("sort=-name")).ids).toEqual([...byName].reverse());
  });

  it("keyset pages carry the sort: every customer once, in order, whatever the sort", async () => {
    const a = api(server, merchant.apiKey);
    for (let i = 0; i < 26; i++) await a.post("/customers", { email: `bulk${i}@example.com`, name: `Bulk ${String(i).padStart(2, "0")}` });
    for (const sort of ["-created_at", "name", "-email"]) {
      const seen: string[] = [];
      let next: string | null = `sort=${sort}`;
      let pages = 0;
      while (next !== null) {
        const res = await get(url(next), cookie);
        expect(res.status).toBe(200);
        seen.push(...ids(res.text));
        const link = /href="\/dashboard\/customers\?([^"]+)"[^>]*data-testid="next-page"|data-testid="next-page"[^>]*href="\/dashboard\/customers\?([^"]+)"/.exec(res.text);
        next = link ? (link[1] ?? link[2]).replace(/&amp;/g, "&") : null;
        pages++;
      }
      expect(pages, sort).toBe(2);
      expect(new Set(seen).size, sort).toBe(32);
      expect(seen, sort).toEqual((await list(`sort=${sort}&limit=50`)).ids);
    }
    expect((await list("limit=100")).ids).toHaveLength(32);
    expect((await list("limit=25")).ids).toHaveLength(25);
  });
});

describe("columns and saved views", () => {
  it("the column chooser is remembered per staff member", async () => {
    const saved = await post(url(), { intent: "columns", columns: ["external_id", "wallet_balances", "not_a_column"], query: "q=zo" }, { cookie });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe("/dashboard/customers?q=zo&notice=columns_saved");
    const mine = await get(url(`q=${encodeURIComponent("김민지")}`), cookie);
    expect(mine.text).toContain('data-col="wallet_balances">₩5,000<');
    expect(mine.text).toContain('data-col="external_id"');
    const theirs = await get(url(), supportCookie);
    expect(theirs.text).not.toContain('data-col="external_id"');
  });

  it("a view saves the query; shared views appear for the team, personal ones do not", async () => {
    const personal = await post(url(), { intent: "save_view", view_name: "Gold", query: "metadata%5Btier%5D=gold&limit=50&after=x", shared: "" }, { cookie });
    expect(personal.status).toBe(303);
    expect(personal.location).toBe("/dashboard/customers?metadata%5Btier%5D=gold&limit=50&notice=view_saved");
    await post(url(), { intent: "save_view", view_name: "Past due", query: "subscription=past_due", shared: "on" }, { cookie });
    const mine = await get(url(), cookie);
    expect(mine.text).toContain(">Gold<");
    expect(mine.text).toContain(">Past due<");
    const theirs = await get(url(), supportCookie);
    expect(theirs.text).not.toContain(">Gold<");
    expect(theirs.text).toContain(">Past due<");
    const empty = await post(url(), { intent: "save_view", view_name: " ", query: "" }, { cookie });
    expect(empty.status).toBe(400);
  });
});

describe("CSV export", () => {
  it("streams every match with the visible columns: BOM, CRLF, RFC 4180 quoting, Hangul, formula cells neutralised, audited", async () => {
    const res = await get(`${server.url}/dashboard/customers/export.csv?q=example.com&sort=email`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    expect(res.text).toContain("\r\n");
    const rows = parse(res.text.slice(1), { relax_column_count: false }) as string[][];
    expect(rows[0]).toEqual(["Name", "ID", "Email", "Phone", "Created at (UTC)", "External ID", "Wallet balances"]);
    const body = rows.slice(1);
    expect(body).toHaveLength(30); // 26 bulk + ada, q, f, zoe: every match, not a page
    const byId = new Map(body.map((r) => [r[1], r]));
    expect(byId.get(c.quote.id)?.[0]).toBe('Kim, "The" Builder 한글');
    expect(byId.get(c.formula.id)?.[0]).toBe("'=HYPERLINK(\"http://evil\")");
    expect(byId.get(c.formula.id)?.[3]).toBe("'+14155550123");
    expect(byId.get(c.zoe.id)?.[5]).toBe("crm-777");
    const audit = queryDb<{ actor_id: string }>(server.dbFile, "select actor_id from audit_log where action = 'customers.exported'");
    expect(audit.at(-1)?.actor_id).toBe(owner.id);
  });

  it("needs the export permission (support: 403, nothing written)", async () => {
    const before = queryDb(server.dbFile, "select count(*) as n from audit_log")[0];
    const res = await get(`${server.url}/dashboard/customers/export.csv`, supportCookie);
    expect(res.status).toBe(403);
    expect(queryDb(server.dbFile, "select count(*) as n from audit_log")[0]).toEqual(before);
  });
});
