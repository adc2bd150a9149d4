import { redirect } from "@remix-run/node";
import type { PortalSettings } from "#db/schema/index";
import { assertSameOrigin } from "~/portal/csrf.server";
import { forbiddenResponse, notFoundResponse, orPortalError } from "~/portal/errors.server";
import { requireCustomerSession, type CustomerSession } from "~/portal/guards.server";
import { NO_STORE } from "~/portal/http.server";
import { rateLimiter } from "~/utils/rate-limit.server";
import type { Actor } from "./audit.server";

export type PortalPage = "overview" | "billing" | "subscriptions" | "licenses" | "wallet" | "profile";

/**
 * Which pages a merchant's settings show. Subscriptions and the profile have no switch in
 * API.md: they always show (cancelling and editing have their own switches).
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
      ["profile", true],
    ] as const
  )
    .filter(([, on]) => on)
    .map(([page]) => page);
}

/** A page the merchant switched off is a 404, exactly like a page that does not exist. */
export async function requirePage(request: Request, page: PortalPage): Promise<CustomerSession> {
  const session = await requireCustomerSession(request);
  if (!enabledPages(session.merchant.portalSettings).includes(page)) throw notFoundResponse();
  return session;
}

/**
 * The start of every portal action: same-origin post, a live session, the page switched on, and
 * the per-session rate limit (429, nothing changed).
 */
export async function requirePortalAction(request: Request, page: PortalPage): Promise<CustomerSession> {
  assertSameOrigin(request);
  const session = await requirePage(request, page);
  orPortalError(() => rateLimiter.enforce("portal.action.session", session.portalSessionId));
  return session;
}

/** The merchant disabled this: 403 and nothing changes. */
export function requireAllowed(allowed: boolean) {
  if (!allowed) throw forbiddenResponse();
}

export const customerActor = (s: CustomerSession): Actor => ({ type: "customer", id: s.customer.id, portalSessionId: s.portalSessionId });

export const NOTICES = [
  "cancellation_scheduled",
  "cancelled",
  "resumed",
  "deactivated",
  "profile_saved",
  "email_change_sent",
  "email_changed",
  "unchanged",
  "language_changed",
] as const;
export type Notice = (typeof NOTICES)[number];

/** Post/redirect/get: the page shows the result from a fixed list named in the query. */
export function redirectWithNotice(path: string, notice: Notice, headers: Record<string, string> = {}) {
  const url = new URL(path, "http://portal.invalid");
  url.searchParams.set("notice", notice);
  return redirect(`${url.pathname}${url.search}`, { status: 303, headers: { ...NO_STORE, ...headers } });
}

export function noticeOf(request: Request): Notice | null {
  const value = new URL(request.url).searchParams.get("notice");
  return (NOTICES as readonly string[]).includes(value ?? "") ? (value as Notice) : null;
}

// One pair of date formatters per locale: building an Intl.DateTimeFormat costs ~50 µs.
const dateFormats = new Map<string, ReturnType<typeof buildDisplayFormat>>();

function buildDisplayFormat(locale: string) {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  return {
    date: (d: Date | null | undefined) => (d ? date.format(d) : null),
    dateTime: (d: Date | null | undefined) => (d ? dateTime.format(d) : null),
  };
}

/** Money and dates shown as the session's locale writes them (stored UTC, shown UTC). */
export function displayFormat(locale: string) {
  let formats = dateFormats.get(locale);
  if (!formats) {
    formats = buildDisplayFormat(locale);
    if (dateFormats.size < 100) dateFormats.set(locale, formats);
  }
  return formats;
}
