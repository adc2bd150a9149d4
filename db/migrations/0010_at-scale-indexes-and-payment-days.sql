CREATE TABLE `payment_days` (
	`merchant_id` text NOT NULL,
	`day` integer NOT NULL,
	`currency` text NOT NULL,
	`invoiced_amount` integer DEFAULT 0 NOT NULL,
	`failed_payments` integer DEFAULT 0 NOT NULL,
	`refunded` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`merchant_id`, `day`, `currency`)
);
--> statement-breakpoint
CREATE INDEX `customers_deleted_idx` ON `customers` (`merchant_id`,`created_at`) WHERE "customers"."deleted_at" is not null;--> statement-breakpoint
CREATE INDEX `subscriptions_pending_cancellation_idx` ON `subscriptions` (`merchant_id`,`current_period_end`) WHERE "subscriptions"."cancel_at_period_end" = 1 and "subscriptions"."status" <> 'cancelled';--> statement-breakpoint
CREATE INDEX `subscriptions_past_due_idx` ON `subscriptions` (`merchant_id`,`updated_at`) WHERE "subscriptions"."status" = 'past_due';--> statement-breakpoint
CREATE INDEX `subscriptions_live_product_idx` ON `subscriptions` (`merchant_id`,`product_id`,`status`) WHERE "subscriptions"."status" in ('active', 'trialing');--> statement-breakpoint
CREATE INDEX `refunds_merchant_created_idx` ON `refunds` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `wallets_updated_idx` ON `wallets` (`updated_at`);--> statement-breakpoint
CREATE INDEX `webhook_events_customer_idx` ON `webhook_events` (`merchant_id`, coalesce(json_extract(`payload`, '$.data.object.customer_id'), json_extract(`payload`, '$.data.object.id')), `created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_customer_actor_idx` ON `audit_log` (`actor_id`,`created_at`) WHERE "audit_log"."actor_type" = 'customer';--> statement-breakpoint
-- payment_days: the dashboard overview's sums per merchant, UTC day and currency, kept by the
-- triggers below for any writer (plain SQL, no app function). A payment counts by its status:
-- the invoiced ones (succeeded, refunded, partially_refunded: invoicedPaymentStatuses) add their
-- amount, a failed one counts once; a change takes the old row's share away and adds the new one's.
CREATE TRIGGER `payment_days_payment_insert` AFTER INSERT ON `payments` BEGIN
  INSERT INTO `payment_days` (`merchant_id`, `day`, `currency`, `invoiced_amount`, `failed_payments`)
  VALUES (new.`merchant_id`, new.`created_at` / 86400000, new.`currency`,
    CASE WHEN new.`status` IN ('succeeded', 'refunded', 'partially_refunded') THEN new.`amount` ELSE 0 END,
    CASE WHEN new.`status` = 'failed' THEN 1 ELSE 0 END)
  ON CONFLICT (`merchant_id`, `day`, `currency`) DO UPDATE SET
    `invoiced_amount` = `invoiced_amount` + excluded.`invoiced_amount`, `failed_payments` = `failed_payments` + excluded.`failed_payments`;
END;
--> statement-breakpoint
CREATE TRIGGER `payment_days_payment_delete` AFTER DELETE ON `payments` BEGIN
  UPDATE `payment_days` SET
    `invoiced_amount` = `invoiced_amount` - CASE WHEN old.`status` IN ('succeeded', 'refunded', 'partially_refunded') THEN old.`amount` ELSE 0 END,
    `failed_payments` = `failed_payments` - CASE WHEN old.`status` = 'failed' THEN 1 ELSE 0 END
  WHERE `merchant_id` = old.`merchant_id` AND `day` = old.`created_at` / 86400000 AND `currency` = old.`currency`;
END;
--> statement-breakpoint
CREATE TRIGGER `payment_days_payment_update` AFTER UPDATE OF `merchant_id`, `status`, `currency`, `amount`, `created_at` ON `payments` BEGIN
  UPDATE `payment_days` SET
    `invoiced_amount` = `invoiced_amount` - CASE WHEN old.`status` IN ('succeeded', 'refunded', 'partially_refunded') THEN old.`amount` ELSE 0 END,
    `failed_payments` = `failed_payments` - CASE WHEN old.`status` = 'failed' THEN 1 ELSE 0 END
  WHERE `merchant_id` = old.`merchant_id` AND `day` = old.`created_at` / 86400000 AND `currency` = old.`currency`;
  INSERT INTO `payment_days` (`merchant_id`, `day`, `currency`, `invoiced_amount`, `failed_payments`)
  VALUES (new.`merchant_id`, new.`created_at` / 86400000, new.`currency`,
    CASE WHEN new.`status` IN ('succeeded', 'refunded', 'partially_refunded') THEN new.`amount` ELSE 0 END,
    CASE WHEN new.`status` = 'failed' THEN 1 ELSE 0 END)
  ON CONFLICT (`merchant_id`, `day`, `currency`) DO UPDATE SET
    `invoiced_amount` = `invoiced_amount` + excluded.`invoiced_amount`, `failed_payments` = `failed_payments` + excluded.`failed_payments`;
END;
--> statement-breakpoint
CREATE TRIGGER `payment_days_refund_insert` AFTER INSERT ON `refunds` BEGIN
  INSERT INTO `payment_days` (`merchant_id`, `day`, `currency`, `refunded`)
  VALUES (new.`merchant_id`, new.`created_at` / 86400000, new.`currency`, new.`amount`)
  ON CONFLICT (`merchant_id`, `day`, `currency`) DO UPDATE SET `refunded` = `refunded` + excluded.`refunded`;
END;
--> statement-breakpoint
CREATE TRIGGER `payment_days_refund_delete` AFTER DELETE ON `refunds` BEGIN
  UPDATE `payment_days` SET `refunded` = `refunded` - old.`amount`
  WHERE `merchant_id` = old.`merchant_id` AND `day` = old.`created_at` / 86400000 AND `currency` = old.`currency`;
END;
--> statement-breakpoint
CREATE TRIGGER `payment_days_refund_update` AFTER UPDATE OF `merchant_id`, `currency`, `amount`, `created_at` ON `refunds` BEGIN
  UPDATE `payment_days` SET `refunded` = `refunded` - old.`amount`
  WHERE `merchant_id` = old.`merchant_id` AND `day` = old.`created_at` / 86400000 AND `currency` = old.`currency`;
  INSERT INTO `payment_days` (`merchant_id`, `day`, `currency`, `refunded`)
  VALUES (new.`merchant_id`, new.`created_at` / 86400000, new.`currency`, new.`amount`)
  ON CONFLICT (`merchant_id`, `day`, `currency`) DO UPDATE SET `refunded` = `refunded` + excluded.`refunded`;
END;
--> statement-breakpoint
INSERT INTO `payment_days` (`merchant_id`, `day`, `currency`, `invoiced_amount`, `failed_payments`, `refunded`)
SELECT `merchant_id`, `day`, `currency`, sum(`invoiced`), sum(`failed`), sum(`refunded`) FROM (
  SELECT `merchant_id`, `created_at` / 86400000 AS `day`, `currency`,
    CASE WHEN `status` IN ('succeeded', 'refunded', 'partially_refunded') THEN `amount` ELSE 0 END AS `invoiced`,
    CASE WHEN `status` = 'failed' THEN 1 ELSE 0 END AS `failed`, 0 AS `refunded`
  FROM `payments`
  UNION ALL
  SELECT `merchant_id`, `created_at` / 86400000, `currency`, 0, 0, `amount` FROM `refunds`
) GROUP BY `merchant_id`, `day`, `currency`;
