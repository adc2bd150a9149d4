import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { customerRef } from "./customers";
import { merchantRef } from "./merchants";

export const portalSessionKinds = ["redirect", "email"] as const;
// Why the link was made: an API call, a dashboard invite, the customer's own sign-in request, or
// a staff member viewing the portal as the customer (read-only, exchanged at once by the dashboard).
export const portalSessionPurposes = ["api", "invite", "sign_in", "staff_view"] as const;

export type PortalFlow =
  | { type: "subscription_cancel"; subscription_id: string }
  | { type: "license_keys" }
  | { type: "invoice"; payment_id: string }
  | { type: "profile" }
  | { type: "billing_history" };

export const portalSessions = sqliteTable(
  "portal_sessions",
  {
    seq: seq(),
    // The token's `jti`: revocation and spending are keyed on it, never on the token string.
    id: publicId(),
    merchantId: merchantRef(),
    customerId: customerRef(),
    kind: text({ enum: portalSessionKinds }).notNull(),
    purpose: text({ enum: portalSessionPurposes }).notNull(),
    returnUrl: text(),
    locale: text(),
    flow: text({ mode: "json" }).$type<PortalFlow | null>(),
    expiresAt: timestamp().notNull(),
    createdAt: createdAt(),
    // Set once, by the single exchange that wins; a second exchange finds it set and fails.
    spentAt: timestamp(),
    revokedAt: timestamp(),
  },
  (t) => [index("portal_sessions_customer_idx").on(t.customerId, t.createdAt)],
);

// The 6-character code mailed beside an emailed link; typed on /p/<slug> instead of clicking.
export const signInCodes = sqliteTable(
  "sign_in_codes",
  {
    seq: seq(),
    portalSessionId: text()
      .notNull()
      .unique()
      .references(() => portalSessions.id),
    customerId: customerRef(),
    codeHash: text().notNull(),
    attempts: integer().notNull().default(0),
    expiresAt: timestamp().notNull(),
    consumedAt: timestamp(),
    createdAt: createdAt(),
  },
  (t) => [index("sign_in_codes_customer_idx").on(t.customerId, t.createdAt)],
);

export const browserSessions = sqliteTable(
  "browser_sessions",
  {
    seq: seq(),
    // SHA-256 of the 256-bit cookie value: a leaked database cannot be replayed as cookies.
    idHash: text().notNull().unique(),
    merchantId: merchantRef(),
    customerId: customerRef(),
    portalSessionId: text()
      .notNull()
      .references(() => portalSessions.id),
    data: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp().notNull(),
    // Absolute end (created + 8 h); the idle limit is measured from last_seen_at.
    expiresAt: timestamp().notNull(),
    endedAt: timestamp(),
  },
  (t) => [
    index("browser_sessions_portal_session_idx").on(t.portalSessionId),
    index("browser_sessions_customer_idx").on(t.customerId),
  ],
);

export type PortalSession = typeof portalSessions.$inferSelect;
export type BrowserSession = typeof browserSessions.$inferSelect;
export type SignInCode = typeof signInCodes.$inferSelect;
