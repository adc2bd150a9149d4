/**
 * The patched drizzle-orm (patches/drizzle-orm+0.45.4.patch) works out, from a prepared query's
 * second run, how to fill each of its params and keeps that by the params array. These cases hold
 * a prepared query's runs to what a query built afresh for each run returns, on a real SQLite
 * file, for every kind of param the models use: plain placeholders, placeholders a column
 * encodes (timestamps, JSON, booleans), placeholders inside raw SQL, and constants.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { and, eq, fillPlaceholders, gt, Placeholder, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const things = sqliteTable("things", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  at: integer("at", { mode: "timestamp_ms" }).notNull(),
  live: integer("live", { mode: "boolean" }).notNull(),
  data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
  note: text("note"),
});

let dir: string;
let sqlite: Database.Database;
let db: ReturnType<typeof drizzle>;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-drizzle-patch-"));
  sqlite = new Database(path.join(dir, "t.db"));
  sqlite.exec("create table things (id text primary key, kind text not null, at integer not null, live integer not null, data text, note text)");
  db = drizzle({ client: sqlite });
});
afterAll(() => {
  sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rows = Array.from({ length: 6 }, (_, i) => ({
  id: `t${i}`,
  kind: i % 2 ? "odd" : "even",
  at: new Date(Date.UTC(2026, 11, 1 + i)),
  live: i % 3 !== 0,
  data: { i, tags: ["a", String(i)] },
  note: i === 4 ? null : `note ${i}`,
}));

describe("drizzle-orm's prepared queries, patched", () => {
  it("inserts through encoding placeholders and a raw-SQL placeholder as a fresh insert would, run after run", () => {
    const insert = db
      .insert(things)
      .values({
        id: sql.placeholder("id"),
        kind: sql.placeholder("kind"),
        at: sql.placeholder("at"),
        live: sql.placeholder("live"),
        data: sql.placeholder("data"),
        note: sql`${sql.placeholder("note")}`,
      })
      .prepare();
    for (const row of rows.slice(0, 3)) insert.run(row);
    for (const row of rows.slice(3)) db.insert(things).values(row).run();
    const stored = sqlite.prepare("select * from things order by id").all();
    expect(stored).toEqual(
      rows.map((r) => ({ id: r.id, kind: r.kind, at: r.at.getTime(), live: r.live ? 1 : 0, data: JSON.stringify(r.data), note: r.note })),
    );
  });

  it("selects with placeholders and a constant as the same query built for each run does, in every order of runs", () => {
    const prepared = db
      .select()
      .from(things)
      .where(and(eq(things.kind, sql.placeholder("kind")), gt(things.at, sql.placeholder("after")), eq(things.live, true)))
      .orderBy(things.id)
      .prepare();
    const fresh = (kind: string, after: Date) =>
      db.select().from(things).where(and(eq(things.kind, kind), gt(things.at, after), eq(things.live, true))).orderBy(things.id).all();
    const asks: Array<[string, Date]> = [
      ["even", new Date(0)],
      ["odd", new Date(0)],
      ["odd", rows[2].at],
      ["even", rows[4].at],
      ["even", new Date(0)],
    ];
    // A placeholder compared with a column is bound as it is (Drizzle encodes only inserted values): milliseconds.
    for (const [kind, after] of asks) expect(prepared.all({ kind, after: after.getTime() })).toEqual(fresh(kind, after));
    expect(prepared.all({ kind: "even", after: 0 }).map((r) => r.id)).toEqual(["t2", "t4"]);
    expect(prepared.get({ kind: "odd", after: 0 })).toMatchObject({ id: "t1", live: true, data: { i: 1, tags: ["a", "1"] }, at: rows[1].at });
  });

  it("still names a missing placeholder, on the first run and on later ones", () => {
    const prepared = db.select().from(things).where(eq(things.id, sql.placeholder("id"))).prepare();
    expect(() => prepared.get({})).toThrow('No value for placeholder "id" was provided');
    expect(prepared.get({ id: "t1" })?.kind).toBe("odd");
    expect(() => prepared.get({})).toThrow('No value for placeholder "id" was provided');
    expect(() => prepared.get({ nope: 1 })).toThrow('No value for placeholder "id" was provided');
  });

  it("binds a LIMIT as `+?`, which SQLite does not fold into the plan, and honours every run's value", () => {
    expect(db.select().from(things).limit(2).toSQL()).toMatchObject({ sql: expect.stringMatching(/ limit \+\?$/), params: [2] });
    const prepared = db.select().from(things).orderBy(things.id).limit(sql.placeholder("n")).prepare();
    for (const n of [1, 3, 0, 6, 2, 3]) expect(prepared.all({ n }).map((r) => r.id)).toEqual(rows.slice(0, n).map((r) => r.id));
    // As with a bare `limit ?`: a negative LIMIT is no limit, and a value that is not an integer fails.
    expect(prepared.all({ n: -1 })).toHaveLength(rows.length);
    expect(() => prepared.all({ n: "two" })).toThrow(/datatype mismatch/);
    // A set operation's LIMIT too.
    const union = db.select({ id: things.id }).from(things).where(eq(things.kind, "odd")).union(db.select({ id: things.id }).from(things).where(eq(things.kind, "even"))).orderBy(things.id).limit(4);
    expect(union.toSQL().sql).toMatch(/ limit \+\?$/);
    expect(union.all().map((r) => r.id)).toEqual(["t0", "t1", "t2", "t3"]);
  });

  it("is the patched fillPlaceholders: from the second fill, a params array's fillers are the kept ones", () => {
    const placeholder = new Placeholder("a");
    const params = [placeholder, 7];
    expect(fillPlaceholders(params, { a: 1 })).toEqual([1, 7]);
    expect(fillPlaceholders(params, { a: 2 })).toEqual([2, 7]);
    // Upstream reads the placeholder's name on every fill; the kept filler read it once.
    (placeholder as { name: string }).name = "b";
    expect(fillPlaceholders(params, { a: 3, b: 4 })).toEqual([3, 7]);
    // A params array seen once is filled as upstream fills it.
    const once = [new Placeholder("b")];
    expect(fillPlaceholders(once, { b: 5 })).toEqual([5]);
  });
});
