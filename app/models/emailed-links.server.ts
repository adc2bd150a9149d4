import { and, eq, isNull } from "drizzle-orm";
import { portalSessions, signInCodes } from "#db/schema/index";
import { db } from "~/utils/db.server";
import { now } from "~/utils/clock.server";

/**
 * A customer's email changed: every emailed link not yet spent (and its one-time code) was sent
 * to an address that may no longer be theirs, so it is revoked. Links and codes sent afterwards
 * go to the new address and work. Redirect links, given to the merchant's own app, stay valid;
 * browser sessions already open stay open. Call inside the transaction that changes the email.
 */
export function revokeEmailedLinks({ customerId }: { customerId: string }) {
  const at = now();
  const revoked = db
    .update(portalSessions)
    .set({ revokedAt: at })
    .where(and(eq(portalSessions.customerId, customerId), eq(portalSessions.kind, "email"), isNull(portalSessions.spentAt), isNull(portalSessions.revokedAt)))
    .returning({ id: portalSessions.id })
    .all();
  if (revoked.length === 0) return;
  db.update(signInCodes)
    .set({ consumedAt: at })
    .where(and(eq(signInCodes.customerId, customerId), isNull(signInCodes.consumedAt)))
    .run();
}
