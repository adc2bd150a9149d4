import { and, asc, desc, eq, gt, isNull, ne } from "drizzle-orm";
import { customers, emailChanges, merchants, portalSessions, type Customer, type Merchant } from "#db/schema/index";
import { renderEmail } from "#emails/render";
import { matchLocale, fallbackLocale, type Locale } from "~/i18n/index";
import { now } from "~/utils/clock.server";
import { db, writeTransaction } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { randomBase62, sha256Hex } from "~/utils/ids.server";
import { RateLimitedError } from "~/utils/rate-limit.server";
import { getCustomerByEmail, getCustomerOfRecord, updateCustomer } from "./customers.server";
import { enqueueMail } from "./mail.server";
import { merchantBranding, signInPageUrl } from "./merchants.server";

export const EMAIL_CHANGE_LIFETIME_MS = 24 * 60 * 60_000;
// Each request mails a stranger's address (the one typed): at most this many per customer an hour.
export const EMAIL_CHANGES_PER_HOUR = 5;
const HOUR_MS = 60 * 60_000;

export const confirmEmailUrl = (token: string) => `${env.PUBLIC_URL}/portal/profile/confirm-email/${token}`;

/**
 * First half of an email change, before the caller's transaction: the token and the rendered
 * confirmation mail (rendering is async; the transaction must not be).
 */
export async function prepareEmailChange(opts: { merchant: Merchant; customer: Customer; newEmail: string; locale: Locale }) {
  const token = randomBase62(43);
  const email = await renderEmail("email-change-confirmation", {
    locale: opts.locale,
    merchant: merchantBranding(opts.merchant),
    newEmail: opts.newEmail,
    confirmUrl: confirmEmailUrl(token),
  });
  return { token, email, ...opts };
}

/**
 * Second half, inside the caller's transaction: voids the customer's older pending links, stores
 * the new one (hashed) and queues the confirmation mail to the NEW address. The sixth request
 * within an hour is refused (`RateLimitedError`, nothing stored, nothing mailed); the count is
 * the table itself, so it holds across restarts.
 */
export function requestEmailChange(prepared: Awaited<ReturnType<typeof prepareEmailChange>> & { portalSessionId: string }) {
  const at = now();
  const recent = db
    .select({ createdAt: emailChanges.createdAt })
    .from(emailChanges)
    .where(and(eq(emailChanges.customerId, prepared.customer.id), gt(emailChanges.createdAt, new Date(at.getTime() - HOUR_MS))))
    .orderBy(asc(emailChanges.createdAt))
    .all();
  if (recent.length >= EMAIL_CHANGES_PER_HOUR) {
    const retryAfterS = Math.max(1, Math.ceil((recent[recent.length - EMAIL_CHANGES_PER_HOUR].createdAt.getTime() + HOUR_MS - at.getTime()) / 1000));
    throw new RateLimitedError("portal.email_change.customer", retryAfterS, "Too many email changes for this customer in the last hour.");
  }
  db.update(emailChanges)
    .set({ supersededAt: at })
    .where(and(eq(emailChanges.customerId, prepared.customer.id), isNull(emailChanges.confirmedAt), isNull(emailChanges.supersededAt)))
    .run();
  db.insert(emailChanges)
    .values({
      id: `emc_${randomBase62(22)}`,
      merchantId: prepared.merchant.id,
      customerId: prepared.customer.id,
      portalSessionId: prepared.portalSessionId,
      newEmail: prepared.newEmail,
      tokenHash: sha256Hex(prepared.token),
      locale: prepared.locale,
      expiresAt: new Date(at.getTime() + EMAIL_CHANGE_LIFETIME_MS),
      createdAt: at,
    })
    .run();
  enqueueMail({ merchantId: prepared.merchant.id, to: prepared.newEmail, email: prepared.email });
}

/**
 * Voids every pending email change requested from a portal session (revoked) or of a customer
 * (deleted): a change asked for by someone whose access was taken away must not apply later.
 * Call inside the transaction of the revocation or deletion.
 */
export function voidPendingEmailChanges(where: { portalSessionId: string } | { customerId: string }) {
  db.update(emailChanges)
    .set({ supersededAt: now() })
    .where(
      and(
        "portalSessionId" in where ? eq(emailChanges.portalSessionId, where.portalSessionId) : eq(emailChanges.customerId, where.customerId),
        isNull(emailChanges.confirmedAt),
        isNull(emailChanges.supersededAt),
      ),
    )
    .run();
}

