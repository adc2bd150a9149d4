import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import {
  browserSessions,
  customers,
  merchants,
  payments,
  portalSessions,
  signInCodes,
  subscriptions,
  type Customer,
  type Merchant,
  type PortalFlow,
  type PortalSession,
} from "#db/schema/index";
import { renderEmail, type RenderedEmail } from "#emails/render";
import { fallbackLocale, matchLocale, type Locale } from "~/i18n/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { newId, sha256Hex } from "~/utils/ids.server";
import { signPortalToken, type PortalClaims } from "~/utils/portal-tokens.server";
import { valuePlaceholder } from "~/utils/prepared.server";
import { getKeyring } from "~/utils/signing-keys.server";
import { audit, type Actor } from "./audit.server";
import { assertCustomer, requireCustomer } from "./customers.server";
import { voidPendingEmailChanges } from "./email-changes.server";
import { invalid, invalidField, notFound } from "./errors.server";
import { emitEvent } from "./events.server";
import { enqueueMail } from "./mail.server";
import { merchantBranding } from "./merchants.server";
import { owned } from "./ownership.server";

export const LINK_LIFETIME_S = { redirect: 3600, email: 86_400, invite: 86_400, signIn: 900 };
const CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export type PortalSessionInput = {
  return_url?: string | null;
  locale?: string | null;
  expires_in?: number;
  send_email?: boolean;
  flow?: PortalFlow | null;
};

export function serializePortalSession(ps: PortalSession, url: string | null) {
  return {
    id: ps.id,
    object: "portal_session" as const,
    customer_id: ps.customerId,
    url,
    kind: ps.kind,
    return_url: ps.returnUrl,
    locale: ps.locale,
    flow: ps.flow ?? null,
    expires_at: ps.expiresAt.toISOString(),
    created_at: ps.createdAt.toISOString(),
  };
}

export const portalLinkUrl = (token: string) => `${env.PUBLIC_URL}/portal/session/${token}`;

/** http(s) only (https only in production) and, when the merchant lists hosts, one of them. */
function resolveReturnUrl(merchant: Merchant, returnUrl: string | null | undefined): string | null {
  const branding = merchant.portalSettings.branding;
  if (returnUrl === undefined || returnUrl === null) return branding.default_return_url ?? null;
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    throw invalidField("return_url", "Invalid return_url: must be an absolute http(s) URL.");
  }
  const allowedProtocols = env.production ? ["https:"] : ["https:", "http:"];
  if (!allowedProtocols.includes(url.protocol) || url.username || url.password) {
    throw invalidField("return_url", `Invalid return_url: must be an ${env.production ? "https" : "http(s)"} URL without credentials.`);
  }
  const hosts = branding.allowed_return_hosts.map((h) => h.toLowerCase());
  if (hosts.length > 0 && !hosts.includes(url.hostname.toLowerCase())) {
    throw invalidField("return_url", "Invalid return_url: its host is not in the merchant's allowed_return_hosts.");
  }
  return url.toString();
}

/** A flow naming another customer's (or merchant's) object is not found, like a missing one. */
function assertFlowTargets(merchantId: string, customerId: string, flow: PortalFlow | null | undefined) {
  const target =
    flow?.type === "subscription_cancel"
      ? { table: subscriptions, what: "subscription", id: flow.subscription_id, field: "flow.subscription_id" }
      : flow?.type === "invoice"
        ? { table: payments, what: "payment", id: flow.payment_id, field: "flow.payment_id" }
        : null;
  if (!target) return;
  const found = db.select({ id: target.table.id }).from(target.table).where(owned(target.table, { id: target.id, merchantId, customerId })).get();
  if (!found) throw notFound(target.what, target.id, target.field);
}

/** 6 characters from A–Z and 0–9, uniform (rejection sampling). */
export function newSignInCode(): string {
  let code = "";
  while (code.length < 6) {
    for (const byte of randomBytes(12)) {
      if (byte < 252 && code.length < 6) code += CODE_ALPHABET[byte % 36];
    }
  }
  return code;
}

