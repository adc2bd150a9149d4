CREATE TABLE `staff_users` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`password_hash` text,
	`password_changed_at` integer,
	`locale` text,
	`totp_secret_encrypted` text,
	`totp_pending_secret_encrypted` text,
	`totp_enabled_at` integer,
	`totp_last_step` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_users_id_unique` ON `staff_users` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `staff_users_email_unique` ON `staff_users` (`email`);--> statement-breakpoint
CREATE TABLE `staff_memberships` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`staff_user_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_memberships_id_unique` ON `staff_memberships` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `staff_memberships_user_merchant_uq` ON `staff_memberships` (`staff_user_id`,`merchant_id`);--> statement-breakpoint
CREATE INDEX `staff_memberships_merchant_idx` ON `staff_memberships` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`id_hash` text NOT NULL,
	`staff_user_id` text NOT NULL,
	`stage` text NOT NULL,
	`merchant_id` text,
	`ip` text,
	`user_agent` text,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`reauthenticated_at` integer,
	`ended_at` integer,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_sessions_id_unique` ON `staff_sessions` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `staff_sessions_idHash_unique` ON `staff_sessions` (`id_hash`);--> statement-breakpoint
CREATE INDEX `staff_sessions_user_idx` ON `staff_sessions` (`staff_user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `staff_setup_tokens` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`staff_user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_setup_tokens_tokenHash_unique` ON `staff_setup_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `staff_setup_tokens_user_idx` ON `staff_setup_tokens` (`staff_user_id`);--> statement-breakpoint
CREATE TABLE `staff_invites` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`invited_by` text,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`accepted_at` integer,
	`accepted_by` text,
	`revoked_at` integer,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invited_by`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`accepted_by`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_invites_id_unique` ON `staff_invites` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `staff_invites_tokenHash_unique` ON `staff_invites` (`token_hash`);--> statement-breakpoint
CREATE INDEX `staff_invites_merchant_idx` ON `staff_invites` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `staff_backup_codes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`staff_user_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_backup_codes_user_idx` ON `staff_backup_codes` (`staff_user_id`);--> statement-breakpoint
DROP INDEX `audit_log_merchant_idx`;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `before` text;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `after` text;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `ip` text;--> statement-breakpoint
CREATE INDEX `audit_log_merchant_idx` ON `audit_log` (`merchant_id`,`created_at`,`seq`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `name` text;--> statement-breakpoint
ALTER TABLE `merchants` ADD `staff_two_factor_required` integer DEFAULT false NOT NULL;