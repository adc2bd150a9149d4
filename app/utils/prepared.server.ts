import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/**
 * A column's value in a prepared insert, given at run time under `name`, encoded as Drizzle
 * encodes a value written in the query itself: null stays NULL and anything else goes through
 * the column's encoder (a Date to its milliseconds, a JSON column's value to its JSON text).
 * A bare `sql.placeholder` in `.values()` would hand null to the encoder too: the text "null" in
 * a JSON column, a TypeError in a timestamp one. Pass null, never undefined, for "no value": a
 * prepared insert has no "left out, so the column's default".
 */
export function valuePlaceholder(name: string, column: SQLiteColumn): SQL {
  return sql`${sql.param(sql.placeholder(name), { mapToDriverValue: (value: unknown) => (value === null ? null : column.mapToDriverValue(value)) })}`;
}

/**
 * A parameter SQLite binds at run time without planning around its value: `+?` (unary plus is a
 * no-op on any value). SQLite 3.51 reads the value bound to a bare `limit ?` — and to a
 * `like ?` pattern — into the plan, which marks the statement to be compiled again whenever that
 * parameter is bound anew; better-sqlite3 binds every parameter on every run, so such a statement
 * was compiled on every run (up to 50 µs each for a customer page; README, "Issue 13 changes,
 * measured"). Drizzle's own `.limit()` does the same (patches/drizzle-orm+0.45.4.patch).
 */
export function runTimeValue(value: unknown): SQL {
  return sql`+${value}`;
}