// Salted with the portal session id: equal codes never share a hash.
export const hashSignInCode = (portalSessionId: string, code: string) => sha256Hex(`${portalSessionId}:${code}`);

/** The columns of a new link, all of them given (`storeLink`'s insert is prepared once). */
type NewLinkRow = Pick<
  PortalSession,
  "id" | "merchantId" | "customerId" | "kind" | "purpose" | "returnUrl" | "locale" | "flow" | "expiresAt" | "createdAt"
>;

export type PreparedLink = {
  row: NewLinkRow;
  customerEmail: string | null;
  url: string;
  code: string | null;
  email: RenderedEmail | null;
};

/**
 * Everything about a new link that must be awaited (signing, rendering the e-mail) and nothing
 * that writes: the caller stores it with `storeLink` inside its own transaction.
 */
export async function prepareLink(opts: {
  merchant: Merchant;
  customer: Pick<Customer, "id" | "email" | "name" | "locale" | "documentLocale">;
  kind: "redirect" | "email";
  purpose: "api" | "invite" | "sign_in" | "staff_view";
  lifetimeS: number;
  returnUrl: string | null;
  locale: string | null;
  flow: PortalFlow | null;
}): Promise<PreparedLink> {
  const id = newId("portalSession");
  const issuedAt = now();
  const expiresAt = new Date(issuedAt.getTime() + opts.lifetimeS * 1000);
  const token = signPortalToken({
    keyring: await getKeyring(),
    issuer: env.PUBLIC_URL,
    customerId: opts.customer.id,
    merchantId: opts.merchant.id,
    portalSessionId: id,
    issuedAt,
    expiresAt,
  });
  const url = portalLinkUrl(token);
  let code: string | null = null;
  let email: RenderedEmail | null = null;
  if (opts.kind === "email") {
    code = newSignInCode();
    const locale: Locale =
      matchLocale(opts.locale) ??
      matchLocale(opts.customer.documentLocale) ??
      matchLocale(opts.customer.locale) ??
      matchLocale(opts.merchant.portalSettings.branding.default_locale) ??
      fallbackLocale;
    const common = { locale, merchant: merchantBranding(opts.merchant), customerName: opts.customer.name, url, code };
    email =
      opts.purpose === "sign_in"
        ? await renderEmail("sign-in-link", { ...common, expiresInMinutes: Math.round(opts.lifetimeS / 60) })
        : await renderEmail("portal-invite", { ...common, expiresInHours: Math.max(1, Math.round(opts.lifetimeS / 3600)) });
  }
  return {
    row: {
      id,
      merchantId: opts.merchant.id,
      customerId: opts.customer.id,
      kind: opts.kind,
      purpose: opts.purpose,
      returnUrl: opts.returnUrl,
      locale: opts.locale,
      flow: opts.flow,
      expiresAt,
      createdAt: issuedAt,
    },
    customerEmail: opts.customer.email,
    url,
    code,
    email,
  };
}

// Every link made (API mints, invites, sign-in requests) stores itself through these: built and
// prepared once, not per call.
const insertLink = db
  .insert(portalSessions)
  .values({
    id: sql.placeholder("id"),
    merchantId: sql.placeholder("merchantId"),
    customerId: sql.placeholder("customerId"),
    kind: sql.placeholder("kind"),
    purpose: sql.placeholder("purpose"),
    returnUrl: sql.placeholder("returnUrl"),
    locale: sql.placeholder("locale"),
    flow: valuePlaceholder("flow", portalSessions.flow),
    expiresAt: sql.placeholder("expiresAt"),
    createdAt: sql.placeholder("createdAt"),
  })
  .returning()
  .prepare();
const insertSignInCode = db
  .insert(signInCodes)
  .values({
    portalSessionId: sql.placeholder("portalSessionId"),
    customerId: sql.placeholder("customerId"),
    codeHash: sql.placeholder("codeHash"),
    expiresAt: sql.placeholder("expiresAt"),
    createdAt: sql.placeholder("createdAt"),
  })
  .prepare();

