import { and, eq, inArray } from "drizzle-orm";
import { apiKeys, customers, staffUsers } from "#db/schema/index";
import { listAuditActions, listAuditEntries, type AuditCursor } from "~/models/audit.server";
import { listTeam } from "~/models/team.server";
import { db } from "~/utils/db.server";
import { DateBoundSchema } from "~/utils/fields";
import { when } from "./format.server";

export const AUDIT_PAGE_SIZE = 50;

export type AuditQuery = { actor: string; action: string; from: string; to: string; after: string };

function parseCursor(value: string): AuditCursor | null {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(value);
  return m ? { createdAt: Number(m[1]), seq: Number(m[2]) } : null;
}

/** The audit page: filters from the URL (so a view can be shared), names for every actor. */
export function auditPage(opts: { merchantId: string; locale: string; query: AuditQuery }) {
  const { query } = opts;
  const from = query.from ? DateBoundSchema("lower").safeParse(query.from) : null;
  const to = query.to ? DateBoundSchema("upper").safeParse(query.to) : null;
  const invalid = { from: from?.success === false, to: to?.success === false };
  const page = listAuditEntries({
    merchantId: opts.merchantId,
    actor: query.actor || undefined,
    action: query.action || undefined,
    from: from?.success ? from.data : undefined,
    to: to?.success ? to.data : undefined,
    limit: AUDIT_PAGE_SIZE,
    after: parseCursor(query.after),
  });

  const idsOf = (type: string) => [...new Set(page.rows.filter((r) => r.actorType === type && r.actorId).map((r) => r.actorId!))];
  const staffIds = idsOf("staff");
  const keyIds = idsOf("api_key");
  const customerIds = idsOf("customer");
  const staffNames = new Map(
    staffIds.length ? db.select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email }).from(staffUsers).where(inArray(staffUsers.id, staffIds)).all().map((s) => [s.id, s.name ? `${s.name} (${s.email})` : s.email]) : [],
  );
  const keyNames = new Map(
    keyIds.length
      ? db.select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.displayPrefix }).from(apiKeys).where(and(inArray(apiKeys.id, keyIds), eq(apiKeys.merchantId, opts.merchantId))).all().map((k) => [k.id, k.name ? `${k.name} (${k.prefix}…)` : `${k.prefix}…`])
      : [],
  );
  const customerNames = new Map(
    customerIds.length
      ? db.select({ id: customers.id, name: customers.name, email: customers.email }).from(customers).where(and(inArray(customers.id, customerIds), eq(customers.merchantId, opts.merchantId))).all().map((c) => [c.id, c.name ? `${c.name} (${c.email})` : c.email])
      : [],
  );
  const actorLabel = (type: string, id: string | null) =>
    (id && (type === "staff" ? staffNames.get(id) : type === "api_key" ? keyNames.get(id) : type === "customer" ? customerNames.get(id) : undefined)) ?? id ?? null;

  return {
    invalid,
    entries: page.rows.map((r) => ({
      id: r.id,
      at: when(r.createdAt, opts.locale),
      actorType: r.actorType,
      actorId: r.actorId,
      actorLabel: actorLabel(r.actorType, r.actorId),
      action: r.action,
      objectType: r.objectType,
      objectId: r.objectId,
      before: r.before,
      after: r.after,
      ip: r.ip,
    })),
    next: page.next ? `${page.next.createdAt}.${page.next.seq}` : null,
    actions: listAuditActions(opts.merchantId),
    // The actor filter offers the team by name, then each kind of non-staff actor.
    staff: listTeam(opts.merchantId).map((m) => ({ id: m.staffUserId, label: m.name ? `${m.name} (${m.email})` : m.email })),
  };
}
