import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { merchants } from "./merchants";
import { staffUserRef } from "./staff-users";

// `second_factor`: the password was right and the TOTP step is still owed; such a session opens
// nothing but /dashboard/sign-in/verify. `active`: signed in.
export const staffSessionStages = ["second_factor", "active"] as const;

export const staffSessions = sqliteTable(
  "staff_sessions",
  {
    seq: seq(),
    // Public handle for "Sign out" on the security page; never the cookie value.
    id: publicId(),
    // SHA-256 of the 256-bit cookie value: a leaked database cannot be replayed as cookies.
    idHash: text().notNull().unique(),
    staffUserId: staffUserRef(),
    stage: text({ enum: staffSessionStages }).notNull(),
    // The merchant every dashboard URL acts on; null until one is picked (several memberships).
    merchantId: text().references(() => merchants.id),
    ip: text(),
    userAgent: text(),
    createdAt: createdAt(),
    lastSeenAt: timestamp().notNull(),
    // Absolute end (created + 7 days); the 8-hour idle limit is measured from last_seen_at.
    expiresAt: timestamp().notNull(),
    // Recent authentication ("sudo"): sensitive actions need this within the last 10 minutes.
    reauthenticatedAt: timestamp(),
    endedAt: timestamp(),
  },
  (t) => [index("staff_sessions_user_idx").on(t.staffUserId, t.createdAt)],
);

export type StaffSession = typeof staffSessions.$inferSelect;
