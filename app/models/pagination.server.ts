import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { db } from "~/utils/db.server";
import { invalidField } from "./errors.server";

type ListableTable = SQLiteTable & {
  id: SQLiteColumn;
  seq: SQLiteColumn;
  createdAt: SQLiteColumn;
};

export type Page<R> = { rows: R[]; hasMore: boolean };

/**
 * Newest first by (created_at, seq), so objects made in the same millisecond keep their order.
 * The cursor object must itself pass `where`: another merchant's id is no cursor (an invalid
 * `starting_after`, code `resource_missing`).
 */
export function paginate<T extends ListableTable>(opts: {
  table: T;
  where: SQL | undefined;
  limit: number;
  startingAfter?: string;
}): Page<T["$inferSelect"]> {
  const { table, where, limit, startingAfter } = opts;
  let after: SQL | undefined;
  if (startingAfter) {
    const cursor = db
      .select({ createdAt: table.createdAt, seq: table.seq })
      .from(table as SQLiteTable)
      .where(and(eq(table.id, startingAfter), where))
      .get() as { createdAt: Date; seq: number } | undefined;
    if (!cursor) throw invalidField("starting_after", `No such object: '${startingAfter}'`, "resource_missing");
    after = or(
      lt(table.createdAt, cursor.createdAt),
      and(eq(table.createdAt, cursor.createdAt), lt(table.seq, cursor.seq)),
    );
  }
  const rows = db
    .select()
    .from(table as SQLiteTable)
    .where(and(where, after))
    .orderBy(desc(table.createdAt), desc(table.seq))
    .limit(limit + 1)
    .all() as T["$inferSelect"][];
  return pageOf(rows, limit);
}

/** A page from up to `limit + 1` rows read in the list's order: the extra one only says there is more. */
export function pageOf<R>(rows: R[], limit: number): Page<R> {
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}
