import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { merchantRef } from "./merchants";
import { staffUserRef } from "./staff-users";

/** The customers table's optional columns (DASHBOARD.md "Customers"). */
export const customerOptionalColumns = ["external_id", "country", "active_subscriptions", "wallet_balances", "lifetime_revenue"] as const;
export type CustomerOptionalColumn = (typeof customerOptionalColumns)[number];

// A named customers-table query (the URL's query string), for its maker or shared with the team.
export const savedViews = sqliteTable(
  "saved_views",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    staffUserId: staffUserRef(),
    name: text().notNull(),
    query: text().notNull(),
    shared: integer({ mode: "boolean" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("saved_views_merchant_idx").on(t.merchantId, t.createdAt)],
);

// The optional columns a staff member chose for a merchant's customers table.
export const customerTableColumns = sqliteTable(
  "customer_table_columns",
  {
    staffUserId: staffUserRef(),
    merchantId: merchantRef(),
    columns: text({ mode: "json" }).$type<CustomerOptionalColumn[]>().notNull(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [primaryKey({ columns: [t.staffUserId, t.merchantId] })],
);

export type SavedView = typeof savedViews.$inferSelect;
