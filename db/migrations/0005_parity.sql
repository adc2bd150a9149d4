CREATE TABLE `entitlements` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`merchant_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`feature` text NOT NULL,
	`name` text,
	`unit` text,
	`limit` integer,
	`reset_interval` text,
	`reset_anchor` integer NOT NULL,
	`period_start` integer NOT NULL,
	`used` integer DEFAULT 0 NOT NULL,
	`limit_reached_period` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entitlements_customer_feature_uq` ON `entitlements` (`customer_id`,`feature`);--> statement-breakpoint
CREATE INDEX `entitlements_merchant_idx` ON `entitlements` (`merchant_id`);--> statement-breakpoint
CREATE TABLE `usage_records` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`feature` text NOT NULL,
	`quantity` integer NOT NULL,
	`timestamp` integer NOT NULL,
	`counted_at` integer NOT NULL,
	`idempotency_key` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_records_id_unique` ON `usage_records` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `usage_records_idempotency_uq` ON `usage_records` (`customer_id`,`idempotency_key`) WHERE idempotency_key is not null;--> statement-breakpoint
CREATE INDEX `usage_records_period_idx` ON `usage_records` (`customer_id`,`feature`,`counted_at`,`quantity`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_customers` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`email` text,
	`email_normalized` text,
	`name` text,
	`phone_number` text,
	`external_id` text,
	`billing_address` text,
	`tax_id` text,
	`metadata` text NOT NULL,
	`locale` text,
	`customer_type` text,
	`legal_name` text,
	`legal_number` text,
	`timezone` text,
	`currency` text,
	`document_locale` text,
	`shipping_address` text,
	`date_of_birth` text,
	`sort_name` text GENERATED ALWAYS AS (lower(coalesce(name, ''))) VIRTUAL,
	`sort_email` text GENERATED ALWAYS AS (coalesce(email_normalized, '')) VIRTUAL,
	`billing_country` text GENERATED ALWAYS AS (json_extract(billing_address, '$.country')) VIRTUAL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_customers`("seq", "id", "merchant_id", "email", "email_normalized", "name", "phone_number", "external_id", "billing_address", "tax_id", "metadata", "locale", "created_at", "updated_at", "deleted_at") SELECT "seq", "id", "merchant_id", "email", "email_normalized", "name", "phone_number", "external_id", "billing_address", "tax_id", "metadata", "locale", "created_at", "updated_at", "deleted_at" FROM `customers`;--> statement-breakpoint
DROP TABLE `customers`;--> statement-breakpoint
ALTER TABLE `__new_customers` RENAME TO `customers`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `customers_id_unique` ON `customers` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `customers_merchant_email_live_uq` ON `customers` (`merchant_id`,`email_normalized`) WHERE deleted_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX `customers_merchant_external_id_live_uq` ON `customers` (`merchant_id`,`external_id`) WHERE deleted_at is null and external_id is not null;--> statement-breakpoint
CREATE INDEX `customers_merchant_created_idx` ON `customers` (`merchant_id`,`created_at`,`seq`);--> statement-breakpoint
CREATE INDEX `customers_merchant_name_sort_idx` ON `customers` (`merchant_id`,`sort_name`,`created_at`,`seq`) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX `customers_merchant_email_sort_idx` ON `customers` (`merchant_id`,`sort_email`,`created_at`,`seq`) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX `customers_merchant_country_idx` ON `customers` (`merchant_id`,`billing_country`,`created_at`,`seq`) WHERE deleted_at is null;--> statement-breakpoint
UPDATE `merchants` SET `portal_settings` = json_set(`portal_settings`, '$.features.usage', json('{"enabled":true}')) WHERE json_extract(`portal_settings`, '$.features.usage') IS NULL;