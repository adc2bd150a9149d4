import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { expectedOutOfOrderMarks, orderRows, type OrderRow } from "../../test/setup/customer-rows";
import { databaseMigratedUpTo, useOwnDatabase } from "../../test/setup/own-database";

// customers.out_of_order (migration 0011, ADR 028) on real SQLite files: the marks the triggers,
// the migration and markOutOfOrderCustomers leave are held against a reference computed in
// JavaScript from the rows themselves (test/setup/customer-rows.ts) — a customer is marked exactly
// when an earlier customer (smaller seq) of its merchant has a later created_at — and, after an
// update, against the invariant the search's proof relies on: of two customers whose seq and
// created_at orders disagree, the later-inserted one is marked.
useOwnDatabase("out-of-order");

let m: { db: typeof import("~/utils/db.server"); order: typeof import("./customer-order.server") };
let n = 0;

const marks = (rows: OrderRow[]) => Object.fromEntries(rows.map((r) => [r.seq, r.out_of_order]));

/** Every pair of a merchant's customers whose orders disagree has its later-inserted one marked. */
function expectInvariant(rows: OrderRow[]) {
  for (const a of rows)
    for (const b of rows) {
      if (a.merchant_id === b.merchant_id && a.seq < b.seq && a.created_at > b.created_at) expect(b.out_of_order, `seq ${b.seq} after ${a.seq}`).toBe(1);
    }
}

function addMerchant(db: Database.Database, id: string) {
  db.prepare("insert into merchants (id, name, slug, portal_settings, created_at, updated_at) values (?, ?, ?, '{}', 0, 0)").run(id, id, id.replace(/_/g, "-"));
}
function addCustomers(db: Database.Database, merchant: string, dates: number[]) {
  const statement = db.prepare("insert into customers (id, merchant_id, email, email_normalized, name, metadata, created_at, updated_at) values (?, ?, ?, ?, ?, '{}', ?, ?)");
  for (const at of dates) {
    n++;
    statement.run(`cus_o${n}`, merchant, `o${n}@order.example`, `o${n}@order.example`, `Person ${n}`, at, at);
  }
}

beforeAll(async () => {
  m = { db: await import("~/utils/db.server"), order: await import("./customer-order.server") };
  addMerchant(m.db.sqlite, "mer_a");
  addMerchant(m.db.sqlite, "mer_b");
});

describe("customers.out_of_order", () => {
  it("is set by the insert trigger exactly for a customer dated before an earlier one of its merchant", () => {
    // Ties are in order (seq breaks them); a customer dated before a marked one is compared with
    // the newest date so far, not with the last row; the other merchant's dates never count.
    m.db.writeTransaction(() => {
      addCustomers(m.db.sqlite, "mer_a", [100, 200, 200, 150, 300, 250, 250, 400]);
      addCustomers(m.db.sqlite, "mer_b", [1_000, 10]);
      addCustomers(m.db.sqlite, "mer_a", [350, 400, 401, 50]);
      addCustomers(m.db.sqlite, "mer_b", [20, 5_000]);
    });
    const rows = orderRows(m.db.sqlite);
    expect(marks(rows)).toEqual(expectedOutOfOrderMarks(rows));
    expect(rows.filter((r) => r.out_of_order === 1).map((r) => r.created_at)).toEqual([150, 250, 250, 10, 350, 50, 20]);
    // The partial index holds the marked customers only.
    const plan = m.db.sqlite.prepare("explain query plan select 1 from customers where merchant_id = 'mer_a' and out_of_order = 1 and seq between 1 and 99").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(" ")).toContain("customers_out_of_order_idx");
  });

  it("is set by the update trigger for the changed customer and for the later ones now dated before it", () => {
    const [, second, third] = orderRows(m.db.sqlite).filter((r) => r.merchant_id === "mer_b");
    // mer_b's third customer (dated 20) moves after everyone; its second (10) moves back to 0.
    m.db.sqlite.prepare("update customers set created_at = 9_000 where seq = ?").run(third.seq);
    m.db.sqlite.prepare("update customers set created_at = 0 where seq = ?").run(second.seq);
    const rows = orderRows(m.db.sqlite);
    expectInvariant(rows);
    expect(rows.find((r) => r.seq === second.seq)!.out_of_order).toBe(1);
    // mer_b: 1,000; 0 (marked, as it was); 9,000 (marked before, when dated 20: marks stay); and
    // 5,000, inserted after the moved one and now dated before it: marked.
    expect(rows.filter((r) => r.merchant_id === "mer_b").map((r) => [r.created_at, r.out_of_order])).toEqual([[1_000, 0], [0, 1], [9_000, 1], [5_000, 1]]);
    // A mark is never cleared: mer_b's second stays marked even dated back where it was.
    m.db.sqlite.prepare("update customers set created_at = 10 where seq = ?").run(second.seq);
    expect(m.db.sqlite.prepare("select out_of_order from customers where seq = ?").pluck().get(second.seq)).toBe(1);
  });

  it("markOutOfOrderCustomers marks the customers above a seq as the trigger would have", () => {
    const db = m.db.sqlite;
    const triggerSql = db.prepare("select sql from sqlite_master where type = 'trigger' and name = ?").pluck().get(m.order.OUT_OF_ORDER_INSERT_TRIGGER) as string;
    expect(triggerSql).toMatch(/AFTER INSERT ON `customers`/);
    const above = db.prepare("select max(seq) from customers").pluck().get() as number;
    const before = orderRows(db);
    m.db.writeTransaction(() => {
      db.exec(`drop trigger ${m.order.OUT_OF_ORDER_INSERT_TRIGGER}`);
      // Without the trigger nothing is marked as it is written.
      addCustomers(db, "mer_a", [500, 60, 700, 650]);
      addCustomers(db, "mer_b", [9_500, 9_400]);
      expect(db.prepare("select count(*) from customers where seq > ? and out_of_order = 1").pluck().get(above)).toBe(0);
      expect(m.order.markOutOfOrderCustomers(db, above)).toBe(3);
      db.exec(triggerSql);
    });
    const rows = orderRows(db);
    const expected = expectedOutOfOrderMarks(rows);
    for (const r of rows.filter((r) => r.seq > above)) expect(r.out_of_order, `seq ${r.seq}`).toBe(expected[r.seq]);
    // The customers below the seq keep their marks as they were.
    expect(rows.filter((r) => r.seq <= above)).toEqual(before);
  });

  it("is filled in by the migration for the customers an older release stored", async () => {
    const file = databaseMigratedUpTo("out-of-order-migration", 10);
    const before = new Database(file);
    addMerchant(before, "mer_old");
    addMerchant(before, "mer_other");
    addCustomers(before, "mer_old", [10, 30, 20, 40, 5, 40]);
    addCustomers(before, "mer_other", [1, 100, 50]);
    before.close();

    const { sqlite } = m.db.openDatabase(file);
    try {
      const rows = orderRows(sqlite);
      expect(marks(rows)).toEqual(expectedOutOfOrderMarks(rows));
      expect(rows.map((r) => r.out_of_order)).toEqual([0, 0, 1, 0, 1, 0, 0, 0, 1]);
      // And the trigger marks what comes next.
      addCustomers(sqlite, "mer_old", [39]);
      expect(sqlite.prepare("select out_of_order from customers order by seq desc limit 1").pluck().get()).toBe(1);
    } finally {
      sqlite.close();
    }
  });
});
