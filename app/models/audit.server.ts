import { auditLog } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";

export type Actor =
  | { type: "api_key"; id: string }
  | { type: "customer"; id: string; portalSessionId: string }
  | { type: "operator"; id?: string }
  | { type: "system"; id?: string };

/** Appends to the audit log; call it inside the transaction of the change it records. */
export function audit(entry: {
  merchantId: string | null;
  actor: Actor;
  action: string;
  objectType?: string;
  objectId?: string;
  data?: Record<string, unknown>;
}) {
  db.insert(auditLog)
    .values({
      id: newId("audit"),
      merchantId: entry.merchantId,
      actorType: entry.actor.type,
      actorId: entry.actor.id ?? null,
      action: entry.action,
      objectType: entry.objectType ?? null,
      objectId: entry.objectId ?? null,
      data: entry.data ?? null,
      createdAt: now(),
    })
    .run();
}
