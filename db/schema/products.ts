import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { merchantRef } from "./merchants";

export const productTypes = ["one_time", "subscription"] as const;
export const intervals = ["day", "week", "month", "year"] as const;

export const products = sqliteTable(
  "products",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    name: text().notNull(),
    description: text(),
    type: text({ enum: productTypes }).notNull(),
    // Integer minor units of `currency` (upper-case ISO 4217).
    price: integer().notNull(),
    currency: text().notNull(),
    interval: text({ enum: intervals }),
    intervalCount: integer().notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [index("products_merchant_created_idx").on(t.merchantId, t.createdAt, t.seq)],
);

export type Product = typeof products.$inferSelect;
