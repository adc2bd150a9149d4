import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, seq, timestamp } from "./columns";
import { staffUserRef } from "./staff-users";

// Ten single-use two-factor backup codes per batch. Each code is 60 random bits, so its SHA-256
// is enough (as for API keys); the code itself is shown once and never stored.
export const staffBackupCodes = sqliteTable(
  "staff_backup_codes",
  {
    seq: seq(),
    staffUserId: staffUserRef(),
    codeHash: text().notNull(),
    usedAt: timestamp(),
    createdAt: createdAt(),
  },
  (t) => [index("staff_backup_codes_user_idx").on(t.staffUserId)],
);
