import Database from "better-sqlite3";
import { lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { runTimeValue, valuePlaceholder } from "./prepared.server";

// A prepared insert with valuePlaceholder writes exactly what the same insert built per call
// writes, nulls included: checked on a real (in-memory) SQLite database, stored bytes and
// mapped rows both.
const things = sqliteTable("things", {
  seq: integer().primaryKey({ autoIncrement: true }),
  data: text({ mode: "json" }).$type<Record<string, unknown> | null>(),
  at: integer({ mode: "timestamp_ms" }),
  label: text(),
});

function open() {
  const sqlite = new Database(":memory:");
  sqlite.exec("create table things (seq integer primary key autoincrement, data text, at integer, label text)");
  return { sqlite, db: drizzle({ client: sqlite, casing: "snake_case" }) };
}

const stored = (sqlite: Database.Database, seq: number) =>
  sqlite.prepare("select data, typeof(data) as dataType, at, typeof(at) as atType, label from things where seq = ?").get(seq);

describe("valuePlaceholder", () => {
  const values = [
    { data: { a: 1, s: 'quote " ✓', nested: { n: null } }, at: new Date(1796224185614), label: "x" },
    { data: null, at: null, label: null },
    { data: {}, at: new Date(0), label: "" },
  ];

  it("writes and returns what the insert built per call writes and returns, null as NULL", () => {
    const { sqlite, db } = open();
    const prepared = db
      .insert(things)
      .values({ data: valuePlaceholder("data", things.data), at: valuePlaceholder("at", things.at), label: valuePlaceholder("label", things.label) })
      .returning()
      .prepare();
    for (const value of values) {
      const built = db.insert(things).values(value).returning().get();
      const fromPrepared = prepared.get(value);
      expect(fromPrepared).toEqual({ ...built, seq: built.seq + 1 });
      expect(stored(sqlite, fromPrepared.seq)).toEqual(stored(sqlite, built.seq));
    }
    expect(stored(sqlite, 3)).toEqual({ data: null, dataType: "null", at: null, atType: "null", label: null });
    expect(stored(sqlite, 1)).toMatchObject({ dataType: "text", at: 1796224185614, atType: "integer" });
  });

  it("compares as the built query does: a Date against a timestamp column's milliseconds", () => {
    const { sqlite, db } = open();
    db.insert(things).values([0, 1000, 2000, 3000].map((ms) => ({ at: new Date(ms) }))).run();
    const olderThan = db.select({ seq: things.seq }).from(things).where(lt(things.at, valuePlaceholder("before", things.at))).prepare();
    for (const ms of [0, 1500, 2000, 5000]) {
      const before = new Date(ms);
      expect(olderThan.all({ before })).toEqual(db.select({ seq: things.seq }).from(things).where(lt(things.at, before)).all());
    }
    expect(olderThan.all({ before: new Date(2000) })).toEqual([{ seq: 1 }, { seq: 2 }]);
    sqlite.close();
  });

  it("is needed: a column's bare placeholder turns a null JSON value into the text 'null'", () => {
    const { sqlite, db } = open();
    const bare = db.insert(things).values({ data: sql.placeholder("data") }).returning().prepare();
    const row = bare.get({ data: null });
    expect(stored(sqlite, row.seq)).toMatchObject({ data: "null", dataType: "text" });
  });
});

describe("runTimeValue", () => {
  it("binds its value as `+?`, and a LIMIT or LIKE pattern given so selects what the bare parameter does, run after run", () => {
    const { sqlite, db } = open();
    const labels = ["a_b", "axb", "A_B", "c", "ab_"];
    for (const label of labels) db.insert(things).values({ label }).run();
    const query = (limit: unknown, pattern: unknown) =>
      sql`select label from things where label like ${pattern} escape '\\' order by seq limit ${limit}`;
    const plus = db.all(query(runTimeValue(2), runTimeValue("%\\_%")));
    expect(db.all(query(2, "%\\_%"))).toEqual(plus);
    expect(plus).toEqual([{ label: "a_b" }, { label: "A_B" }]);
    const { sql: text, params } = drizzle({ client: sqlite }).select().from(things).where(sql`${things.label} like ${runTimeValue("x")}`).toSQL();
    expect(text).toMatch(/ like \+\?$/);
    expect(params).toEqual(["x"]);
    const prepared = sqlite.prepare("select count(*) from things where label like +? limit +?").pluck();
    for (const [pattern, limit, count] of [["a%", 5, 4], ["%b", 1, 3], ["c", 9, 1], ["%", 0, undefined]] as const) expect(prepared.get(pattern, limit)).toBe(count);
  });
});
