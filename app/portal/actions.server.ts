import { renderEmail } from "#emails/render";
import type { Actor } from "~/models/audit.server";
import { documentLocaleOf, getCustomer, updateCustomer, type CustomerPatch } from "~/models/customers.server";
import { prepareEmailChange, requestEmailChange } from "~/models/email-changes.server";
import { deactivateInstance } from "~/models/license-keys.server";
import { enqueueMail } from "~/models/mail.server";
import { merchantBranding, signInPageUrl } from "~/models/merchants.server";
import { requireSubscription, resumeSubscription, scheduleCancellation } from "~/models/subscriptions.server";
import { writeTransaction } from "~/utils/db.server";
import { orPortalError } from "./errors.server";
import type { CancelReason } from "./forms.server";
import { requireAllowed, type CustomerSession } from "./guards.server";
import type { Notice } from "./notices.server";

// What a signed-in customer can do, each in one transaction with the domain's rules; the notice
// names what happened. Another customer's object is the portal's 404.

export const customerActor = (s: CustomerSession): Actor => ({ type: "customer", id: s.customer.id, portalSessionId: s.portalSessionId });

/**
 * Cancels (or schedules the cancellation of) one of the signed-in customer's subscriptions and
 * queues the confirmation mail in the same transaction. A double submit finds the change made and
 * changes, emits and mails nothing more.
 */
export async function cancelFromPortal(s: CustomerSession, opts: { subscriptionId: string; atPeriodEnd: boolean; reason: CancelReason | null; feedback: string | null }): Promise<Notice> {
  const scope = { merchantId: s.merchant.id, customerId: s.customer.id };
  const { subscription, product } = orPortalError(() => requireSubscription({ ...scope, id: opts.subscriptionId }));
  const mail = await renderEmail("cancellation-confirmation", {
    locale: documentLocaleOf(s.customer, s.uiLocale),
    merchant: merchantBranding(s.merchant),
    customerName: s.customer.name,
    planName: product.name,
    endsAt: opts.atPeriodEnd ? subscription.currentPeriodEnd.toISOString() : null,
    signInUrl: signInPageUrl(s.merchant),
  });
  return writeTransaction((): Notice => {
    const { subscription: current } = requireSubscription({ ...scope, id: subscription.id });
    if (current.status === "cancelled") return "unchanged";
    if (opts.atPeriodEnd && current.cancelAtPeriodEnd) return "unchanged";
    scheduleCancellation({ ...scope, id: subscription.id, atPeriodEnd: opts.atPeriodEnd, reason: opts.reason, feedback: opts.feedback, actor: customerActor(s) });
    if (s.customer.email) enqueueMail({ merchantId: s.merchant.id, to: s.customer.email, email: mail });
    return opts.atPeriodEnd ? "cancellation_scheduled" : "cancelled";
  });
}

/** "Don't cancel": clears a pending cancellation of the customer's own subscription. */
export function resumeFromPortal(s: CustomerSession, { subscriptionId }: { subscriptionId: string }): Notice {
  const scope = { merchantId: s.merchant.id, customerId: s.customer.id };
  return writeTransaction((): Notice => {
    const { subscription } = orPortalError(() => requireSubscription({ ...scope, id: subscriptionId }));
    if (subscription.status === "cancelled" || !subscription.cancelAtPeriodEnd) return "unchanged";
    resumeSubscription({ ...scope, id: subscription.id, actor: customerActor(s) });
    return "resumed";
  });
}

export function deactivateFromPortal(s: CustomerSession, { instanceId }: { instanceId: string }): Notice {
  requireAllowed(s.merchant.portalSettings.features.license_keys.allow_deactivate);
  return writeTransaction(() => {
    orPortalError(() => deactivateInstance({ merchantId: s.merchant.id, customerId: s.customer.id, instanceId, actor: customerActor(s) }));
    return "deactivated" as const;
  });
}

/**
 * Saves a valid profile form: the plain fields at once (one `customer.updated`), the email only
 * through a confirmation link to the new address.
 */
export async function saveProfile(s: CustomerSession, input: { patch: CustomerPatch; newEmail: string | null }): Promise<Notice> {
  const prepared = input.newEmail
    ? await prepareEmailChange({ merchant: s.merchant, customer: s.customer, newEmail: input.newEmail, locale: documentLocaleOf(s.customer, s.uiLocale) })
    : null;
  return writeTransaction((): Notice => {
    if (!getCustomer({ merchantId: s.merchant.id, id: s.customer.id })) throw new Error("customer vanished");
    if (Object.keys(input.patch).length > 0) {
      updateCustomer({ merchantId: s.merchant.id, id: s.customer.id, patch: input.patch, actor: customerActor(s) });
    }
    if (prepared) requestEmailChange({ ...prepared, portalSessionId: s.portalSessionId });
    if (prepared) return "email_change_sent";
    return Object.keys(input.patch).length > 0 ? "profile_saved" : "unchanged";
  });
}
