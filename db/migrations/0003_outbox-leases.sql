ALTER TABLE `mail_outbox` ADD `locked_until` integer;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `lease_owner` text;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `lease_owner` text;