import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { merchantRef } from "./merchants";
import { staffRoles } from "./staff-memberships";
import { staffUsers } from "./staff-users";

// A team invite (`inv_…`), emailed as a one-time link that lives 7 days. Only the SHA-256 of the
// 256-bit token is stored.
export const staffInvites = sqliteTable(
  "staff_invites",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    // Lower-cased like staff_users.email.
    email: text().notNull(),
    role: text({ enum: staffRoles }).notNull(),
    invitedBy: text().references(() => staffUsers.id),
    tokenHash: text().notNull().unique(),
    expiresAt: timestamp().notNull(),
    createdAt: createdAt(),
    acceptedAt: timestamp(),
    acceptedBy: text().references(() => staffUsers.id),
    // A newer invite to the same address, or a cancel, voids the older link.
    revokedAt: timestamp(),
  },
  (t) => [index("staff_invites_merchant_idx").on(t.merchantId, t.createdAt)],
);

export type StaffInvite = typeof staffInvites.$inferSelect;
