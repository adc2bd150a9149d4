import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import type { CustomerQuery, CustomerSort } from "./customer-list.server";
import { everyPage, insertCustomerRows } from "../../test/setup/customer-rows";
import { databaseMigratedUpTo, useOwnDatabase } from "../../test/setup/own-database";

// One- and two-character searches, answered by customers_grams (migration 0009, ADR 025), on a
// real SQLite file with the app's migrations. Every page is held against a reference computed
// here in plain JavaScript from the rows themselves — a case- and accent-folded substring of the
// name, email or id, or the exact external id — not against the index, and the plan is checked
// to read the index, never to scan the merchant's customers.
useOwnDatabase("short-search");

let m: {
  db: typeof import("~/utils/db.server");
  list: typeof import("./customer-list.server");
};
let merchantId: string;
let otherId: string;
const BASE = Date.parse("2025-01-01T00:00:00Z");
let n = 0;

type Row = { id: string; name: string; email: string; externalId: string | null; createdAt: number; merchant: string; deleted: boolean };
const rows: Row[] = [];

/** Customers written straight into the table, in the app's write transaction (which indexes what the triggers queued). */
function insert(merchant: string, specs: { name: string; email?: string; externalId?: string; deleted?: boolean }[]) {
  const added = specs.map((s): Row => {
    n++;
    return { id: `cus_s${n}`, name: s.name, email: s.email ?? `p${n}@short.example`, externalId: s.externalId ?? null, createdAt: BASE + n * 1000, merchant, deleted: !!s.deleted };
  });
  insertCustomerRows(m.db.sqlite, (fn) => m.db.writeTransaction(fn), added.map((r) => ({ ...r, deletedAt: r.deleted ? r.createdAt + 1 : null })));
  rows.push(...added);
}

const queuedCount = () => m.db.sqlite.prepare("select count(*) from customers_grams_pending").pluck().get();

// The reference's folding, written out here rather than imported: lower case, then the
// combining accents U+0300–U+036F removed, Hangul and kana recomposed.
const fold = (s: string) => s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC");
const matches = (r: Row, q: string) =>
  [r.name, r.email.toLowerCase(), r.id].some((v) => fold(v).includes(fold(q))) || r.externalId === q;
/** The merchant's live customers that `q` finds, newest first (each row is a second newer than the last). */
const expected = (q: string) =>
  rows
    .filter((r) => r.merchant === merchantId && !r.deleted && matches(r, q))
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((r) => r.id);

/** Every page of a query through listCustomers, following its cursors. */
const paged = (query: CustomerQuery) => everyPage(m.list.listCustomers, merchantId, query);

const sorts: CustomerSort[] = (["created_at", "name", "email"] as const).flatMap((key) => (["desc", "asc"] as const).map((direction) => ({ key, direction })));
const usualPlan = (query: Omit<CustomerQuery, "limit">) =>
  (m.list.customerListStatement({ merchantId, query: { ...query, limit: 100_000 } }).all() as { id: string }[]).map((c) => c.id);

beforeAll(async () => {
  m = { db: await import("~/utils/db.server"), list: await import("./customer-list.server") };
  const { createMerchant } = await import("./merchants.server");
  merchantId = createMerchant({ name: "Short searches" }).merchant.id;
  otherId = createMerchant({ name: "Another merchant" }).merchant.id;
  insert(otherId, [{ name: "김민지" }, { name: "Jörg Müller" }, { name: "Zoë Quux" }]);
  insert(merchantId, [
    { name: "김민지", email: "minji.kim@example.kr" },
    { name: "이민지" },
    { name: "민지수" },
    { name: "박민" },
    { name: "김민지", deleted: true },
    { name: "ÅNGSTRÖM Anders", email: "Anders@Example.se" },
    { name: "Zoë Quux", email: "zoe+billing@quux.io" },
    { name: "Émile Zola" },
    { name: "陽翔 佐藤" },
    { name: "かがみ" },
    { name: "O'Brien \"Ob\"" },
    { name: "Plain Person", externalId: "mü" },
    { name: "Plain Two", externalId: "Q7" },
  ]);
  // Enough "Müller"s that "mü" has more matches than the first batch: the walk and its proof.
  insert(
    merchantId,
    Array.from({ length: 400 }, (_, i) => ({ name: i % 2 === 0 ? `Jörg Müller ${i}` : `Other Person ${i}`, deleted: i % 50 === 0 })),
  );
});

const queries = ["민지", "민", "지수", "김", "mü", "mu", "MÜ", "ü", "u", "ö", "å", "an", "AN", "@", "e.", "+b", "_s", "cu", "陽", "翔", " 佐", "が", "か", "x", "zz", "뷁", "é", "e", "'b", '"o', 'b"', "Q7", "q7", " m", "9"];

