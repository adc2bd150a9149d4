import { sql } from "drizzle-orm";
import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq } from "./columns";

export const auditActorTypes = ["api_key", "customer", "staff", "operator", "system"] as const;

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
    // The object's relevant fields before and after a change, where a change has them.
    before: text({ mode: "json" }).$type<Record<string, unknown> | null>(),
    after: text({ mode: "json" }).$type<Record<string, unknown> | null>(),
    // The client address of a staff action (the API's and portal's rows leave it null).
    ip: text(),
    createdAt: createdAt(),
  },
  (t) => [
    // The dashboard's audit page: newest first per merchant, keyset on (created_at, seq).
    index("audit_log_merchant_idx").on(t.merchantId, t.createdAt, t.seq),
    index("audit_log_object_idx").on(t.objectId),
    // A customer's own portal actions, newest first: the customer page's timeline.
    index("audit_log_customer_actor_idx").on(t.actorId, t.createdAt).where(sql`${t.actorType} = 'customer'`),
  ],
);
