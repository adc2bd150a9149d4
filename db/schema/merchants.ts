import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";

export const apiKeyModes = ["test", "live"] as const;
export const subscriptionCancelModes = ["at_period_end", "immediately", "customer_choice"] as const;
/** The profile fields a merchant may let customers change themselves. */
export const customerUpdateFields = ["name", "email", "phone_number"] as const;

export type PortalSettings = {
  branding: {
    display_name: string | null;
    logo_url: string | null;
    brand_color: string | null;
    support_email: string | null;
    default_locale: string;
    default_return_url: string | null;
    allowed_return_hosts: string[];
  };
  features: {
    billing_history: { enabled: boolean };
    subscription_cancel: {
      enabled: boolean;
      mode: (typeof subscriptionCancelModes)[number];
      ask_reason: boolean;
    };
    customer_update: { enabled: boolean; allowed_fields: (typeof customerUpdateFields)[number][] };
    license_keys: { enabled: boolean; allow_deactivate: boolean };
    wallet: { enabled: boolean };
    usage: { enabled: boolean };
  };
};

export type PostalAddress = {
  line1: string;
  line2?: string | null;
  city: string;
  state?: string | null;
  postal_code?: string | null;
  country: string;
};

export const merchants = sqliteTable("merchants", {
  seq: seq(),
  id: publicId(),
  name: text().notNull(),
  // The slug names the public sign-in page /p/<slug>; lowercase letters, digits and dashes.
  slug: text().notNull().unique(),
  address: text({ mode: "json" }).$type<PostalAddress | null>(),
  portalSettings: text({ mode: "json" }).$type<PortalSettings>().notNull(),
  // Set by an owner: members without two-factor are sent to enrolment before anything else.
  staffTwoFactorRequired: integer({ mode: "boolean" }).notNull().default(false),
  createdAt: createdAt(),
  updatedAt: timestamp().notNull(),
});

/** A required reference to the owning merchant: ownership is on every business row. */
export const merchantRef = () =>
  text()
    .notNull()
    .references(() => merchants.id);

export const apiKeys = sqliteTable("api_keys", {
  seq: seq(),
  id: publicId(),
  merchantId: merchantRef(),
  mode: text({ enum: apiKeyModes }).notNull(),
  // A label the merchant gives the key in the dashboard; null for keys made by the CLI.
  name: text(),
  // SHA-256 (hex) of the whole secret: the secret itself is shown once and never stored.
  keyHash: text().notNull().unique(),
  // First characters of the secret, enough for a human to recognise which key it is.
  displayPrefix: text().notNull(),
  createdAt: createdAt(),
  lastUsedAt: timestamp(),
  revokedAt: timestamp(),
});

export type Merchant = typeof merchants.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
