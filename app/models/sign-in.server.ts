import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { portalSessions, signInCodes, type Merchant, type PortalSession } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db, writeTransaction } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { audit } from "./audit.server";
import { getCustomer, getCustomerByEmail } from "./customers.server";
import { getLiveLink, hashSignInCode, LINK_LIFETIME_S, prepareLink, storeLink, type LiveLink } from "./portal-sessions.server";

// Self sign-in on the merchant's page: an emailed link with a 6-character code, either of which
// opens the portal.

export const CODE_MAX_ATTEMPTS = 5;

export const normalizeCode = (input: string) => input.toUpperCase().replace(/[\s-]/g, "");

/**
 * Checks a typed code against the live codes mailed to that address (the customer's: codes sent
 * to an earlier address died with the change). A right one returns its link (spent when the
 * browser session is made). A wrong one costs each self sign-in code one of its 5 tries; invite
 * codes (mailed by the merchant, alive up to 7 days) are not charged, so a stranger who knows the
 * address cannot kill them; guesses at an address are bounded by the per-address limit instead.
 */
export function redeemSignInCode({ merchantId, email, code }: { merchantId: string; email: string; code: string }): PortalSession | null {
  return writeTransaction(() => {
    const customer = getCustomerByEmail({ merchantId, email });
    if (!customer) return null;
    const at = now();
    const live = db
      .select({ code: signInCodes, portalSession: portalSessions })
      .from(signInCodes)
      .innerJoin(portalSessions, eq(portalSessions.id, signInCodes.portalSessionId))
      .where(
        and(
          eq(signInCodes.customerId, customer.id),
          eq(portalSessions.merchantId, merchantId),
          isNull(signInCodes.consumedAt),
          gt(signInCodes.expiresAt, at),
          lt(signInCodes.attempts, CODE_MAX_ATTEMPTS),
          isNull(portalSessions.spentAt),
          isNull(portalSessions.revokedAt),
        ),
      )
      .all();
    const normalized = normalizeCode(code);
    const match = /^[A-Z0-9]{6}$/.test(normalized)
      ? live.find((l) => l.code.codeHash === hashSignInCode(l.portalSession.id, normalized))
      : undefined;
    if (match) return match.portalSession;
    for (const l of live.filter((x) => x.portalSession.purpose === "sign_in")) {
      db.update(signInCodes).set({ attempts: sql`${signInCodes.attempts} + 1` }).where(eq(signInCodes.seq, l.code.seq)).run();
    }
    return null;
  });
}

/**
 * Self sign-in: emails a 15-minute link with its code when the address belongs to a live
 * customer. Unknown addresses go through the same signing and rendering and commit a write
 * transaction too (an audit entry), so both answers take about as long: a commit waits for the
 * disk (synchronous=FULL), and a path without one would answer measurably faster.
 */
export async function sendSignInLink(opts: { merchant: Merchant; email?: string; customerId?: string; locale: string | null }) {
  const { merchant } = opts;
  const found = opts.customerId
    ? getCustomer({ merchantId: merchant.id, id: opts.customerId })
    : getCustomerByEmail({ merchantId: merchant.id, email: opts.email ?? "" });
  // A customer known only by external_id has nowhere to be emailed: answered like an unknown one.
  const customer = found?.email ? found : null;
  const decoy = { id: newId("customer"), email: opts.email ?? "", name: null, locale: null, documentLocale: null };
  const prepared = await prepareLink({
    merchant,
    customer: customer ?? decoy,
    kind: "email",
    purpose: "sign_in",
    lifetimeS: LINK_LIFETIME_S.signIn,
    returnUrl: merchant.portalSettings.branding.default_return_url ?? null,
    locale: opts.locale,
    flow: null,
  });
  if (!customer) {
    // The typed address is not stored: it may be anyone's.
    writeTransaction(() => audit({ merchantId: merchant.id, actor: { type: "system" }, action: "portal_session.sign_in_unknown_address" }));
    return false;
  }
  writeTransaction(() => {
    storeLink(prepared);
    audit({ merchantId: merchant.id, actor: { type: "customer", id: customer.id, portalSessionId: prepared.row.id }, action: "portal_session.sign_in_requested", objectType: "portal_session", objectId: prepared.row.id });
  });
  return true;
}


/** A typed code → the live link it belongs to (exchanged by the caller), or null. */
export function redeemCodeForLink(opts: { merchantId: string; email: string; code: string }): LiveLink | null {
  const ps = redeemSignInCode(opts);
  return ps ? getLiveLink({ jti: ps.id, mid: ps.merchantId, sub: ps.customerId }) : null;
}
