import Database from "better-sqlite3";

/**
 * Checks a few rows against an FTS5 query exactly as an FTS5 table of `source` would match them
 * (ADR 013, addendum): a private in-memory table made from that table's own definition — same
 * columns, same tokenizer — holds the rows for the one query and is emptied again. Folding (case,
 * diacritics) is therefore the index's own, not a copy of it.
 *
 * The private table is contentless (`content=''`): it keeps only the index, which is all a match
 * needs, and `delete-all` empties it at once. A table that kept its rows had to read each one
 * back to remove its terms: 0.52 ms to check 23 rows, against 0.11 ms (README, "Issue 13
 * changes, measured").
 *
 * Made once per table; the rows given are the caller's `[rowid, ...column values]`.
 */
export function createFtsMatchCheck(source: Database.Database, table: string) {
  const definition = source.prepare("select sql from sqlite_schema where type = 'table' and name = ?").pluck().get(table) as string | undefined;
  if (!definition) throw new Error(`FTS5 table ${table} does not exist`);
  // The source's own content options go (quoted either way or bare, in any position), and
  // `content=''` is added.
  const own = definition
    .replace(/^CREATE VIRTUAL TABLE\s+[`"]?\w+[`"]?/i, "CREATE VIRTUAL TABLE rows")
    .replace(/(,\s*)?\bcontent(_rowid)?\s*=\s*('(?:[^']|'')*'|"(?:[^"]|"")*"|\w+)\s*(?=,|\)\s*$)/gi, "")
    .replace(/\(\s*,\s*/, "(")
    .replace(/\)\s*$/, ", content='')");
  const memory = new Database(":memory:");
  memory.exec(own);
  const columns = (memory.prepare("select name from pragma_table_info('rows')").pluck().all() as string[]).map((c) => `"${c}"`);
  const add = memory.prepare(`insert into rows (rowid, ${columns.join(", ")}) values (${["?", ...columns.map(() => "?")].join(", ")})`);
  const matching = memory.prepare("select rowid from rows where rows match ? order by rowid").pluck();
  const clear = memory.prepare("insert into rows (rows) values ('delete-all')");
  /** The rowids of `rows` that `query` matches, in rowid order. */
  return memory.transaction((rows: ReadonlyArray<readonly unknown[]>, query: string): number[] => {
    for (const row of rows) add.run(...row);
    const found = matching.all(query) as number[];
    clear.run();
    return found;
  });
}
