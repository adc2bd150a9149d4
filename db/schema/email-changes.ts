import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { customerRef } from "./customers";
import { merchantRef } from "./merchants";
import { portalSessions } from "./portal-sessions";

// A customer's request to change their email from the portal. It applies only when the link
// mailed to the new address is confirmed; the link's token is stored as its SHA-256 only.
export const emailChanges = sqliteTable(
  "email_changes",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    customerId: customerRef(),
    portalSessionId: text()
      .notNull()
      .references(() => portalSessions.id),
    newEmail: text().notNull(),
    tokenHash: text().notNull().unique(),
    locale: text().notNull(),
    expiresAt: timestamp().notNull(),
    createdAt: createdAt(),
    // Set once, by the confirmation that applies it; a second click finds it set.
    confirmedAt: timestamp(),
    // A newer request (or a confirmed one) voids every older pending link of the customer.
    supersededAt: timestamp(),
  },
  (t) => [index("email_changes_customer_idx").on(t.customerId, t.createdAt)],
);

export type EmailChange = typeof emailChanges.$inferSelect;
