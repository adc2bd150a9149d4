import { sql } from "drizzle-orm";
import { db } from "~/utils/db.server";
import { runTimeValue } from "~/utils/prepared.server";

/**
 * One customer's timeline, newest first: portal links sent, portal sign-ins, the customer's own
 * portal actions, staff and API changes (the audit log, about the customer or any of their
 * objects) and the webhook events about them. Each source reads its own index, capped at
 * `limit`, and the merge keeps the newest `limit`.
 */
export type ActivityEntry =
  | { kind: "audit"; at: Date; action: string; actorType: string; actorId: string | null; objectType: string | null; objectId: string | null }
  | { kind: "link"; at: Date; linkKind: string; purpose: string; objectId: string }
  | { kind: "sign_in"; at: Date; objectId: string }
  | { kind: "webhook"; at: Date; action: string; objectId: string };

type Row = { kind: string; at: number; action: string | null; actor_type: string | null; actor_id: string | null; object_type: string | null; object_id: string | null };

/**
 * The customer an event is about: the object's customer_id, or, for a customer object, its own id
 * (no other object's id can equal a customer's: each kind has its own prefix). Word for word the
 * expression of `webhook_events_customer_idx` (migration 0010), which SQLite needs to use it.
 */
const eventCustomer = sql.raw(`coalesce(json_extract(payload, '$.data.object.customer_id'), json_extract(payload, '$.data.object.id'))`);

// Each source is read from an index of its own (migration 0010 and earlier): the merchant's
// audit rows by the customer's objects or by the customer as actor (`+merchant_id` keeps the
// planner off the merchant's whole log), its events by the customer they are about. Reading
// the merchant's log or events newest first until 50 matched cost 647 ms a customer page with
// 500,000 of each for the merchant (every API mint writes one of each).
export function customerActivity({ merchantId, customerId, limit = 50 }: { merchantId: string; customerId: string; limit?: number }): ActivityEntry[] {
  // Every id of this customer's objects that the audit log can name.
  const objects = sql`
    select ${customerId} union all
    select id from subscriptions where customer_id = ${customerId} union all
    select id from payments where customer_id = ${customerId} union all
    select r.id from refunds r join payments p on p.id = r.payment_id where p.customer_id = ${customerId} union all
    select id from license_keys where customer_id = ${customerId} union all
    select i.id from license_key_instances i join license_keys k on k.id = i.license_key_id where k.customer_id = ${customerId} union all
    select id from wallet_ledger_entries where customer_id = ${customerId} union all
    select id from portal_sessions where customer_id = ${customerId}`;
  const rows = db.all<Row>(sql`
    select * from (
      select 'audit' as kind, created_at as at, action, actor_type, actor_id, object_type, object_id from audit_log
       where +merchant_id = ${merchantId} and object_id in (${objects})
      union
      select 'audit', created_at, action, actor_type, actor_id, object_type, object_id from audit_log
       where +merchant_id = ${merchantId} and actor_type = 'customer' and actor_id = ${customerId}
      order by 2 desc limit ${runTimeValue(limit)})
    union all
    select * from (
      select 'link', created_at, kind || ':' || purpose, null, null, null, id from portal_sessions
       where customer_id = ${customerId} and merchant_id = ${merchantId} order by created_at desc limit ${runTimeValue(limit)})
    union all
    select * from (
      select 'sign_in', created_at, null, null, null, null, portal_session_id from browser_sessions
       where customer_id = ${customerId} and merchant_id = ${merchantId} order by created_at desc limit ${runTimeValue(limit)})
    union all
    select * from (
      select 'webhook', created_at, type, null, null, null, id from webhook_events
       where merchant_id = ${merchantId} and ${eventCustomer} = ${customerId}
       order by created_at desc limit ${runTimeValue(limit)})
    order by at desc limit ${runTimeValue(limit)}`);
  return rows.map((r): ActivityEntry => {
    const at = new Date(r.at);
    if (r.kind === "link") {
      const [linkKind, purpose] = (r.action ?? ":").split(":");
      return { kind: "link", at, linkKind, purpose, objectId: r.object_id ?? "" };
    }
    if (r.kind === "sign_in") return { kind: "sign_in", at, objectId: r.object_id ?? "" };
    if (r.kind === "webhook") return { kind: "webhook", at, action: r.action ?? "", objectId: r.object_id ?? "" };
    return { kind: "audit", at, action: r.action ?? "", actorType: r.actor_type ?? "system", actorId: r.actor_id, objectType: r.object_type, objectId: r.object_id };
  });
}
