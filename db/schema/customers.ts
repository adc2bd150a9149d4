import { sql } from "drizzle-orm";
import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { merchantRef, type PostalAddress } from "./merchants";

export const customers = sqliteTable(
  "customers",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    email: text().notNull(),
    // Lower-cased in JS (SQLite's lower() folds ASCII only): uniqueness is case-insensitive.
    emailNormalized: text().notNull(),
    name: text(),
    phoneNumber: text(),
    externalId: text(),
    billingAddress: text({ mode: "json" }).$type<PostalAddress | null>(),
    taxId: text(),
    metadata: text({ mode: "json" }).$type<Record<string, string>>().notNull(),
    locale: text(),
    createdAt: createdAt(),
    updatedAt: timestamp().notNull(),
    // Soft delete: payments keep pointing at the row; email and external_id become reusable.
    deletedAt: timestamp(),
  },
  (t) => [
    uniqueIndex("customers_merchant_email_live_uq")
      .on(t.merchantId, t.emailNormalized)
      .where(sql`deleted_at is null`),
    uniqueIndex("customers_merchant_external_id_live_uq")
      .on(t.merchantId, t.externalId)
      .where(sql`deleted_at is null and external_id is not null`),
    index("customers_merchant_created_idx").on(t.merchantId, t.createdAt, t.seq),
  ],
);

/** A required reference to a customer. */
export const customerRef = () =>
  text()
    .notNull()
    .references(() => customers.id);

export type Customer = typeof customers.$inferSelect;
