-- Customer search's index (customers_fts, 0007) indexed in one statement per group-committed
-- batch, not one per write (docs/decisions/016-search-index-per-batch.md).
-- FTS5 writes what a statement added as a new segment (and does its share of merging segments)
-- each time a savepoint that wrote to it is released, and the group commit runs every request's
-- write in a savepoint of its own: each new customer cost a segment. While a batch runs, the row
-- below holds the largest customer seq from before it: the triggers leave newer rows alone, and
-- the batch indexes them, with their final values, just before its COMMIT, then deletes the row.
-- The row is inserted and deleted inside the batch's own transaction: no other connection ever
-- sees it, and every other writer (the portal, the dashboard, the command-line tools) is indexed
-- by the triggers as before.
CREATE TABLE `customers_fts_deferred` (`after_seq` integer NOT NULL);
--> statement-breakpoint
DROP TRIGGER `customers_fts_insert`;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_insert` AFTER INSERT ON `customers`
WHEN NOT EXISTS (SELECT 1 FROM `customers_fts_deferred` WHERE new.`seq` > `after_seq`) BEGIN
  INSERT INTO `customers_fts`(rowid, `name`, `email_normalized`, `id`) VALUES (new.`seq`, new.`name`, new.`email_normalized`, new.`id`);
END;
--> statement-breakpoint
DROP TRIGGER `customers_fts_delete`;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_delete` AFTER DELETE ON `customers`
WHEN NOT EXISTS (SELECT 1 FROM `customers_fts_deferred` WHERE old.`seq` > `after_seq`) BEGIN
  INSERT INTO `customers_fts`(`customers_fts`, rowid, `name`, `email_normalized`, `id`) VALUES ('delete', old.`seq`, old.`name`, old.`email_normalized`, old.`id`);
END;
--> statement-breakpoint
DROP TRIGGER `customers_fts_update`;
--> statement-breakpoint
-- seq never changes, but each half is guarded on its own row's seq all the same.
CREATE TRIGGER `customers_fts_update` AFTER UPDATE OF `name`, `email_normalized`, `id` ON `customers` BEGIN
  INSERT INTO `customers_fts`(`customers_fts`, rowid, `name`, `email_normalized`, `id`)
    SELECT 'delete', old.`seq`, old.`name`, old.`email_normalized`, old.`id`
    WHERE NOT EXISTS (SELECT 1 FROM `customers_fts_deferred` WHERE old.`seq` > `after_seq`);
  INSERT INTO `customers_fts`(rowid, `name`, `email_normalized`, `id`)
    SELECT new.`seq`, new.`name`, new.`email_normalized`, new.`id`
    WHERE NOT EXISTS (SELECT 1 FROM `customers_fts_deferred` WHERE new.`seq` > `after_seq`);
END;
