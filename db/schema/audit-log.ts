import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq } from "./columns";

export const auditActorTypes = ["api_key", "customer", "operator", "system"] as const;

export const auditLog = sqliteTable(
  "audit_log",
  {
    seq: seq(),
    id: publicId(),
    merchantId: text(),
    actorType: text({ enum: auditActorTypes }).notNull(),
    actorId: text(),
    action: text().notNull(),
    objectType: text(),
    objectId: text(),
    data: text({ mode: "json" }).$type<Record<string, unknown> | null>(),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_log_merchant_idx").on(t.merchantId, t.createdAt),
    index("audit_log_object_idx").on(t.objectId),
  ],
);
