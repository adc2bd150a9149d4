import { integer, text } from "drizzle-orm/sqlite-core";

// Every table orders by (created_at, seq): seq is an explicit INTEGER PRIMARY KEY so VACUUM can
// never renumber it, which keeps cursor pagination stable for objects made in the same millisecond.
export const seq = () => integer().primaryKey({ autoIncrement: true });
export const publicId = () => text().notNull().unique();
export const timestamp = () => integer({ mode: "timestamp_ms" });
export const createdAt = () => timestamp().notNull();

/**
 * The lease of an outbox row (app/utils/outbox.server.ts): a claimed row belongs to one sender
 * until `lockedUntil`, and `leaseOwner` names that sender's run, so a process that starts can
 * release the leases its previous run left behind.
 */
export const leaseColumns = () => ({ lockedUntil: timestamp(), leaseOwner: text() });
