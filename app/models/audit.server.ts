import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { auditLog, staffMemberships } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";

export type Actor =
  | { type: "api_key"; id: string }
  | { type: "customer"; id: string; portalSessionId: string }
  // A dashboard user; `ip` is the client address the audit log records for staff actions.
  | { type: "staff"; id: string; ip?: string | null }
  | { type: "operator"; id?: string }
  | { type: "system"; id?: string };

export type AuditEntryInput = {
  merchantId: string | null;
  actor: Actor;
  action: string;
  objectType?: string;
  objectId?: string;
  data?: Record<string, unknown>;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

const placeholder = (name: string) => sql.placeholder(name);
// A JSON column's placeholder would encode null as the text "null": these take their JSON text
// (or null) as it is.
const jsonText = (name: string) => sql`${sql.placeholder(name)}`;
const json = (value: Record<string, unknown> | null | undefined) => (value == null ? null : JSON.stringify(value));
// Every write appends here: built and prepared once, not per call.
const insertEntry = db
  .insert(auditLog)
  .values({
    id: placeholder("id"),
    merchantId: placeholder("merchantId"),
    actorType: placeholder("actorType"),
    actorId: placeholder("actorId"),
    action: placeholder("action"),
    objectType: placeholder("objectType"),
    objectId: placeholder("objectId"),
    data: jsonText("data"),
    before: jsonText("before"),
    after: jsonText("after"),
    ip: placeholder("ip"),
    createdAt: placeholder("createdAt"),
  })
  .prepare();

/** Appends to the audit log; call it inside the transaction of the change it records. */
export function audit(entry: AuditEntryInput) {
  insertEntry.run({
    id: newId("audit"),
    merchantId: entry.merchantId,
    actorType: entry.actor.type,
    actorId: entry.actor.id ?? null,
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId ?? null,
    data: json(entry.data),
    before: json(entry.before),
    after: json(entry.after),
    ip: entry.actor.type === "staff" ? (entry.actor.ip ?? null) : null,
    createdAt: now(),
  });
}

/**
 * An event about a staff user's own account (sign-in, password, two-factor) belongs to every
 * merchant the person works for: one row in each merchant's log.
 */
export function auditStaffAccount(entry: Omit<AuditEntryInput, "merchantId"> & { staffUserId: string }) {
  const { staffUserId, ...rest } = entry;
  const merchants = db.select({ merchantId: staffMemberships.merchantId }).from(staffMemberships).where(eq(staffMemberships.staffUserId, staffUserId)).all();
  for (const { merchantId } of merchants) audit({ ...rest, merchantId, objectType: rest.objectType ?? "staff_user", objectId: rest.objectId ?? staffUserId });
}

export type AuditFilter = {
  merchantId: string;
  /** A staff user's id, or an actor type (`api_key`, `customer`, `system`, `operator`). */
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
};

export type AuditCursor = { createdAt: number; seq: number };

/** Newest first, keyset-paginated on (created_at, seq): a page costs the same at any depth. */
export function listAuditEntries(opts: AuditFilter & { limit: number; after?: AuditCursor | null }) {
  const conditions: (SQL | undefined)[] = [eq(auditLog.merchantId, opts.merchantId)];
  if (opts.actor) {
    conditions.push(
      /^[a-z]+_[0-9A-Za-z]+$/.test(opts.actor) && !["api_key", "customer", "system", "operator", "staff"].includes(opts.actor)
        ? eq(auditLog.actorId, opts.actor)
        : eq(auditLog.actorType, opts.actor as (typeof auditLog.actorType.enumValues)[number]),
    );
  }
  if (opts.action) conditions.push(eq(auditLog.action, opts.action));
  if (opts.from) conditions.push(gte(auditLog.createdAt, opts.from));
  if (opts.to) conditions.push(lte(auditLog.createdAt, opts.to));
  if (opts.after) {
    const at = new Date(opts.after.createdAt);
    conditions.push(or(lt(auditLog.createdAt, at), and(eq(auditLog.createdAt, at), lt(auditLog.seq, opts.after.seq))));
  }
  const rows = db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.seq))
    .limit(opts.limit + 1)
    .all();
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    rows: page,
    next: rows.length > opts.limit && last ? ({ createdAt: last.createdAt.getTime(), seq: last.seq } satisfies AuditCursor) : null,
  };
}

/** The actions a merchant's log holds, for the filter's choices. */
export function listAuditActions(merchantId: string): string[] {
  return db
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .where(eq(auditLog.merchantId, merchantId))
    .orderBy(sql`1`)
    .all()
    .map((r) => r.action);
}
