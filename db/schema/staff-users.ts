import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";

export const staffLocales = ["en", "ko"] as const;

// A person who works in the dashboard (`stf_…`). Memberships give it a role per merchant.
export const staffUsers = sqliteTable("staff_users", {
  seq: seq(),
  id: publicId(),
  // Trimmed and lower-cased before it is stored: one account per address, case-insensitively.
  email: text().notNull().unique(),
  name: text(),
  // argon2id (PHC string). Null until the person chooses a password through a setup link.
  passwordHash: text(),
  passwordChangedAt: timestamp(),
  // The dashboard language the person chose; null = the browser's Accept-Language.
  locale: text({ enum: staffLocales }),
  // The TOTP secret, sealed (AES-256-GCM under DATA_ENCRYPTION_KEY, app/utils/secret-box.server.ts; never plain).
  totpSecretEncrypted: text(),
  // A secret being enrolled (shown as a QR code), until the first code confirms it.
  totpPendingSecretEncrypted: text(),
  totpEnabledAt: timestamp(),
  // The last TOTP time step accepted: a code is never accepted twice.
  totpLastStep: integer(),
  createdAt: createdAt(),
  updatedAt: timestamp().notNull(),
});

export type StaffUser = typeof staffUsers.$inferSelect;

/** A required reference to a staff user. */
export const staffUserRef = () =>
  text()
    .notNull()
    .references(() => staffUsers.id);
