import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, seq } from "./columns";
import { merchantRef } from "./merchants";

// A stored response is written in the same transaction as the effect it describes, so a
// request cut off by a crash leaves no record and a retry simply executes again.
export const idempotencyRecords = sqliteTable(
  "idempotency_records",
  {
    seq: seq(),
    merchantId: merchantRef(),
    key: text().notNull(),
    // SHA-256 of method, path and body: the same key with another request → 409.
    requestHash: text().notNull(),
    responseStatus: integer().notNull(),
    responseBody: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("idempotency_merchant_key_uq").on(t.merchantId, t.key),
    index("idempotency_created_idx").on(t.createdAt),
  ],
);