describe("one- and two-character searches", () => {
  it("find every live customer of the merchant whose name, email or id holds the text, case and accents folded", () => {
    expect(queuedCount()).toBe(0); // answered by the index itself
    for (const q of queries) {
      const want = expected(q);
      for (const limit of [1, 7, 100]) expect(paged({ q, limit }), `q=${JSON.stringify(q)} limit ${limit}`).toEqual(want);
    }
    // The cases that matter, spelled out.
    const names = (q: string) => expected(q).map((id) => rows.find((r) => r.id === id)!.name);
    expect(names("민지")).toEqual(["민지수", "이민지", "김민지"]);
    expect(names("ü")).toContain("Zoë Quux"); // "Quux": u; the accent folds away
    expect(names("ö")).toEqual(expect.arrayContaining(["ÅNGSTRÖM Anders", "Jörg Müller 398"]));
    expect(names("が")).toEqual(["かがみ"]); // kana keep their voicing mark
    expect(names("뷁")).toEqual([]);
    expect(expected("mü")).toContain(rows.find((r) => r.externalId === "mü")!.id);
    expect(expected("q7")).toEqual([]); // an external id matches exactly, case and all…
    expect(expected("Q7")).toHaveLength(1);
  });

  it("walk a frequent pair's matches in rowid order, and agree with the usual plan in every sort and cursor", () => {
    const plan = m.list.searchPageSeqs(merchantId, { q: "mü", limit: 20 }, "mü");
    expect(plan).not.toBeNull();
    expect(expected("mü").length).toBeGreaterThan(150);
    expect(plan!.walked).toBeLessThanOrEqual(256);
    for (const sort of sorts) {
      const reference = usualPlan({ q: "mü", sort });
      expect(reference.length).toBe(expected("mü").length);
      for (const limit of [1, 20, 100]) expect(paged({ q: "mü", sort, limit }), `${sort.key} ${sort.direction} limit ${limit}`).toEqual(reference);
    }
    // With a filter the walk checks each match against it too.
    const filters: CustomerQuery["filters"] = [{ field: "name", op: "like", value: "jörg" }];
    expect(paged({ q: "mü", filters, limit: 9 })).toEqual(usualPlan({ q: "mü", filters }));
  });

  it("read the short index, never a scan of the merchant's customers", () => {
    for (const q of ["민지", "뷁", "x"]) {
      const statement = m.list.customerListStatement({ merchantId, query: { q, limit: 21 } });
      const { sql, params } = statement.toSQL();
      const plan = (m.db.sqlite.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join("\n");
      expect(plan).toMatch(/customers_grams VIRTUAL TABLE INDEX/);
      expect(plan).not.toMatch(/SCAN customers(?!_)/);
    }
  });

  it("follow renames and deletes (the triggers)", () => {
    const kim = rows.find((r) => r.merchant === merchantId && r.name === "김민지" && !r.deleted)!;
    m.db.sqlite.prepare("update customers set name = ? where id = ?").run("김철수", kim.id);
    kim.name = "김철수";
    expect(paged({ q: "민지", limit: 20 })).toEqual(expected("민지"));
    expect(paged({ q: "철수", limit: 20 })).toEqual([kim.id]);
    m.db.sqlite.prepare("update customers set email = ?, email_normalized = ? where id = ?").run("xy@zz.example", "xy@zz.example", kim.id);
    kim.email = "xy@zz.example";
    expect(paged({ q: "zz", limit: 20 })).toEqual(expected("zz"));
    expect(expected("zz")).toContain(kim.id);
    const lee = rows.find((r) => r.name === "이민지")!;
    m.db.sqlite.prepare("delete from customers where id = ?").run(lee.id);
    rows.splice(rows.indexOf(lee), 1);
    expect(paged({ q: "민지", limit: 20 })).toEqual(expected("민지"));
    expect(paged({ q: "이", limit: 20 })).toEqual(expected("이"));
    for (const q of queries) expect(paged({ q, limit: 100 }), q).toEqual(expected(q));
  });

  it("see another connection's changes at once — one without the app's functions, as the sqlite3 shell — and index them at the app's next write", () => {
    // A plain connection: no search_grams, no casefold. The triggers are plain SQL.
    m.db.writeTransaction(() => undefined); // the test above changed rows outside the app's transactions
    expect(queuedCount()).toBe(0);
    const shell = new Database(m.db.sqlite.name);
    shell.pragma("busy_timeout = 5000");
    const seqOf = (id: string) => m.db.sqlite.prepare("select seq from customers where id = ?").pluck().get(id) as number;
    try {
      n++;
      const added: Row = { id: `cus_s${n}`, name: "최민지", email: "shell@short.example", externalId: null, createdAt: BASE + n * 1000, merchant: merchantId, deleted: false };
      shell
        .prepare("insert into customers (id, merchant_id, email, email_normalized, name, billing_address, metadata, created_at, updated_at) values (?, ?, ?, ?, ?, '{}', '{}', ?, ?)")
        .run(added.id, merchantId, added.email, added.email, added.name, added.createdAt, added.createdAt);
      rows.push(added);
      const zola = rows.find((r) => r.name === "Émile Zola")!;
      shell.prepare("update customers set name = ? where id = ?").run("Émile Ñandú", zola.id);
      zola.name = "Émile Ñandú";
      const park = rows.find((r) => r.name === "박민")!;
      shell.prepare("delete from customers where id = ?").run(park.id);
      rows.splice(rows.indexOf(park), 1);
      expect(queuedCount()).toBe(2);
      // The renamed customer's old grams left the index with the change, not later.
      const inIndex = (q: string) => m.db.sqlite.prepare("select rowid from customers_grams where customers_grams match ?").pluck().all(`"${Buffer.from(q).toString("hex")}"`);
      expect(inIndex("zo")).not.toContain(seqOf(zola.id));
      expect(paged({ q: "민지", limit: 2 })).toEqual(expected("민지"));
      expect(expected("민지")[0]).toBe(added.id);
      expect(paged({ q: "ñd", limit: 20 })).toEqual(expected("ñd")); // "Ñandú" folds to "nandu"
      expect(expected("ñd")).toContain(zola.id);
      expect(paged({ q: "zo", limit: 20 })).toEqual(expected("zo"));
      expect(expected("zo")).not.toContain(zola.id);
      expect(paged({ q: "박", limit: 20 })).toEqual([]);
      for (const q of queries) expect(paged({ q, limit: 7 }), q).toEqual(expected(q));
      // The app's next write transaction indexes the queue; the answers stay the same.
      m.db.writeTransaction(() => undefined);
      expect(queuedCount()).toBe(0);
      expect(inIndex("nd")).toContain(seqOf(zola.id));
      expect(paged({ q: "민지", limit: 2 })).toEqual(expected("민지"));
      for (const q of queries) expect(paged({ q, limit: 7 }), q).toEqual(expected(q));
    } finally {
      shell.close();
    }
  });

  it("fall back to the scan only for text that folds to nothing (accents alone)", () => {
    const accentOnly = "\u0301";
    expect(m.list.searchPageSeqs(merchantId, { q: accentOnly, limit: 20 }, accentOnly)).toBeNull();
    expect(paged({ q: accentOnly, limit: 20 })).toEqual([]);
  });
});

describe("migration 0009", () => {
  it("indexes the customers a database already holds", async () => {
    // A database migrated up to 0008 with customers in it, then opened by the app (all migrations):
    // the migration queues them (plain SQL), the app indexes the queue as it opens the database.
    expect(fs.readFileSync(path.join(process.cwd(), "db/migrations/meta/_journal.json"), "utf8")).toContain("0009_short-search-index");
    const file = databaseMigratedUpTo("grams-migration", 8);
    const before = new Database(file);
    before
      .prepare("insert into merchants (id, name, slug, portal_settings, created_at, updated_at) values ('mer_old', 'Old', 'old', '{}', 0, 0)")
      .run();
    const add = before.prepare(
      "insert into customers (id, merchant_id, email, email_normalized, name, billing_address, metadata, created_at, updated_at) values (?, 'mer_old', ?, ?, ?, '{}', '{}', ?, ?)",
    );
    add.run("cus_old1", "a@old.example", "a@old.example", "김민지", 1, 1);
    add.run("cus_old2", "b@old.example", "b@old.example", "Jörg", 2, 2);
    before.close();

    const { openDatabase } = await import("~/utils/db.server");
    const { sqlite } = openDatabase(file);
    const found = (q: string) => sqlite.prepare("select rowid from customers_grams where customers_grams match ? order by rowid").pluck().all(q);
    const { shortSearchMatch } = await import("~/utils/search-grams.server");
    expect(found(shortSearchMatch("민지")!)).toEqual([1]);
    expect(found(shortSearchMatch("RG")!)).toEqual([2]); // "Jörg", folded
    expect(found(shortSearchMatch("@o")!)).toEqual([1, 2]);
    expect(sqlite.prepare("select count(*) from customers_grams_pending").pluck().get()).toBe(0);
    sqlite.close();
  });
});
