CREATE TABLE `customer_table_columns` (
	`staff_user_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`columns` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`staff_user_id`, `merchant_id`),
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `saved_views` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`staff_user_id` text NOT NULL,
	`name` text NOT NULL,
	`query` text NOT NULL,
	`shared` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `saved_views_id_unique` ON `saved_views` (`id`);--> statement-breakpoint
CREATE INDEX `saved_views_merchant_idx` ON `saved_views` (`merchant_id`,`created_at`);--> statement-breakpoint
-- Customer search (DASHBOARD.md "Customers", q): an FTS5 index with the trigram tokenizer over
-- the name, the lower-cased email and the id, folding case and diacritics, so any substring of
-- three or more characters (Hangul and kana included) is found through the index, never a scan.
-- External content (the customers table itself), kept in step by the triggers below; this
-- migration comes after 0005, which rebuilt the customers table.
CREATE VIRTUAL TABLE `customers_fts` USING fts5(`name`, `email_normalized`, `id`, content='customers', content_rowid='seq', tokenize='trigram remove_diacritics 1');
--> statement-breakpoint
CREATE TRIGGER `customers_fts_insert` AFTER INSERT ON `customers` BEGIN
  INSERT INTO `customers_fts`(rowid, `name`, `email_normalized`, `id`) VALUES (new.`seq`, new.`name`, new.`email_normalized`, new.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_delete` AFTER DELETE ON `customers` BEGIN
  INSERT INTO `customers_fts`(`customers_fts`, rowid, `name`, `email_normalized`, `id`) VALUES ('delete', old.`seq`, old.`name`, old.`email_normalized`, old.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_update` AFTER UPDATE OF `name`, `email_normalized`, `id` ON `customers` BEGIN
  INSERT INTO `customers_fts`(`customers_fts`, rowid, `name`, `email_normalized`, `id`) VALUES ('delete', old.`seq`, old.`name`, old.`email_normalized`, old.`id`);
  INSERT INTO `customers_fts`(rowid, `name`, `email_normalized`, `id`) VALUES (new.`seq`, new.`name`, new.`email_normalized`, new.`id`);
END;
--> statement-breakpoint
INSERT INTO `customers_fts`(`customers_fts`) VALUES ('rebuild');
