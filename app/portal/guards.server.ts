import { json } from "@remix-run/node";
import { and, eq, isNull } from "drizzle-orm";
import { customers, merchants, type Customer, type Merchant } from "#db/schema/index";
import { negotiateLocale } from "~/i18n/negotiate.server";
import type { Locale } from "~/i18n/index";
import { db } from "~/utils/db.server";
import { NO_STORE } from "./http.server";
import { merchantIdOfCookie, sessionStorage, type BrowserSessionData } from "./session.server";

export type CustomerSession = BrowserSessionData & {
  customer: Customer;
  merchant: Merchant;
  /** The page language: the session's locale, else Accept-Language, else the merchant's default. */
  uiLocale: Locale;
};

/**
 * The signed-in customer, or null. Every portal loader and action calls this (or the require
 * form) itself: Remix runs loaders in parallel, so a parent's check protects no child.
 */
export function getCustomerSession(request: Request): Promise<CustomerSession | null> {
  // A page load runs the root, layout and page loaders with one Request: each still calls the
  // guard, and the lookup runs once per request. Only for reads: an action may change the session.
  if (request.method !== "GET" && request.method !== "HEAD") return lookupCustomerSession(request);
  let pending = sessionOfRequest.get(request);
  if (!pending) {
    pending = lookupCustomerSession(request);
    sessionOfRequest.set(request, pending);
  }
  return pending;
}

const sessionOfRequest = new WeakMap<Request, Promise<CustomerSession | null>>();

async function lookupCustomerSession(request: Request): Promise<CustomerSession | null> {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  const data = session.data as Partial<BrowserSessionData>;
  if (!data.portalSessionId || !data.customerId || !data.merchantId) return null;
  const row = db
    .select({ customer: customers, merchant: merchants })
    .from(customers)
    .innerJoin(merchants, eq(merchants.id, customers.merchantId))
    .where(and(eq(customers.id, data.customerId), eq(customers.merchantId, data.merchantId), isNull(customers.deletedAt)))
    .get();
  if (!row) return null;
  return {
    portalSessionId: data.portalSessionId,
    customerId: data.customerId,
    merchantId: data.merchantId,
    locale: data.locale ?? null,
    returnUrl: data.returnUrl ?? null,
    customer: row.customer,
    merchant: row.merchant,
    uiLocale: negotiateLocale({
      sessionLocale: data.locale,
      request,
      merchantDefault: row.merchant.portalSettings.branding.default_locale,
    }),
  };
}

export type SignedOutData = {
  signedOut: true;
  locale: Locale;
  merchantName: string | null;
  signInPath: string | null;
};

/** The signed-in customer, or a thrown 401 that the portal's error boundary shows as "signed out". */
export async function requireCustomerSession(request: Request): Promise<CustomerSession> {
  const current = await getCustomerSession(request);
  if (current) return current;
  const merchantId = await merchantIdOfCookie(request.headers.get("Cookie"));
  const merchant = merchantId ? db.select().from(merchants).where(eq(merchants.id, merchantId)).get() : undefined;
  const body: SignedOutData = {
    signedOut: true,
    locale: negotiateLocale({ request, merchantDefault: merchant?.portalSettings.branding.default_locale }),
    merchantName: merchant ? (merchant.portalSettings.branding.display_name ?? merchant.name) : null,
    signInPath: merchant ? `/p/${merchant.slug}` : null,
  };
  throw json(body, { status: 401, headers: NO_STORE });
}

/** Ends the browser session now; back to the merchant's sign-in page. */
export async function signOut(request: Request): Promise<{ cookie: string; location: string }> {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  const merchantId = (session.data as Partial<BrowserSessionData>).merchantId;
  const merchant = merchantId ? db.select({ slug: merchants.slug }).from(merchants).where(eq(merchants.id, merchantId)).get() : undefined;
  return {
    cookie: await sessionStorage.destroySession(session),
    location: merchant ? `/p/${merchant.slug}?signed_out=1` : "/",
  };
}