/** Stores a prepared link, its code and its e-mail. Call inside a transaction. */
export function storeLink(prepared: PreparedLink): PortalSession {
  const row = insertLink.get(prepared.row);
  if (prepared.code && prepared.email && prepared.customerEmail) {
    insertSignInCode.run({
      portalSessionId: row.id,
      customerId: row.customerId,
      codeHash: hashSignInCode(row.id, prepared.code),
      expiresAt: row.expiresAt,
      createdAt: row.createdAt,
    });
    enqueueMail({ merchantId: row.merchantId, to: prepared.customerEmail, email: prepared.email });
  }
  return row;
}

/**
 * A mint's checks after its customer's (a 404 comes first): the return_url (422), then the
 * flow's object (404). An e-mail link then needs the customer's address (422).
 */
function checkMintInput(merchant: Merchant, customerId: string, input: PortalSessionInput): string | null {
  const returnUrl = resolveReturnUrl(merchant, input.return_url);
  assertFlowTargets(merchant.id, customerId, input.flow);
  return returnUrl;
}

export type PreparedMint = {
  link: PreparedLink;
  input: PortalSessionInput;
  /** Whether the input was checked before the write (an e-mail link), or is left to it (a redirect link). */
  checked: boolean;
};

/**
 * The API's `POST /customers/{id}/portal-sessions`, first half: reads and signing only. An e-mail
 * link is rendered with the customer's name and language, so it is checked here. A redirect
 * link needs only the customer's id to be signed: its checks run in `createPortalSession`,
 * inside the write's transaction, where looking the customer up costs no read transaction of
 * its own (one fewer per mint: ≈ 8 % of its CPU, README "Issue 13 changes, measured").
 */
export async function preparePortalSession(opts: { merchant: Merchant; customerId: string; input: PortalSessionInput }): Promise<PreparedMint> {
  const { merchant, input } = opts;
  if (!input.send_email) {
    const customer = { id: opts.customerId, email: null, name: null, locale: null, documentLocale: null };
    const link = await prepareLink({ merchant, customer, kind: "redirect", purpose: "api", ...linkOptions(input, "redirect"), returnUrl: null });
    return { link, input, checked: false };
  }
  const customer = requireCustomer({ merchantId: merchant.id, id: opts.customerId });
  const returnUrl = checkMintInput(merchant, customer.id, input);
  if (!customer.email) {
    throw invalid("customer_has_no_email", "This customer has no email address: create a redirect link instead.", "send_email");
  }
  const link = await prepareLink({ merchant, customer, kind: "email", purpose: "api", ...linkOptions(input, "email"), returnUrl });
  return { link, input, checked: true };
}

const linkOptions = (input: PortalSessionInput, kind: "redirect" | "email") => ({
  lifetimeS: input.expires_in ?? LINK_LIFETIME_S[kind],
  locale: input.locale ?? null,
  flow: input.flow ?? null,
});

/** Second half, inside the API's transaction: the checks a redirect link left, the row, its mail, its event. */
export function createPortalSession(opts: { merchant: Merchant; prepared: PreparedMint; actor: Actor }) {
  const { merchant, prepared, actor } = opts;
  const customerId = prepared.link.row.customerId;
  // A redirect link's first check; an e-mail link's customer may have been deleted since `prepare`.
  assertCustomer({ merchantId: merchant.id, id: customerId });
  const link = prepared.checked ? prepared.link : { ...prepared.link, row: { ...prepared.link.row, returnUrl: checkMintInput(merchant, customerId, prepared.input) } };
  const row = storeLink(link);
  // The webhook copy leaves out the url: events are stored and retried, a live link should not be.
  emitEvent({ merchantId: merchant.id, type: "portal_session.created", object: serializePortalSession(row, null), actor });
  audit({ merchantId: merchant.id, actor, action: "portal_session.created", objectType: "portal_session", objectId: row.id, data: { kind: row.kind } });
  return serializePortalSession(row, link.url);
}

