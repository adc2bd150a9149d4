import { IDEMPOTENT_RESPONSE_PURPOSE } from "~/api/idempotency.server";
import { STAFF_TOTP_PURPOSE } from "~/models/staff-two-factor.server";
import { sqlite } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { currentKeyId, openSecret, sealedKeyId, sealSecret } from "~/utils/secret-box.server";
import { WEBHOOK_SECRET_PURPOSE } from "~/webhooks/signing.server";

// Every column that holds a bearer secret the server must read back, and its sealing purpose.
const SEALED_COLUMNS = [
  { table: "webhook_endpoints", column: "secret", purpose: WEBHOOK_SECRET_PURPOSE },
  { table: "idempotency_records", column: "response_body", purpose: IDEMPOTENT_RESPONSE_PURPOSE },
  { table: "staff_users", column: "totp_secret_encrypted", purpose: STAFF_TOTP_PURPOSE },
  { table: "staff_users", column: "totp_pending_secret_encrypted", purpose: STAFF_TOTP_PURPOSE },
] as const;

/**
 * The data migration of secrets at rest, run at every start before the server listens: seals
 * values still stored in plaintext (rows written before encryption existed) and re-seals values
 * sealed under an older DATA_ENCRYPTION_KEY entry (or, by earlier versions, under a
 * PORTAL_SIGNING_KEYS entry) with the first one, in one transaction.
 * Idempotent: once done, each start is one index-free scan that finds nothing to do.
 */
export function sealSecretsAtRest() {
  const current = `v1.${currentKeyId()}.`;
  let sealed = 0;
  let unreadable = 0;
  sqlite.transaction(() => {
    for (const { table, column, purpose } of SEALED_COLUMNS) {
      const rows = sqlite.prepare(`select seq, ${column} as value from ${table} where ${column} is not null and substr(${column}, 1, ?) <> ?`).all(current.length, current) as { seq: number; value: string }[];
      const update = sqlite.prepare(`update ${table} set ${column} = ? where seq = ?`);
      for (const row of rows) {
        const plain = sealedKeyId(row.value) === null ? row.value : openSecret(row.value, purpose);
        if (plain === null) {
          unreadable += 1;
          continue;
        }
        update.run(sealSecret(plain, purpose), row.seq);
        sealed += 1;
      }
    }
  }).immediate();
  if (sealed > 0) logger.info({ msg: "sealed stored secrets with the current data encryption key", count: sealed });
  if (unreadable > 0) {
    logger.warn({ msg: "stored secrets sealed under a key DATA_ENCRYPTION_KEY no longer lists cannot be read", count: unreadable });
  }
  return { sealed, unreadable };
}
