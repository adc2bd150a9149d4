ALTER TABLE `customers` ADD `out_of_order` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `customers_out_of_order_idx` ON `customers` (`merchant_id`,`seq`) WHERE "customers"."out_of_order" = 1;--> statement-breakpoint
-- customers.out_of_order (docs/decisions/028-customers-out-of-order.md): for every two customers
-- of a merchant whose seq order and created_at order disagree, the one inserted later is marked.
-- A search walking its matches in seq order proves its page complete from that mark instead of
-- reading an index range as long as the page's reach (customer-list.server.ts). Kept by the
-- triggers below for every writer (the models, imports, the command-line tools); a mark is never
-- cleared, which can only make a proof fall back to reading the index.
-- The customers already stored: marked where an earlier seq of the same merchant has a later
-- created_at.
UPDATE `customers` SET `out_of_order` = 1 WHERE `seq` IN (
  SELECT `seq` FROM (
    SELECT `seq`, `created_at`,
      max(`created_at`) OVER (PARTITION BY `merchant_id` ORDER BY `seq` ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS `before`
    FROM `customers`
  ) WHERE `created_at` < `before`
);
--> statement-breakpoint
-- A new customer dated before the newest of its merchant's earlier customers (two index entries
-- read through customers_merchant_created_idx: the new row's own, then that customer's).
CREATE TRIGGER `customers_out_of_order_insert` AFTER INSERT ON `customers`
WHEN new.`created_at` < (
  SELECT `created_at` FROM `customers` WHERE `merchant_id` = new.`merchant_id` AND `seq` < new.`seq` ORDER BY `created_at` DESC, `seq` DESC LIMIT 1
) BEGIN
  UPDATE `customers` SET `out_of_order` = 1 WHERE `seq` = new.`seq`;
END;
--> statement-breakpoint
-- created_at (or the merchant) changed: the row itself against its earlier customers, and its later
-- customers now dated before it. The app never changes either; this keeps the mark right for
-- anyone who does.
CREATE TRIGGER `customers_out_of_order_update` AFTER UPDATE OF `created_at`, `merchant_id` ON `customers` BEGIN
  UPDATE `customers` SET `out_of_order` = 1 WHERE `seq` = new.`seq` AND new.`created_at` < (
    SELECT `created_at` FROM `customers` WHERE `merchant_id` = new.`merchant_id` AND `seq` < new.`seq` ORDER BY `created_at` DESC, `seq` DESC LIMIT 1
  );
  UPDATE `customers` SET `out_of_order` = 1
    WHERE `merchant_id` = new.`merchant_id` AND `seq` > new.`seq` AND `created_at` < new.`created_at` AND `out_of_order` = 0;
END;
