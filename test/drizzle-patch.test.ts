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
import * as drizzleOrm from "drizzle-orm";
import { and, eq, fillPlaceholders, gt, Placeholder, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { alias, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
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
  sqlite.exec("create table parts (id text primary key, thing_id text not null, at integer not null, data text)");
  db = drizzle({ client: sqlite });
});
afterAll(() => {
  sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Exported at run time, not in drizzle's types (internal).
const { mapResultRow } = drizzleOrm as unknown as { mapResultRow: (columns: unknown, row: unknown[], joins: undefined) => unknown };

const parts = sqliteTable("parts", {
  id: text("id").primaryKey(),
  thingId: text("thing_id").notNull(),
  at: integer("at", { mode: "timestamp_ms" }).notNull(),
  data: text("data", { mode: "json" }).$type<{ n: number }>(),
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

  it("maps rows as upstream does: nested paths, each column's decoder, SQL with and without one, and a left join's missing side as null", () => {
    db.insert(parts).values([
      { id: "p1", thingId: "t1", at: new Date(Date.UTC(2026, 0, 2)), data: { n: 1 } },
      { id: "p2", thingId: "t1", at: new Date(Date.UTC(2026, 0, 3)), data: null },
      { id: "p3", thingId: "t3", at: new Date(Date.UTC(2026, 0, 4)), data: { n: 3 } },
    ]).run();
    const other = alias(things, "other");
    const query = db
      .select({
        thing: { id: things.id, at: things.at, live: things.live, data: things.data },
        part: parts,
        same: { id: other.id },
        count: sql<number>`(select count(*) from parts where parts.thing_id = ${things.id})`.mapWith(Number),
        raw: sql<string>`upper(${things.kind})`,
      })
      .from(things)
      .leftJoin(parts, eq(parts.thingId, things.id))
      .leftJoin(other, eq(other.id, things.id))
      .orderBy(things.id, parts.id);
    const prepared = query.prepare();
    type Part = typeof parts.$inferSelect;
    const expected = rows.flatMap((t): Array<{ thing: { id: string }; part: Part | null; same: { id: string }; count: number; raw: string }> => {
      const thing = { id: t.id, at: t.at, live: t.live, data: t.data };
      const own: Part[] = [
        { id: "p1", thingId: "t1", at: new Date(Date.UTC(2026, 0, 2)), data: { n: 1 } },
        { id: "p2", thingId: "t1", at: new Date(Date.UTC(2026, 0, 3)), data: null },
        { id: "p3", thingId: "t3", at: new Date(Date.UTC(2026, 0, 4)), data: { n: 3 } },
      ].filter((p) => p.thingId === t.id);
      const base = { thing, same: { id: t.id }, count: own.length, raw: t.kind.toUpperCase() };
      return own.length === 0 ? [{ ...base, part: null }] : own.map((part) => ({ ...base, part }));
    });
    // Three times over: a fresh query (a new columns array), then the prepared one twice (its kept plan).
    expect(query.all()).toEqual(expected);
    expect(prepared.all()).toEqual(expected);
    expect(prepared.all()).toEqual(expected);
    expect(prepared.get()).toEqual(expected[0]);
    const t1 = expected.find((r) => r.thing.id === "t1");
    expect(t1?.part?.at).toBeInstanceOf(Date);
    expect(typeof t1?.count).toBe("number");
  });

  it("is the patched mapResultRow: a columns array's plan is kept, and an empty path maps nothing", () => {
    const columns = [
      { path: ["a", "at"], field: things.at },
      { path: ["b"], field: sql`x`.mapWith(Number) },
      { path: [], field: things.id },
    ];
    expect(mapResultRow(columns as never, [1_000, "7", "ignored"], undefined)).toEqual({ a: { at: new Date(1_000) }, b: 7 });
    // The plan was made on the first row: a field swapped in afterwards is not looked at again.
    columns[1] = { path: ["b"], field: sql`x` as never };
    expect(mapResultRow(columns as never, [2_000, "8", null], undefined)).toEqual({ a: { at: new Date(2_000) }, b: 8 });
  });
});
