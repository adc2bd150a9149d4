import type Database from "better-sqlite3";

/**
 * FTS5 keeps an index as a set of segments (b-trees) and merges them only as writes come in
 * (`automerge`, 4 by default): an index the app writes a few rows at a time settles at a median
 * of 17 segments (up to 26, measured), and every search reads each of them once per term
 * (ADR 027). Compaction merges them into one.
 *
 * It runs as many short steps, each its own transaction writing about `pagesPerStep` pages
 * (FTS5's `merge` command with a negative page count: every segment may merge, whatever its
 * level), so a running app's writes wait for one step at most, never for the whole compaction.
 * Most steps take milliseconds, a few far longer: 1.4 and 1.7 s were measured at the start of the
 * trigram index's merge at 1,000,000 customers, through doclists every email shares. `afterStep`
 * runs between two steps, when nothing is held.
 *
 * It stops when a step finds nothing to merge (fewer than two rows changed, as FTS5's
 * documentation describes the test), or, with writes arriving all along, once it has written
 * twice the index's starting size (`capped`): what it merged stays merged. What the index
 * answers does not change, only how it is stored.
 */
export function compactFtsIndex(sqlite: Database.Database, table: string, opts: { pagesPerStep?: number; afterStep?: (step: number) => void } = {}) {
  const pages = Math.max(1, Math.floor(opts.pagesPerStep ?? 64));
  const quoted = identifier(table);
  // FTS5 takes the page count only as an integer value: a JavaScript number binds as a real.
  const merge = sqlite.prepare(`insert into ${quoted} (${quoted}, rank) values ('merge', ?)`);
  const changes = sqlite.prepare("select total_changes()").pluck();
  const before = ftsSegmentCount(sqlite, table);
  // Merging everything once writes about as many pages as the index holds. Writes arriving
  // meanwhile add segments that a negative merge would take in again and again (rewriting the
  // whole index each time), so the work is capped at twice the index's size when it started.
  const budget = 2 * (sqlite.prepare(`select count(*) from ${identifier(`${table}_data`)}`).pluck().get() as number) + 2 * pages;
  let steps = 0;
  let capped = false;
  let longestStepMs = 0;
  const started = performance.now();
  for (;;) {
    const from = changes.get() as number;
    const stepStarted = performance.now();
    merge.run(BigInt(-pages));
    longestStepMs = Math.max(longestStepMs, performance.now() - stepStarted);
    steps++;
    if ((changes.get() as number) - from < 2) break;
    if (steps * pages >= budget) {
      capped = true;
      break;
    }
    opts.afterStep?.(steps);
  }
  return { table, segmentsBefore: before, segmentsAfter: ftsSegmentCount(sqlite, table), steps, capped, ms: performance.now() - started, longestStepMs };
}

/**
 * How many segments an FTS5 table's index has: the distinct segment ids of its `<table>_idx`
 * table, which holds one row for the first leaf of every segment (and for later leaves).
 */
export function ftsSegmentCount(sqlite: Database.Database, table: string): number {
  return sqlite.prepare(`select count(distinct segid) from ${identifier(`${table}_idx`)}`).pluck().get() as number;
}

/** A table's name as an SQL identifier: double-quoted, its own quotes doubled. */
const identifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The database's FTS5 tables, by name (the search indexes: customers_fts, customers_grams). */
export function ftsTables(sqlite: Database.Database): string[] {
  return sqlite
    .prepare("select name from sqlite_schema where type = 'table' and sql like 'CREATE VIRTUAL TABLE%' and lower(sql) like '%using fts5%' order by name")
    .pluck()
    .all() as string[];
}
