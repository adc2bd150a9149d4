import { isInvoiced, isLiveSubscription, type Customer, type Payment, type PaymentItem, type Product, type Subscription } from "#db/schema/index";
import { formatMoney } from "~/billing/currency";
import { subscriptionAmount } from "~/billing/money";
import { getPendingEmailChange } from "~/models/email-changes.server";
import { licenseStatus, listInstances, listLicenseKeys } from "~/models/license-keys.server";
import { listPayments } from "~/models/payments.server";
import { getProductNames } from "~/models/products.server";
import { listSubscriptions } from "~/models/subscriptions.server";
import { listLedgerEntries, listWallets } from "~/models/wallets.server";
import { listEntitlements } from "~/models/entitlements.server";
import { usageMeterView, type UsageMeterView } from "~/billing/usage-meters";
import { keptAnswers } from "~/utils/kept";
import { orPortalError } from "./errors.server";
import { ADDRESS_FIELDS } from "./forms.server";
import type { CustomerSession } from "./guards.server";

// What the portal pages show, ready to render: money and dates already formatted in the
// session's locale on the server, so the browser's ICU never re-formats them differently.

export const PAGE_SIZE = 20;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Formatted texts a formatter keeps (per locale and style): a page's rows mostly share few days. */
const KEPT_TEXTS = 2_000;

/**
 * `format` of a UTC formatter whose output changes only from one `unitMs` to the next (a day for
 * a date, a minute for a short time), each unit's text made once: Intl's `format` was ≈ 1.5 % of
 * a billing page's CPU (issue 13), for twenty rows that mostly repeat a few days.
 */
function keptFormat(format: Intl.DateTimeFormat, unitMs: number) {
  const textOf = keptAnswers(KEPT_TEXTS, (unit: number) => format.format(unit * unitMs));
  return (d: Date | null | undefined) => (d ? textOf(Math.floor(d.getTime() / unitMs)) : null);
}

/**
 * Money and dates shown as the session's locale writes them (stored UTC, shown UTC). One pair of
 * date formatters per locale: building an Intl.DateTimeFormat costs ~50 µs.
 */
export const displayFormat = keptAnswers(100, (locale: string) => ({
  date: keptFormat(new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }), DAY_MS),
  dateTime: keptFormat(new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }), MINUTE_MS),
}));

const scope = (s: CustomerSession) => ({ merchantId: s.merchant.id, customerId: s.customer.id });

function paymentRow(s: CustomerSession, { payment: p, items }: { payment: Payment; items: PaymentItem[] }) {
  const f = displayFormat(s.uiLocale);
  return {
    id: p.id,
    date: f.date(p.createdAt)!,
    firstItem: items[0]?.description ?? null,
    moreItems: Math.max(0, items.length - 1),
    amount: formatMoney(p.amount, p.currency, s.uiLocale),
    refunded: p.amountRefunded > 0 ? formatMoney(p.amountRefunded, p.currency, s.uiLocale) : null,
    method: p.paymentMethod ? { type: p.paymentMethod.type, brand: p.paymentMethod.brand ?? null, last4: p.paymentMethod.last4 ?? null } : null,
    status: p.status,
    invoiceNumber: p.invoiceNumber,
    invoiceUrl: isInvoiced(p.status) && p.invoiceNumber ? `/portal/invoices/${encodeURIComponent(p.id)}` : null,
  };
}

function subscriptionRow(s: CustomerSession, { subscription: sub, product }: { subscription: Subscription; product: Product }) {
  const f = displayFormat(s.uiLocale);
  const live = isLiveSubscription(sub.status);
  const cancel = s.merchant.portalSettings.features.subscription_cancel;
  return {
    id: sub.id,
    plan: sub.quantity > 1 ? `${product.name} × ${sub.quantity}` : product.name,
    status: sub.status,
    price: formatMoney(subscriptionAmount(product.price, sub.quantity), product.currency, s.uiLocale),
    interval: product.interval ?? "month",
    intervalCount: product.intervalCount,
    periodStart: f.date(sub.currentPeriodStart)!,
    periodEnd: f.date(sub.currentPeriodEnd)!,
    nextRenewal: live && !sub.cancelAtPeriodEnd ? f.date(sub.currentPeriodEnd) : null,
    cancelPendingOn: live && sub.cancelAtPeriodEnd ? f.date(sub.currentPeriodEnd) : null,
    cancelledOn: sub.status === "cancelled" ? f.date(sub.cancelledAt) : null,
    canCancel: cancel.enabled && live && !sub.cancelAtPeriodEnd,
    canResume: live && sub.cancelAtPeriodEnd,
  };
}

function walletRows(s: CustomerSession) {
  return listWallets(scope(s)).map((w) => ({ currency: w.currency, balance: formatMoney(w.balance, w.currency, s.uiLocale) }));
}

export function overviewData(s: CustomerSession) {
  const features = s.merchant.portalSettings.features;
  const subs = listSubscriptions({ ...scope(s), limit: 100 }).rows.filter((r) => isLiveSubscription(r.subscription.status));
  return {
    subscriptions: subs.map((r) => subscriptionRow(s, r)),
    wallets: features.wallet.enabled ? walletRows(s) : null,
    payments: features.billing_history.enabled ? listPayments({ ...scope(s), limit: 5 }).rows.map((r) => paymentRow(s, r)) : null,
  };
}

