import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { merchantRef } from "./merchants";
import { staffUserRef } from "./staff-users";

// The roles of DASHBOARD.md; what each may do is app/dashboard/permissions.ts.
export const staffRoles = ["owner", "admin", "support", "finance", "viewer"] as const;
export type StaffRole = (typeof staffRoles)[number];

export const staffMemberships = sqliteTable(
  "staff_memberships",
  {
    seq: seq(),
    id: publicId(),
    staffUserId: staffUserRef(),
    merchantId: merchantRef(),
    // A merchant always keeps at least one owner (checked in the write transaction).
    role: text({ enum: staffRoles }).notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [
    uniqueIndex("staff_memberships_user_merchant_uq").on(t.staffUserId, t.merchantId),
    index("staff_memberships_merchant_idx").on(t.merchantId, t.createdAt),
  ],
);

export type StaffMembership = typeof staffMemberships.$inferSelect;
