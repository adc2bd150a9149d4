import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, seq, timestamp } from "./columns";
import { staffUserRef } from "./staff-users";

// The one-time link `npm run staff:create` prints when no password is given (24 h, single use).
// Only the SHA-256 of the 256-bit token is stored.
export const staffSetupTokens = sqliteTable(
  "staff_setup_tokens",
  {
    seq: seq(),
    staffUserId: staffUserRef(),
    tokenHash: text().notNull().unique(),
    expiresAt: timestamp().notNull(),
    usedAt: timestamp(),
    createdAt: createdAt(),
  },
  (t) => [index("staff_setup_tokens_user_idx").on(t.staffUserId)],
);
