import type Database from "better-sqlite3";
import type { BatchHook } from "./group-commit.server";
import type { ShortSearchQueue } from "./search-grams.server";

/**
 * Customer search's indexes written once per group-committed batch
 * (docs/decisions/016-search-index-per-batch.md, migration 0008). `begin` records the largest
 * customer seq from before the batch in `customers_fts_deferred`, and the index triggers leave
 * the customers created after it alone; `beforeCommit` indexes the batch's surviving new
 * customers with their final values in one statement and deletes the row. A unit rolled back to
 * its savepoint takes its customers with it, so they are never indexed. seq is AUTOINCREMENT:
 * a new customer's is larger than any before it. The short-search index (0009) is deferred by the
 * same row; its triggers queue the other customers changed in the batch, and `beforeCommit` indexes
 * that queue too.
 */
export function customerSearchIndexPerBatch(sqlite: Database.Database, shortSearch: ShortSearchQueue): BatchHook {
  const newest = sqlite.prepare("SELECT coalesce(max(seq), 0) FROM customers").pluck();
  const defer = sqlite.prepare("INSERT INTO customers_fts_deferred (after_seq) VALUES (?)");
  const index = sqlite.prepare(
    "INSERT INTO customers_fts (rowid, name, email_normalized, id) SELECT seq, name, email_normalized, id FROM customers WHERE seq > ? ORDER BY seq",
  );
  // The short-search index (0009): the batch's new customers the same way; its queue (customers
  // changed in the batch that existed before it) after them.
  const indexGrams = sqlite.prepare(
    "INSERT INTO customers_grams (rowid, grams) SELECT seq, search_grams(name, email_normalized, id) FROM customers WHERE seq > ? ORDER BY seq",
  );
  const undefer = sqlite.prepare("DELETE FROM customers_fts_deferred");
  let afterSeq = 0;
  return {
    begin() {
      afterSeq = newest.get() as number;
      defer.run(afterSeq);
    },
    beforeCommit() {
      index.run(afterSeq);
      indexGrams.run(afterSeq);
      shortSearch.drain();
      undefer.run();
    },
  };
}