/**
 * The live request a link names, with its customer and merchant, or null. Live: unconfirmed,
 * not superseded or voided, unexpired, its customer alive and the portal session it was asked
 * from not revoked.
 */
export function getLiveEmailChange(token: string) {
  if (!/^[0-9A-Za-z]{20,100}$/.test(token)) return null;
  const found = db
    .select({ change: emailChanges, customer: customers, merchant: merchants })
    .from(emailChanges)
    .innerJoin(customers, eq(customers.id, emailChanges.customerId))
    .innerJoin(merchants, eq(merchants.id, emailChanges.merchantId))
    .innerJoin(portalSessions, eq(portalSessions.id, emailChanges.portalSessionId))
    .where(
      and(
        eq(emailChanges.tokenHash, sha256Hex(token)),
        isNull(emailChanges.confirmedAt),
        isNull(emailChanges.supersededAt),
        gt(emailChanges.expiresAt, now()),
        isNull(customers.deletedAt),
        isNull(portalSessions.revokedAt),
      ),
    )
    .get();
  return found ?? null;
}

/** The newest unexpired, unconfirmed email change of this customer, or null. */
export function getPendingEmailChange({ merchantId, customerId }: { merchantId: string; customerId: string }) {
  return (
    db
      .select({ newEmail: emailChanges.newEmail, expiresAt: emailChanges.expiresAt })
      .from(emailChanges)
      .where(
        and(
          eq(emailChanges.customerId, customerId),
          eq(emailChanges.merchantId, merchantId),
          isNull(emailChanges.confirmedAt),
          isNull(emailChanges.supersededAt),
          gt(emailChanges.expiresAt, now()),
        ),
      )
      .orderBy(desc(emailChanges.createdAt))
      .get() ?? null
  );
}

export type ConfirmResult =
  | { state: "invalid" }
  | { state: "in_use"; merchant: Merchant; email: string; locale: Locale }
  | { state: "done"; merchant: Merchant; email: string; locale: Locale; customerId: string };

const inUse = (merchantId: string, customerId: string, email: string) => {
  const other = getCustomerByEmail({ merchantId, email });
  return Boolean(other && other.id !== customerId);
};

/**
 * Applies a confirmed change: once (the row is claimed inside the transaction), only while the
 * new address is still free among the merchant's customers, with `customer.updated` and the
 * notice to the OLD address in the same transaction.
 */
export async function confirmEmailChange({ token }: { token: string }): Promise<ConfirmResult> {
  const found = getLiveEmailChange(token);
  if (!found) return { state: "invalid" };
  const { change, customer, merchant } = found;
  const locale = matchLocale(change.locale) ?? fallbackLocale;
  if (inUse(merchant.id, customer.id, change.newEmail)) return { state: "in_use", merchant, email: change.newEmail, locale };
  // A customer known only by external_id had no old address to tell.
  const oldEmail = customer.email;
  const notice = oldEmail
    ? await renderEmail("email-changed-notice", {
        locale,
        merchant: merchantBranding(merchant),
        customerName: customer.name,
        oldEmail,
        newEmail: change.newEmail,
        supportEmail: merchant.portalSettings.branding.support_email,
        signInUrl: signInPageUrl(merchant),
      })
    : null;
  return writeTransaction((): ConfirmResult => {
    const claimed = db
      .update(emailChanges)
      .set({ confirmedAt: now() })
      .where(and(eq(emailChanges.id, change.id), isNull(emailChanges.confirmedAt), isNull(emailChanges.supersededAt)))
      .run();
    if (claimed.changes !== 1) return { state: "invalid" };
    if (inUse(merchant.id, customer.id, change.newEmail)) {
      // Kept claimed: the address went to someone else meanwhile, so this link is done too.
      return { state: "in_use", merchant, email: change.newEmail, locale };
    }
    const current = getCustomerOfRecord({ merchantId: merchant.id, id: customer.id })!;
    updateCustomer({
      merchantId: merchant.id,
      id: customer.id,
      patch: { email: change.newEmail },
      actor: { type: "customer", id: customer.id, portalSessionId: change.portalSessionId },
    });
    db.update(emailChanges)
      .set({ supersededAt: now() })
      .where(and(eq(emailChanges.customerId, customer.id), ne(emailChanges.id, change.id), isNull(emailChanges.confirmedAt), isNull(emailChanges.supersededAt)))
      .run();
    if (notice && current.email) enqueueMail({ merchantId: merchant.id, to: current.email, email: notice });
    return { state: "done", merchant, email: change.newEmail, locale, customerId: customer.id };
  });
}
