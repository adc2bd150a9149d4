import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { merchantRef, type PostalAddress } from "./merchants";

export const customerTypes = ["company", "individual"] as const;
/** The languages a customer's invoice PDFs and emails can be in (the portal's locales). */
export const documentLocales = ["en", "ko"] as const;
/** `GET /customers?sort=`: a key, ascending, or descending with a leading `-`. */
export const customerSortKeys = ["created_at", "name", "email"] as const;
/** The list's `field[op]=value` filters (Odus): text fields and their operators, dates and theirs. */
export const customerStringFields = ["email", "name", "external_id", "country"] as const;
export const customerStringOperators = ["eq", "ne", "like", "in", "nin"] as const;
export const customerDateOperators = ["gte", "lte"] as const;

export const customers = sqliteTable(
  "customers",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    // Null for a customer known only by external_id (Lago's and Autumn's id-only customers).
    email: text(),
    // Lower-cased in JS (SQLite's lower() folds ASCII only): uniqueness is case-insensitive.
    emailNormalized: text(),
    name: text(),
    phoneNumber: text(),
    externalId: text(),
    billingAddress: text({ mode: "json" }).$type<PostalAddress | null>(),
    taxId: text(),
    metadata: text({ mode: "json" }).$type<Record<string, string>>().notNull(),
    locale: text(),
    customerType: text({ enum: customerTypes }),
    legalName: text(),
    legalNumber: text(),
    timezone: text(),
    // Fixed once the customer has a payment, a subscription or a wallet entry (Lago's lock).
    currency: text(),
    documentLocale: text({ enum: documentLocales }),
    shippingAddress: text({ mode: "json" }).$type<PostalAddress | null>(),
    // A calendar date (YYYY-MM-DD), not an instant.
    dateOfBirth: text(),
    // Sort and filter keys derived by SQLite itself, so every writer (the models, bulk imports)
    // keeps them right; virtual columns cost no storage, only their indexes do.
    sortName: text().generatedAlwaysAs(sql`lower(coalesce(name, ''))`, { mode: "virtual" }),
    sortEmail: text().generatedAlwaysAs(sql`coalesce(email_normalized, '')`, { mode: "virtual" }),
    billingCountry: text().generatedAlwaysAs(sql`json_extract(billing_address, '$.country')`, { mode: "virtual" }),
    createdAt: createdAt(),
    updatedAt: timestamp().notNull(),
    // Soft delete: payments keep pointing at the row; email and external_id become reusable.
    deletedAt: timestamp(),
    // 1 when a customer of the same merchant inserted before this one (a smaller seq) has a later
    // created_at: an import dated in the past, a clock that stepped back. Set by SQLite's triggers
    // (migration 0011) for every writer and never cleared, so that for any two customers of a
    // merchant whose seq and created_at orders disagree, the later-inserted one is marked: a
    // search's page is proven from a few rowids instead of an index range (ADR 028).
    outOfOrder: integer().notNull().default(0),
  },
  (t) => [
    uniqueIndex("customers_merchant_email_live_uq")
      .on(t.merchantId, t.emailNormalized)
      .where(sql`deleted_at is null`),
    uniqueIndex("customers_merchant_external_id_live_uq")
      .on(t.merchantId, t.externalId)
      .where(sql`deleted_at is null and external_id is not null`),
    index("customers_merchant_created_idx").on(t.merchantId, t.createdAt, t.seq),
    // The marked customers only (none where everyone was created in insertion order).
    index("customers_out_of_order_idx").on(t.merchantId, t.seq).where(sql`${t.outOfOrder} = 1`),
    // Deleted customers only (a few): the overview counts new customers from the covering index
    // above and takes these away, instead of reading every new customer's row for deleted_at.
    index("customers_deleted_idx").on(t.merchantId, t.createdAt).where(sql`${t.deletedAt} is not null`),
    // One index per sort key: (key, created_at, seq) read forwards or backwards serves both directions.
    index("customers_merchant_name_sort_idx").on(t.merchantId, t.sortName, t.createdAt, t.seq).where(sql`deleted_at is null`),
    index("customers_merchant_email_sort_idx").on(t.merchantId, t.sortEmail, t.createdAt, t.seq).where(sql`deleted_at is null`),
    index("customers_merchant_country_idx").on(t.merchantId, t.billingCountry, t.createdAt, t.seq).where(sql`deleted_at is null`),
  ],
);

/** A required reference to a customer. */
export const customerRef = () =>
  text()
    .notNull()
    .references(() => customers.id);

export type Customer = typeof customers.$inferSelect;
