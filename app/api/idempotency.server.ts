import { and, eq, lt } from "drizzle-orm";
import { idempotencyRecords } from "#db/schema/index";
import { db, writeTransaction } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { sha256Hex } from "~/utils/ids.server";
import { openSecret, sealSecret } from "~/utils/secret-box.server";
import { ApiError, asApiError } from "./errors.server";
import type { ApiResult } from "./respond.server";

const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

// A stored response may carry a bearer secret (a portal link's url, a new endpoint's whsec_
// secret) that a replay must return as it was: it is kept sealed (AES-256-GCM), never plain.
export const IDEMPOTENT_RESPONSE_PURPOSE = "idempotency-response";

export function requestFingerprint(method: string, path: string, body: unknown) {
  return sha256Hex(`${method} ${path}\n${JSON.stringify(body)}`);
}

type Stored = { status: number; body: string; replayed: boolean };

function findLive(merchantId: string, key: string) {
  const record = db
    .select()
    .from(idempotencyRecords)
    .where(and(eq(idempotencyRecords.merchantId, merchantId), eq(idempotencyRecords.key, key)))
    .get();
  if (record && record.createdAt.getTime() < now().getTime() - KEY_LIFETIME_MS) {
    db.delete(idempotencyRecords).where(eq(idempotencyRecords.seq, record.seq)).run();
    return undefined;
  }
  return record;
}

function store(merchantId: string, key: string, requestHash: string, status: number, body: string) {
  db.insert(idempotencyRecords)
    .values({ merchantId, key, requestHash, responseStatus: status, responseBody: sealSecret(body, IDEMPOTENT_RESPONSE_PURPOSE), createdAt: now() })
    .run();
  // Opportunistic clean-up keeps the table at about a day of keys.
  db.delete(idempotencyRecords)
    .where(lt(idempotencyRecords.createdAt, new Date(now().getTime() - KEY_LIFETIME_MS)))
    .run();
}

/**
 * Runs `execute` at most once per (merchant, key). The stored response is written in the same
 * IMMEDIATE transaction as the effect, so concurrent duplicates serialize on the write lock and
 * the later one replays, and a crash mid-request leaves the key free for a retry.
 * Business errors (404, 409, 422 other than parameter errors) are kept and replayed too;
 * parameter errors mean nothing started, so nothing is kept.
 */
export function runIdempotent(opts: {
  merchantId: string;
  key: string;
  requestHash: string;
  execute: () => ApiResult;
}): Stored {
  const { merchantId, key, requestHash } = opts;
  const replay = (record: typeof idempotencyRecords.$inferSelect): Stored => {
    if (record.requestHash !== requestHash) {
      throw new ApiError({
        status: 409,
        type: "idempotency_error",
        code: "idempotency_key_reused",
        message: "This Idempotency-Key was already used with a different request.",
      });
    }
    const body = openSecret(record.responseBody, IDEMPOTENT_RESPONSE_PURPOSE);
    // Only when DATA_ENCRYPTION_KEY lost the key this was sealed under (start-up re-seals otherwise).
    if (body === null) throw new Error("A stored idempotent response cannot be decrypted with DATA_ENCRYPTION_KEY");
    return { status: record.responseStatus, body, replayed: true };
  };
  try {
    return writeTransaction(() => {
      const existing = findLive(merchantId, key);
      if (existing) return replay(existing);
      const result = opts.execute();
      const body = JSON.stringify(result.body);
      store(merchantId, key, requestHash, result.status, body);
      return { status: result.status, body, replayed: false };
    });
  } catch (error) {
    const apiError = asApiError(error);
    if (!apiError || apiError.isValidation || apiError.type === "idempotency_error") throw error;
    const body = JSON.stringify(apiError.toJSON());
    writeTransaction(() => {
      if (!findLive(merchantId, key)) store(merchantId, key, requestHash, apiError.status, body);
    });
    throw error;
  }
}
