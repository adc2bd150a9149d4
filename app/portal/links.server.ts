import type { PortalFlow } from "#db/schema/index";
import { getLiveLink, type LiveLink } from "~/models/portal-sessions.server";
import { now } from "~/utils/clock.server";
import { env } from "~/utils/env.server";
import { type PortalClaims, verifyPortalToken } from "~/utils/portal-tokens.server";
import { getKeyring } from "~/utils/signing-keys.server";
import { getCustomerSession } from "./guards.server";
import { endSessionOfRequest, startBrowserSession } from "./session.server";

export type LinkCheck =
  | { ok: true; link: LiveLink; claims: PortalClaims }
  // `claims` only when the signature verified: then the merchant and customer are known.
  | { ok: false; claims: PortalClaims | null };

/** Signature and claims (jose, app/utils/portal-tokens.server.ts), then the database (models). */
export async function checkPortalLink(token: string): Promise<LinkCheck> {
  const verified = await verifyPortalToken(token, { keyring: await getKeyring(), issuer: env.PUBLIC_URL, currentDate: now() });
  if (!verified.ok) return { ok: false, claims: verified.claims ?? null };
  const link = getLiveLink(verified.claims);
  return link ? { ok: true, link, claims: verified.claims } : { ok: false, claims: verified.claims };
}

/**
 * Exchanges a live link for a browser session: the Set-Cookie and where to go, or null. The
 * browser's earlier portal session, if it holds one, ends on the server.
 */
export async function exchangeLink(link: LiveLink, request: Request): Promise<{ cookie: string; location: string } | null> {
  const ps = link.portalSession;
  const cookie = await startBrowserSession({
    portalSessionId: ps.id,
    customerId: ps.customerId,
    merchantId: ps.merchantId,
    locale: ps.locale,
    returnUrl: ps.returnUrl,
  });
  if (!cookie) return null;
  await endSessionOfRequest(request);
  return { cookie, location: landingPath(ps.flow) };
}

/** A spent or expired link opened again in the browser that already holds its live session. */
export async function liveSessionFromLink(request: Request, claims: PortalClaims | null) {
  if (!claims) return false;
  const session = await getCustomerSession(request, null);
  return session?.portalSessionId === claims.jti;
}

/** Where a fresh browser session lands: the flow's page, else the overview. */
export function landingPath(flow: PortalFlow | null | undefined): string {
  switch (flow?.type) {
    case "subscription_cancel":
      return `/portal/subscriptions/${encodeURIComponent(flow.subscription_id)}/cancel`;
    case "license_keys":
      return "/portal/licenses";
    case "invoice":
      return `/portal/invoices/${encodeURIComponent(flow.payment_id)}`;
    case "profile":
      return "/portal/profile";
    case "billing_history":
      return "/portal/billing";
    default:
      return "/portal";
  }
}
