import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { apiKeys, merchants, type ApiKey, type Merchant } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { createCommitCache } from "~/utils/commit-cache.server";
import { db, sqlite, writeTransaction } from "~/utils/db.server";
import { newId, randomBase62, sha256Hex } from "~/utils/ids.server";
import { audit, type Actor } from "./audit.server";

// 43 base62 characters carry 256 bits: as much as 32 random bytes, never guessable.
const SECRET_RANDOM_LENGTH = 43;
export const API_KEY_PATTERN = /^sk_(test|live)_[0-9A-Za-z]{43,}$/;

export function hashApiKey(secret: string) {
  return sha256Hex(secret);
}

/**
 * Creates a secret key. The secret is returned once, here; only its hash is stored. With an
 * actor (the dashboard) the creation is audited; the CLI's keys are the operator's.
 */
export function createApiKey({ merchantId, mode = "test", name = null, actor }: { merchantId: string; mode?: "test" | "live"; name?: string | null; actor?: Actor }) {
  const secret = `sk_${mode}_${randomBase62(SECRET_RANDOM_LENGTH)}`;
  const row = writeTransaction(() => {
    const key = db
      .insert(apiKeys)
      .values({
        id: newId("apiKey"),
        merchantId,
        mode,
        name,
        keyHash: hashApiKey(secret),
        displayPrefix: secret.slice(0, 12),
        createdAt: now(),
      })
      .returning()
      .get();
    if (actor) audit({ merchantId, actor, action: "api_key.created", objectType: "api_key", objectId: key.id, after: { name, mode } });
    return key;
  });
  return { apiKey: row, secret };
}

/** A merchant's keys, newest first (revoked ones too, marked), for the dashboard's list. */
export function listApiKeys(merchantId: string) {
  return db.select().from(apiKeys).where(eq(apiKeys.merchantId, merchantId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.seq)).all();
}

/** Revokes one of the merchant's own keys (another merchant's id revokes nothing); audited. */
export function revokeMerchantApiKey({ merchantId, id, actor }: { merchantId: string; id: string; actor: Actor }) {
  return writeTransaction(() => {
    const revoked = db
      .update(apiKeys)
      .set({ revokedAt: now() })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.merchantId, merchantId), isNull(apiKeys.revokedAt)))
      .returning()
      .get();
    if (revoked) audit({ merchantId, actor, action: "api_key.revoked", objectType: "api_key", objectId: revoked.id, before: { name: revoked.name } });
    return revoked ?? null;
  });
}

export function revokeApiKey({ id }: { id: string }) {
  return writeTransaction(() =>
    db
      .update(apiKeys)
      .set({ revokedAt: now() })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning()
      .get(),
  );
}

const findByHash = db
  .select({ apiKey: apiKeys, merchant: merchants })
  .from(apiKeys)
  .innerJoin(merchants, eq(merchants.id, apiKeys.merchantId))
  .where(and(eq(apiKeys.keyHash, sql.placeholder("hash")), isNull(apiKeys.revokedAt)))
  .prepare();

// Every API request looks its key up: kept until the next write to the database (a revocation,
// a merchant's settings, anything), so a revoked key is refused from the request after the
// revocation's commit, as without the cache (ADR 014). Unknown secrets are not kept: a flood of
// guesses does not push the real keys out.
const activeKeys = createCommitCache<{ apiKey: ApiKey; merchant: Merchant } | null>(sqlite, {
  maxEntries: 256,
  worthKeeping: (found) => found !== null,
});

/** The live key and its merchant for a presented secret, or null (unknown or revoked). Frozen: shared by requests. */
export function getActiveApiKey(secret: string): Readonly<{ apiKey: ApiKey; merchant: Merchant }> | null {
  if (!API_KEY_PATTERN.test(secret)) return null;
  const hash = hashApiKey(secret);
  return activeKeys.read(hash, () => findByHash.get({ hash }) ?? null);
}

const lastTouched = new Map<string, number>();

/** Records use at most once a minute per key, so authentication stays a read. */
export function touchApiKey(id: string) {
  const t = Date.now();
  if ((lastTouched.get(id) ?? 0) > t - 60_000) return;
  lastTouched.set(id, t);
  db.update(apiKeys).set({ lastUsedAt: now() }).where(eq(apiKeys.id, id)).run();
}