/**
 * Revokes a link (idempotent): every browser session opened from it ends at once, and every
 * email change requested from it is voided (its confirmation link then changes nothing).
 */
export function revokePortalSession({ merchantId, id, actor }: { merchantId: string; id: string; actor: Actor }) {
  const found = db
    .select()
    .from(portalSessions)
    .where(owned(portalSessions, { id, merchantId }))
    .get();
  if (!found) throw notFound("portal_session", id);
  const at = now();
  if (!found.revokedAt) db.update(portalSessions).set({ revokedAt: at }).where(eq(portalSessions.id, id)).run();
  db.update(browserSessions)
    .set({ endedAt: at })
    .where(and(eq(browserSessions.portalSessionId, id), isNull(browserSessions.endedAt)))
    .run();
  voidPendingEmailChanges({ portalSessionId: id });
  audit({ merchantId, actor, action: "portal_session.revoked", objectType: "portal_session", objectId: id });
  return { id, object: "portal_session" as const, revoked: true as const };
}

export type LiveLink = { portalSession: PortalSession; customer: Customer; merchant: Merchant };

/**
 * The database half of verification, after the signature and claims: the session exists for
 * exactly this customer and merchant, is not revoked, spent or expired, and the customer lives.
 */
export function getLiveLink(claims: Pick<PortalClaims, "jti" | "mid" | "sub">): LiveLink | null {
  const row = db
    .select({ portalSession: portalSessions, customer: customers, merchant: merchants })
    .from(portalSessions)
    .innerJoin(customers, eq(customers.id, portalSessions.customerId))
    .innerJoin(merchants, eq(merchants.id, portalSessions.merchantId))
    .where(
      and(
        eq(portalSessions.id, claims.jti),
        eq(portalSessions.merchantId, claims.mid),
        eq(portalSessions.customerId, claims.sub),
        eq(customers.merchantId, portalSessions.merchantId),
      ),
    )
    .get();
  if (!row) return null;
  const at = now();
  const { portalSession: ps, customer } = row;
  if (ps.revokedAt || ps.spentAt || ps.expiresAt <= at || customer.deletedAt) return null;
  return row;
}

/**
 * Spends a link: exactly one caller wins, however many race (the update checks spent_at is
 * null inside the write lock). Call inside the transaction that creates the browser session.
 */
export function spendLink({ portalSessionId, merchantId, customerId }: { portalSessionId: string; merchantId: string; customerId: string }) {
  const at = now();
  const result = db
    .update(portalSessions)
    .set({ spentAt: at })
    .where(
      and(
        eq(portalSessions.id, portalSessionId),
        eq(portalSessions.merchantId, merchantId),
        eq(portalSessions.customerId, customerId),
        isNull(portalSessions.spentAt),
        isNull(portalSessions.revokedAt),
        gt(portalSessions.expiresAt, at),
        sql`exists (select 1 from ${customers} where ${customers.id} = ${customerId} and ${customers.merchantId} = ${merchantId} and ${customers.deletedAt} is null)`,
      ),
    )
    .run();
  if (result.changes !== 1) return false;
  db.update(signInCodes).set({ consumedAt: at }).where(and(eq(signInCodes.portalSessionId, portalSessionId), isNull(signInCodes.consumedAt))).run();
  return true;
}

/**
 * Revokes every portal link of a customer, ends every browser session made from them and voids
 * their pending email changes.
 */
export function endPortalAccessForCustomer({ customerId }: { customerId: string }) {
  const at = now();
  db.update(portalSessions)
    .set({ revokedAt: at })
    .where(and(eq(portalSessions.customerId, customerId), isNull(portalSessions.revokedAt)))
    .run();
  db.update(browserSessions)
    .set({ endedAt: at })
    .where(and(eq(browserSessions.customerId, customerId), isNull(browserSessions.endedAt)))
    .run();
  voidPendingEmailChanges({ customerId });
}
