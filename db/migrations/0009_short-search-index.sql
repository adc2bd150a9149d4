-- One- and two-character customer searches answered by an index (docs/decisions/025-short-search-index.md).
-- customers_grams holds, per customer (rowid = customers.seq), the distinct characters and pairs
-- of adjacent characters of its name, email and id, folded, each as the hex of its UTF-8 bytes.
-- Contentless (the customers table holds the text), no positions (a short search is one token),
-- rows deleted by rowid.
-- The grams are computed by the application (app/utils/search-grams.server.ts), so the triggers
-- below are plain SQL that any connection can run, the sqlite3 shell included: a change removes
-- the customer's grams at once and queues the customer in customers_grams_pending; the app indexes
-- the queue inside its own write transactions (and at start), and a search also checks the
-- customers still queued, so its answer never depends on when that happens.
CREATE VIRTUAL TABLE `customers_grams` USING fts5(`grams`, content='', contentless_delete=1, detail='none', tokenize='ascii');
--> statement-breakpoint
CREATE TABLE `customers_grams_pending` (`seq` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
-- A group-committed batch indexes the customers it creates itself, with their final values, just
-- before its COMMIT (customers_fts_deferred, 0008): they are not queued.
CREATE TRIGGER `customers_grams_insert` AFTER INSERT ON `customers`
WHEN NOT EXISTS (SELECT 1 FROM `customers_fts_deferred` WHERE new.`seq` > `after_seq`) BEGIN
  INSERT OR IGNORE INTO `customers_grams_pending` (`seq`) VALUES (new.`seq`);
END;
--> statement-breakpoint
CREATE TRIGGER `customers_grams_delete` AFTER DELETE ON `customers` BEGIN
  DELETE FROM `customers_grams` WHERE rowid = old.`seq`;
  DELETE FROM `customers_grams_pending` WHERE `seq` = old.`seq`;
END;
--> statement-breakpoint
CREATE TRIGGER `customers_grams_update` AFTER UPDATE OF `name`, `email_normalized`, `id` ON `customers` BEGIN
  DELETE FROM `customers_grams` WHERE rowid = old.`seq`;
  INSERT OR IGNORE INTO `customers_grams_pending` (`seq`)
    SELECT new.`seq` WHERE NOT EXISTS (SELECT 1 FROM `customers_fts_deferred` WHERE new.`seq` > `after_seq`);
END;
--> statement-breakpoint
-- The customers already there: queued, and indexed by the app when it first starts.
INSERT INTO `customers_grams_pending` (`seq`) SELECT `seq` FROM `customers`;
