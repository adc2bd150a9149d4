import { json, type AppLoadContext } from "@remix-run/node";
import type { Customer, Merchant, PortalSettings } from "#db/schema/index";
import type { Locale } from "~/i18n/index";
import { negotiateLocale } from "~/i18n/negotiate.server";
import { getCustomerWithMerchant } from "~/models/customers.server";
import { getMerchantById, merchantDisplayName, signInPath } from "~/models/merchants.server";
import { isStaffSessionLive } from "~/models/staff-sessions.server";
import { rateLimiter } from "~/utils/rate-limit.server";
import { assertSameOrigin } from "~/utils/csrf.server";
import { forbiddenResponse, notFoundResponse, orPortalError } from "./errors.server";
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
 *
 * A page load runs the root, layout and page loaders, each with a Request of its own (Remix copies
 * it per loader) but one load context (app/server.ts makes one per HTTP request): the lookup is
 * kept per load context, so it runs once per page. Only for reads, as an action may change the
 * session; the loaders that follow an action in the same request run after it and look up afresh.
 */
export function getCustomerSession(request: Request, context: AppLoadContext | null): Promise<CustomerSession | null> {
  if (!context || (request.method !== "GET" && request.method !== "HEAD")) return lookupCustomerSession(request);
  let pending = sessionOfContext.get(context);
  if (!pending) {
    pending = lookupCustomerSession(request);
    sessionOfContext.set(context, pending);
  }
  return pending;
}

const sessionOfContext = new WeakMap<AppLoadContext, Promise<CustomerSession | null>>();

async function lookupCustomerSession(request: Request): Promise<CustomerSession | null> {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  const data = session.data as Partial<BrowserSessionData>;
  if (!data.portalSessionId || !data.customerId || !data.merchantId) return null;
  // A staff view lasts only as long as the staff session that opened it.
  if (data.viewAs && !isStaffSessionLive(data.viewAs.staffSessionSeq)) return null;
  const row = getCustomerWithMerchant({ customerId: data.customerId, merchantId: data.merchantId });
  if (!row) return null;
  return {
    portalSessionId: data.portalSessionId,
    customerId: data.customerId,
    merchantId: data.merchantId,
    locale: data.locale ?? null,
    returnUrl: data.returnUrl ?? null,
    viewAs: data.viewAs ?? null,
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
export async function requireCustomerSession(request: Request, context: AppLoadContext | null): Promise<CustomerSession> {
  const current = await getCustomerSession(request, context);
  if (current) return current;
  const merchantId = await merchantIdOfCookie(request.headers.get("Cookie"));
  const merchant = merchantId ? getMerchantById(merchantId) : null;
  const body: SignedOutData = {
    signedOut: true,
    locale: negotiateLocale({ request, merchantDefault: merchant?.portalSettings.branding.default_locale }),
    merchantName: merchant ? merchantDisplayName(merchant) : null,
    signInPath: merchant ? signInPath(merchant) : null,
  };
  throw json(body, { status: 401, headers: NO_STORE });
}

/** Ends the browser session now; back to the merchant's sign-in page. */
export async function signOut(request: Request): Promise<{ cookie: string; location: string }> {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  const merchantId = (session.data as Partial<BrowserSessionData>).merchantId;
  const merchant = merchantId ? getMerchantById(merchantId) : null;
  return {
    cookie: await sessionStorage.destroySession(session),
    location: merchant ? `${signInPath(merchant)}?signed_out=1` : "/",
  };
}

export type PortalPage = "overview" | "billing" | "subscriptions" | "licenses" | "wallet" | "usage" | "profile";

/**
 * Which pages a merchant's settings show. Subscriptions and the profile have no switch of their
 * own: they always show (cancelling and editing have their own switches).
 */
export function enabledPages(settings: PortalSettings): PortalPage[] {
  const f = settings.features;
  return (
    [
      ["overview", true],
      ["billing", f.billing_history.enabled],
      ["subscriptions", true],
      ["licenses", f.license_keys.enabled],
      ["wallet", f.wallet.enabled],
      ["usage", f.usage.enabled],
      ["profile", true],
    ] as const
  )
    .filter(([, on]) => on)
    .map(([page]) => page);
}

/** A page the merchant switched off is a 404, exactly like a page that does not exist. */
export async function requirePage(request: Request, context: AppLoadContext | null, page: PortalPage): Promise<CustomerSession> {
  const session = await requireCustomerSession(request, context);
  if (!enabledPages(session.merchant.portalSettings).includes(page)) throw notFoundResponse();
  return session;
}

/**
 * The start of every portal action: same-origin post, a live session, the page switched on, and
 * the per-session rate limit (429, nothing changed).
 */
export async function requirePortalAction(request: Request, page: PortalPage): Promise<CustomerSession> {
  assertSameOrigin(request);
  const session = await requirePage(request, null, page);
  // Viewing as the customer is read-only: every portal action is refused on the server.
  if (session.viewAs) throw forbiddenResponse();
  orPortalError(() => rateLimiter.enforce("portal.action.session", session.portalSessionId));
  return session;
}

/** The merchant disabled this: 403 and nothing changes. */
export function requireAllowed(allowed: boolean) {
  if (!allowed) throw forbiddenResponse();
}
