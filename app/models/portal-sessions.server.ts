import { and, eq, isNull } from "drizzle-orm";
import { browserSessions, portalSessions } from "#db/schema/index";
import { db } from "~/utils/db.server";
import { now } from "~/utils/clock.server";

/** Revokes every portal link of a customer and ends every browser session made from them. */
export function endPortalAccessForCustomer({ customerId }: { customerId: string }) {
  const at = now();
  db.update(portalSessions)
    .set({ revokedAt: at })
    .where(and(eq(portalSessions.customerId, customerId), isNull(portalSessions.revokedAt)))
    .run();
  db.update(browserSessions)
    .set({ endedAt: at })
    .where(and(eq(browserSessions.customerId, customerId), isNull(browserSessions.endedAt)))
    .run();
}
