import Database from "better-sqlite3";

/**
 * Checks a few rows against an FTS5 query exactly as an FTS5 table of `source` would match them
 * (ADR 013, addendum): a private in-memory table made from that table's own definition — same
 * columns, same tokenizer, without its external content — holds the rows for the one query and
 * is emptied again. Folding (case, diacritics) is therefore the index's own, not a copy of it.
 * Made once per table; the rows given are the caller's `[rowid, ...column values]`.
 */
export function createFtsMatchCheck(source: Database.Database, table: string) {
  const definition = source.prepare("select sql from sqlite_schema where type = 'table' and name = ?").pluck().get(table) as string | undefined;
  if (!definition) throw new Error(`FTS5 table ${table} does not exist`);
  const own = definition
    .replace(/^CREATE VIRTUAL TABLE\s+[`"]?\w+[`"]?/i, "CREATE VIRTUAL TABLE rows")
    .replace(/,\s*content(_rowid)?\s*=\s*'[^']*'/gi, "");
  const memory = new Database(":memory:");
  memory.exec(own);
  const columns = (memory.prepare("select name from pragma_table_info('rows')").pluck().all() as string[]).map((c) => `"${c}"`);
  const add = memory.prepare(`insert into rows (rowid, ${columns.join(", ")}) values (${["?", ...columns.map(() => "?")].join(", ")})`);
  const matching = memory.prepare("select rowid from rows where rows match ? order by rowid").pluck();
  const clear = memory.prepare("delete from rows");
  /** The rowids of `rows` that `query` matches, in rowid order. */
  return memory.transaction((rows: ReadonlyArray<readonly unknown[]>, query: string): number[] => {
    for (const row of rows) add.run(...row);
    const found = matching.all(query) as number[];
    clear.run();
    return found;
  });
}
