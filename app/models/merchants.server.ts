import { count, eq, or } from "drizzle-orm";
import { invoiceCounters, merchants, type Merchant, type PortalSettings } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db, writeTransaction } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { newId, randomBase62 } from "~/utils/ids.server";
import { createApiKey } from "./api-keys.server";
import { audit, type Actor } from "./audit.server";
import { invalidField } from "./errors.server";

export function defaultPortalSettings(displayName: string | null = null): PortalSettings {
  return {
    branding: {
      display_name: displayName,
      logo_url: null,
      brand_color: null,
      support_email: null,
      default_locale: "en",
      default_return_url: null,
      allowed_return_hosts: [],
    },
    features: {
      billing_history: { enabled: true },
      subscription_cancel: { enabled: true, mode: "at_period_end", ask_reason: true },
      customer_update: { enabled: true, allowed_fields: ["name", "email", "phone_number"] },
      license_keys: { enabled: true, allow_deactivate: true },
      wallet: { enabled: true },
      usage: { enabled: true },
    },
  };
}

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

export function slugify(name: string) {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || `merchant-${randomBase62(6).toLowerCase()}`;
}

export class MerchantInputError extends Error {}

/** Creates a merchant, its invoice counter and its first secret key, in one transaction. */
export function createMerchant(opts: {
  name: string;
  slug?: string;
  mode?: "test" | "live";
  settings?: PortalSettings;
  address?: Merchant["address"];
}) {
  const name = opts.name.trim();
  if (!name || name.length > 200) throw new MerchantInputError("--name must be 1 to 200 characters");
  const slug = opts.slug ?? slugify(name);
  if (!SLUG_PATTERN.test(slug)) {
    throw new MerchantInputError("--slug must be lowercase letters, digits and dashes (at most 48)");
  }
  return writeTransaction(() => {
    if (db.select({ id: merchants.id }).from(merchants).where(eq(merchants.slug, slug)).get()) {
      throw new MerchantInputError(`The slug '${slug}' is taken`);
    }
    const at = now();
    const merchant = db
      .insert(merchants)
      .values({
        id: newId("merchant"),
        name,
        slug,
        address: opts.address ?? null,
        portalSettings: opts.settings ?? defaultPortalSettings(name),
        createdAt: at,
        updatedAt: at,
      })
      .returning()
      .get();
    db.insert(invoiceCounters).values({ merchantId: merchant.id, lastNumber: 0 }).run();
    const key = createApiKey({ merchantId: merchant.id, mode: opts.mode ?? "test" });
    audit({ merchantId: merchant.id, actor: { type: "operator" }, action: "merchant.created", objectType: "merchant", objectId: merchant.id });
    return { merchant, apiKey: key.apiKey, secret: key.secret };
  });
}

/** By id (`mer_…`) or slug, for operators; null when there is none. */
export function getMerchant(idOrSlug: string): Merchant | null {
  return (
    db
      .select()
      .from(merchants)
      .where(or(eq(merchants.id, idOrSlug), eq(merchants.slug, idOrSlug)))
      .get() ?? null
  );
}

export const getMerchantById = (id: string): Merchant | null => db.select().from(merchants).where(eq(merchants.id, id)).get() ?? null;

export const getMerchantBySlug = (slug: string): Merchant | null =>
  db.select().from(merchants).where(eq(merchants.slug, slug)).get() ?? null;

/** The name customers see: the branding's display name, else the merchant's own. */
export const merchantDisplayName = (merchant: Merchant) => merchant.portalSettings.branding.display_name ?? merchant.name;

export type MerchantBranding = { name: string; logoUrl: string | null; brandColor: string | null };

/** What pages, e-mails and invoices show of the merchant. */
export function merchantBranding(merchant: Merchant): MerchantBranding {
  const b = merchant.portalSettings.branding;
  return { name: merchantDisplayName(merchant), logoUrl: b.logo_url, brandColor: b.brand_color };
}

/** The merchant's public sign-in page, where customers ask for a link by e-mail. */
export const signInPath = (merchant: Pick<Merchant, "slug">) => `/p/${merchant.slug}`;
export const signInPageUrl = (merchant: Pick<Merchant, "slug">) => `${env.PUBLIC_URL}${signInPath(merchant)}`;

export function serializePortalSettings(settings: PortalSettings) {
  return { object: "portal_settings" as const, branding: settings.branding, features: settings.features };
}

type SettingsPatch = {
  branding?: Partial<PortalSettings["branding"]>;
  features?: { [K in keyof PortalSettings["features"]]?: Partial<PortalSettings["features"][K]> };
};

/** Deep-merges a settings patch; a default return URL must itself pass the allowed hosts. */
export function updatePortalSettings({ merchantId, patch, actor }: { merchantId: string; patch: SettingsPatch; actor: Actor }) {
  const merchant = getMerchantById(merchantId);
  if (!merchant) throw new Error(`merchant ${merchantId} vanished`);
  const current = merchant.portalSettings;
  const features = { ...current.features };
  for (const key of Object.keys(patch.features ?? {}) as (keyof PortalSettings["features"])[]) {
    features[key] = { ...current.features[key], ...patch.features![key] } as never;
  }
  const next: PortalSettings = { branding: { ...current.branding, ...patch.branding }, features };
  const { default_return_url: returnUrl, allowed_return_hosts: hosts } = next.branding;
  if (returnUrl && hosts.length > 0 && !hosts.includes(new URL(returnUrl).hostname)) {
    throw invalidField("branding.default_return_url", "must be on one of branding.allowed_return_hosts");
  }
  db.update(merchants).set({ portalSettings: next, updatedAt: now() }).where(eq(merchants.id, merchantId)).run();
  // The names of the settings that changed (and their values before and after, a logo data URL
  // summarised): never the patch itself, which would copy a logo of up to 100 KB on every PATCH.
  const changed = changedFields(current, next);
  audit({ merchantId, actor, action: "portal_settings.updated", objectType: "portal_settings", data: { changed: Object.keys(changed.after) }, ...changed });
  return next;
}

/**
 * Only the settings that changed, before and after. Compared on the stored values (a new logo of
 * the same length still counts), recorded with a logo data URL summarised, not copied.
 */
function changedFields(before: PortalSettings, after: PortalSettings) {
  const flat = (s: PortalSettings) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(s.branding)) out[`branding.${key}`] = value;
    for (const [feature, values] of Object.entries(s.features)) for (const [key, value] of Object.entries(values)) out[`features.${feature}.${key}`] = value;
    return out;
  };
  const shown = (value: unknown) => (typeof value === "string" && value.startsWith("data:") ? `data URL (${value.length} characters)` : (value ?? null));
  const [a, b] = [flat(before), flat(after)];
  const keys = Object.keys(b).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return { before: Object.fromEntries(keys.map((k) => [k, shown(a[k])])), after: Object.fromEntries(keys.map((k) => [k, shown(b[k])])) };
}

export function countMerchants() {
  return db.select({ n: count() }).from(merchants).get()?.n ?? 0;
}
