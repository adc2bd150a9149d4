import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, leaseColumns, publicId, seq, timestamp } from "./columns";
import { merchants } from "./merchants";

export const mailStatuses = ["queued", "sent", "failed"] as const;

// Written in the same transaction as the action that causes the mail; a sender loop delivers it.
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    seq: seq(),
    id: publicId(),
    merchantId: text().references(() => merchants.id),
    template: text().notNull(),
    toAddress: text().notNull(),
    subject: text().notNull(),
    html: text().notNull(),
    text: text().notNull(),
    // The link tokens and one-time codes in html and text: replaced by "[redacted]" there once
    // SMTP accepted the mail (or it failed for good), then cleared.
    scrub: text({ mode: "json" }).$type<string[] | null>(),
    status: text({ enum: mailStatuses }).notNull().default("queued"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp().notNull(),
    ...leaseColumns(),
    lastError: text(),
    createdAt: createdAt(),
    sentAt: timestamp(),
  },
  (t) => [index("mail_outbox_due_idx").on(t.status, t.nextAttemptAt)],
);

export type MailMessage = typeof mailOutbox.$inferSelect;