export function billingData(s: CustomerSession, startingAfter: string | undefined) {
  const page = orPortalError(() => listPayments({ ...scope(s), limit: PAGE_SIZE, startingAfter }));
  const rows = page.rows.map((r) => paymentRow(s, r));
  return { payments: rows, nextCursor: page.hasMore ? rows[rows.length - 1].id : null, isFirstPage: !startingAfter };
}

export function subscriptionsData(s: CustomerSession) {
  return { subscriptions: listSubscriptions({ ...scope(s), limit: 100 }).rows.map((r) => subscriptionRow(s, r)) };
}

export function subscriptionForCancel(s: CustomerSession, row: { subscription: Subscription; product: Product }) {
  return subscriptionRow(s, row);
}

/** "ABCDE-…-VWXYZ" → "•••••-…-VWXYZ": enough to tell keys apart, not enough to use one. */
export function maskLicenseKey(key: string) {
  const groups = key.split("-");
  return groups.map((g, i) => (i === groups.length - 1 ? g : "•".repeat(g.length))).join("-");
}

export function licensesData(s: CustomerSession, reveal: string | null) {
  const f = displayFormat(s.uiLocale);
  const keys = listLicenseKeys({ ...scope(s), limit: 100 }).rows;
  const productIds = [...new Set(keys.map((k) => k.licenseKey.productId).filter((id): id is string => Boolean(id)))];
  const productNames = getProductNames({ merchantId: s.merchant.id, ids: productIds });
  return {
    allowDeactivate: s.merchant.portalSettings.features.license_keys.allow_deactivate,
    licenses: keys.map(({ licenseKey: k, activationsCount }) => ({
      id: k.id,
      masked: maskLicenseKey(k.key),
      // The full key leaves the server only when this key was asked for.
      key: reveal === k.id ? k.key : null,
      product: k.productId ? (productNames.get(k.productId) ?? null) : null,
      status: licenseStatus(k),
      expires: f.date(k.expiresAt),
      used: activationsCount,
      limit: k.activationsLimit,
      instances: listInstances({ ...scope(s), licenseKeyId: k.id, limit: 100 }).rows.map((i) => ({
        id: i.id,
        name: i.name,
        activatedAt: f.dateTime(i.createdAt)!,
        lastValidatedAt: f.dateTime(i.lastValidatedAt),
      })),
    })),
  };
}

export function walletData(s: CustomerSession, startingAfter: string | undefined) {
  const f = displayFormat(s.uiLocale);
  const page = orPortalError(() => listLedgerEntries({ ...scope(s), limit: PAGE_SIZE, startingAfter }));
  const entries = page.rows.map((e) => ({
    id: e.id,
    date: f.dateTime(e.createdAt)!,
    type: e.entryType,
    reason: e.reason,
    amount: formatMoney(e.amount, e.currency, s.uiLocale),
    balanceAfter: formatMoney(e.balanceAfter, e.currency, s.uiLocale),
  }));
  return { wallets: walletRows(s), entries, nextCursor: page.hasMore ? entries[entries.length - 1].id : null, isFirstPage: !startingAfter };
}

/** The usage meters of app/components/usage-meters.tsx, in the session's locale. */
export function usageData(s: CustomerSession): { meters: UsageMeterView[] } {
  const f = displayFormat(s.uiLocale);
  return { meters: listEntitlements(scope(s)).map((state) => usageMeterView(state, s.uiLocale, (d) => f.dateTime(d)!)) };
}

/** An address as the profile form's inputs: `line1`, … or, with the `ship_` prefix, `ship_line1`, …. */
function addressValues<P extends "" | "ship_">(prefix: P, address: Customer["billingAddress"]) {
  return Object.fromEntries(ADDRESS_FIELDS.map((n) => [`${prefix}${n}`, address?.[n] ?? ""])) as Record<`${P}${(typeof ADDRESS_FIELDS)[number]}`, string>;
}

export function profileData(s: CustomerSession) {
  const c = s.customer;
  const update = s.merchant.portalSettings.features.customer_update;
  const allowed = new Set(update.enabled ? update.allowed_fields : []);
  return {
    values: {
      name: c.name ?? "",
      email: c.email ?? "",
      phone: c.phoneNumber ?? "",
      ...addressValues("", c.billingAddress),
      tax_id: c.taxId ?? "",
      legal_name: c.legalName ?? "",
      document_locale: c.documentLocale ?? "",
      ...addressValues("ship_", c.shippingAddress),
    },
    editable: {
      name: allowed.has("name"),
      email: allowed.has("email"),
      phone: allowed.has("phone_number"),
      // allowed_fields names no address or tax id: they follow the master switch.
      address: update.enabled,
      taxId: update.enabled,
      legalName: update.enabled,
      documentLocale: update.enabled,
      shipping: update.enabled,
    },
    pendingEmail: getPendingEmailChange({ merchantId: s.merchant.id, customerId: s.customer.id })?.newEmail ?? null,
  };
}
