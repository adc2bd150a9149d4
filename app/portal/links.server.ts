import { eq } from "drizzle-orm";
import { merchants, type Merchant } from "#db/schema/index";
import { db } from "~/utils/db.server";
import { findLiveLink, landingPath, type LiveLink } from "~/models/portal-sessions.server";
import { env } from "~/utils/env.server";
import { now } from "~/utils/clock.server";
import { getKeyring } from "./signing-keys.server";
import { verifyPortalToken, type PortalClaims } from "./tokens.server";
import { startBrowserSession } from "./session.server";
import { getCustomerSession } from "./guards.server";

export type LinkCheck =
  | { ok: true; link: LiveLink; claims: PortalClaims }
  // `claims` only when the signature verified: then the merchant and customer are known.
  | { ok: false; claims: PortalClaims | null };

/** Signature and claims (jose, tokens.server.ts), then the database (models). */
export async function checkPortalLink(token: string): Promise<LinkCheck> {
  const verified = await verifyPortalToken(token, { keyring: await getKeyring(), issuer: env.PUBLIC_URL, currentDate: now() });
  if (!verified.ok) return { ok: false, claims: verified.claims ?? null };
  const link = findLiveLink(verified.claims);
  return link ? { ok: true, link, claims: verified.claims } : { ok: false, claims: verified.claims };
}

/** Exchanges a live link for a browser session: the Set-Cookie and where to go, or null. */
export async function exchangeLink(link: LiveLink): Promise<{ cookie: string; location: string } | null> {
  const ps = link.portalSession;
  const cookie = await startBrowserSession({
    portalSessionId: ps.id,
    customerId: ps.customerId,
    merchantId: ps.merchantId,
    locale: ps.locale,
    returnUrl: ps.returnUrl,
  });
  return cookie ? { cookie, location: landingPath(ps.flow) } : null;
}

/** A spent or expired link opened again in the browser that already holds its live session. */
export async function liveSessionFromLink(request: Request, claims: PortalClaims | null) {
  if (!claims) return false;
  const session = await getCustomerSession(request);
  return session?.portalSessionId === claims.jti;
}

export function merchantDisplay(merchant: Merchant) {
  const b = merchant.portalSettings.branding;
  return { name: b.display_name ?? merchant.name, logoUrl: b.logo_url, brandColor: b.brand_color, slug: merchant.slug };
}

export const findMerchantById = (id: string) => db.select().from(merchants).where(eq(merchants.id, id)).get();

export const findMerchantBySlug = (slug: string) => db.select().from(merchants).where(eq(merchants.slug, slug)).get();
