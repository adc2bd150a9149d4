import { json, redirect, type AppLoadContext } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { merchants, type Merchant, type StaffMembership, type StaffSession, type StaffUser } from "#db/schema/index";
import { matchLocale, type Locale } from "~/i18n/index";
import { parseAcceptLanguage } from "~/i18n/negotiate.server";
import type { Actor } from "~/models/audit.server";
import { getMembership, getStaffUser } from "~/models/staff-users.server";
import { twoFactorEnabled } from "~/models/staff-two-factor.server";
import { assertSameOrigin } from "~/utils/csrf.server";
import { db } from "~/utils/db.server";
import { formString } from "./forms.server";
import { can, type Permission } from "./permissions";
import { requestedPath, signInUrl } from "./redirects.server";
import { readStaffSession } from "./session.server";

export const NO_STORE = { "Cache-Control": "no-store" };
// A one-time link's page (setup, invite): the token is in the path, so it must not leak through
// Referer or caches.
export const LINK_PAGE_HEADERS = { ...NO_STORE, "Referrer-Policy": "no-referrer" };

/** The client address as people read it: an IPv4 address mapped into IPv6 shown as IPv4. */
export const clientAddress = (ip: string) => ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");

export type StaffContext = {
  session: StaffSession;
  staff: StaffUser;
  merchant: Merchant;
  membership: StaffMembership;
  locale: Locale;
  /** Who acts, for the domain functions and the audit log (with the client address). */
  actor: Actor & { type: "staff" };
  can: (permission: Permission) => boolean;
};

/** The staff user's choice, else Accept-Language, else English. */
export function staffLocale(request: Request, staff: Pick<StaffUser, "locale"> | null): Locale {
  const chosen = matchLocale(staff?.locale);
  if (chosen) return chosen;
  for (const tag of parseAcceptLanguage(request.headers.get("accept-language"))) {
    const match = matchLocale(tag);
    if (match) return match;
  }
  return "en";
}

export type DashboardErrorData = { dashboardError: "forbidden" | "not_found" | "rate_limited" | "no_membership" };

export const dashboardError = (status: number, kind: DashboardErrorData["dashboardError"], headers: Record<string, string> = {}) =>
  json<DashboardErrorData>({ dashboardError: kind }, { status, headers: { ...NO_STORE, ...headers } });

type Resolved =
  | { kind: "signed_out" }
  | { kind: "pick_merchant"; session: StaffSession; staff: StaffUser }
  | { kind: "ok"; session: StaffSession; staff: StaffUser; merchant: Merchant; membership: StaffMembership };

// A page load runs the root, layout and page loaders, each with a Request of its own (Remix copies
// it per loader) but one load context (one per HTTP request, app/server.ts): each loader calls the
// guard and the lookup runs once per load context. Only for reads: an action may change the
// session, and the loaders that follow an action in the same request run after it.
const resolvedOfContext = new WeakMap<AppLoadContext, Promise<Resolved>>();

async function lookup(request: Request): Promise<Resolved> {
  const session = await readStaffSession(request);
  if (!session || session.stage !== "active") return { kind: "signed_out" };
  const staff = getStaffUser(session.staffUserId);
  if (!staff) return { kind: "signed_out" };
  const membership = session.merchantId ? getMembership({ staffUserId: staff.id, merchantId: session.merchantId }) : null;
  const merchant = membership ? db.select().from(merchants).where(eq(merchants.id, membership.merchantId)).get() : undefined;
  if (!membership || !merchant) return { kind: "pick_merchant", session, staff };
  return { kind: "ok", session, staff, merchant, membership };
}

function resolve(request: Request, context: AppLoadContext | null): Promise<Resolved> {
  if (!context || (request.method !== "GET" && request.method !== "HEAD")) return lookup(request);
  let pending = resolvedOfContext.get(context);
  if (!pending) {
    pending = lookup(request);
    resolvedOfContext.set(context, pending);
  }
  return pending;
}

/** The signed-in person without a merchant (the merchant picker, the setup and invite pages). */
export async function getSignedInStaff(request: Request, context: AppLoadContext | null): Promise<{ session: StaffSession; staff: StaffUser } | null> {
  const r = await resolve(request, context);
  return r.kind === "signed_out" ? null : { session: r.session, staff: r.staff };
}

/** Like getSignedInStaff, but a request without a live session is sent to sign in (303). */
export async function requireSignedInStaff(request: Request, context: AppLoadContext | null) {
  const found = await getSignedInStaff(request, context);
  if (!found) throw redirect(signInUrl(requestedPath(request)), { status: 303, headers: NO_STORE });
  return found;
}

/**
 * The start of every dashboard loader and action (Remix runs loaders in parallel, so a parent's
 * check protects no child): a live staff session (else 303 to sign-in with `redirect_to`), a
 * merchant picked (else the picker), two-factor when the merchant requires it (else enrolment
 * first), and the permission (else 403, nothing changed). `permission: null` = any member.
 */
export async function requireStaff(
  request: Request,
  context: AppLoadContext | null,
  permission: Permission | null,
  opts: { allowWithoutTwoFactor?: boolean } = {},
): Promise<StaffContext> {
  const r = await resolve(request, context);
  const back = requestedPath(request);
  if (r.kind === "signed_out") throw redirect(signInUrl(back), { status: 303, headers: NO_STORE });
  if (r.kind === "pick_merchant") throw redirect(`/dashboard/switch?redirect_to=${encodeURIComponent(back)}`, { status: 303, headers: NO_STORE });
  if (r.merchant.staffTwoFactorRequired && !twoFactorEnabled(r.staff) && !opts.allowWithoutTwoFactor) {
    throw redirect("/dashboard/account/security?two_factor=required", { status: 303, headers: NO_STORE });
  }
  const role = r.membership.role;
  if (permission && !can(role, permission)) throw dashboardError(403, "forbidden");
  return {
    session: r.session,
    staff: r.staff,
    merchant: r.merchant,
    membership: r.membership,
    locale: staffLocale(request, r.staff),
    actor: { type: "staff", id: r.staff.id, ip: null },
    can: (p) => can(role, p),
  };
}

/** Every dashboard POST: the cross-site guard first (403, nothing changes), then requireStaff. */
export async function requireStaffAction(
  request: Request,
  permission: Permission | null,
  clientIp: string,
  opts: { allowWithoutTwoFactor?: boolean } = {},
): Promise<StaffContext> {
  assertSameOrigin(request);
  const ctx = await requireStaff(request, null, permission, opts);
  return { ...ctx, actor: { type: "staff", id: ctx.staff.id, ip: clientAddress(clientIp) } };
}

/** The start of an action with several intents: requireStaffAction, the posted form and its `intent`. */
export async function requireStaffForm(request: Request, permission: Permission | null, clientIp: string, opts: { allowWithoutTwoFactor?: boolean } = {}) {
  const s = await requireStaffAction(request, permission, clientIp, opts);
  const form = await request.formData();
  return { s, form, intent: formString(form, "intent") };
}
