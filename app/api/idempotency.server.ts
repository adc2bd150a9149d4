import { and, eq, lt, sql } from "drizzle-orm";
import { idempotencyRecords } from "#db/schema/index";
import { db, writeTransaction } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { sha256Hex } from "~/utils/ids.server";
import { valuePlaceholder } from "~/utils/prepared.server";
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

// Every write sent with an Idempotency-Key runs these: built and prepared once, not per call.
const recordByKey = db
  .select()
  .from(idempotencyRecords)
  .where(and(eq(idempotencyRecords.merchantId, sql.placeholder("merchantId")), eq(idempotencyRecords.key, sql.placeholder("key"))))
  .prepare();
const deleteRecord = db.delete(idempotencyRecords).where(eq(idempotencyRecords.seq, sql.placeholder("seq"))).prepare();
const insertRecord = db
  .insert(idempotencyRecords)
  .values({
    merchantId: sql.placeholder("merchantId"),
    key: sql.placeholder("key"),
    requestHash: sql.placeholder("requestHash"),
    responseStatus: sql.placeholder("responseStatus"),
    responseBody: sql.placeholder("responseBody"),
    createdAt: sql.placeholder("createdAt"),
  })
  .prepare();
const deleteCreatedBefore = db
  .delete(idempotencyRecords)
  .where(lt(idempotencyRecords.createdAt, valuePlaceholder("before", idempotencyRecords.createdAt)))
  .prepare();

function findLive(merchantId: string, key: string) {
  const record = recordByKey.get({ merchantId, key });
  if (record && record.createdAt.getTime() < now().getTime() - KEY_LIFETIME_MS) {
    deleteRecord.run({ seq: record.seq });
    return undefined;
  }
  return record;
}

function store(merchantId: string, key: string, requestHash: string, status: number, body: string) {
  insertRecord.run({ merchantId, key, requestHash, responseStatus: status, responseBody: sealSecret(body, IDEMPOTENT_RESPONSE_PURPOSE), createdAt: now() });
  // Opportunistic clean-up keeps the table at about a day of keys.
  deleteCreatedBefore.run({ before: new Date(now().getTime() - KEY_LIFETIME_MS) });
}

export type IdempotentOutcome = Stored | { failed: ApiError };

/**
 * Runs `execute` at most once per (merchant, key); call it as one unit of work inside a write
 * transaction (the API runs it as a group-commit unit, route.server.ts). The stored response is
 * written in the same transaction as the effect, so concurrent duplicates serialize on it: one in
 * the same batch sees the first's record in its own savepoint, one in a later batch finds it
 * committed, and either replays. A crash mid-request leaves the key free for a retry.
 * Business errors (404, 409, 422 other than parameter errors) are kept and replayed too: the
 * effect is rolled back in its savepoint and the error is returned (not thrown), so that its
 * record commits. Parameter errors mean nothing started, so nothing is kept.
 */
export function runIdempotent(opts: {
  merchantId: string;
  key: string;
  requestHash: string;
  execute: () => ApiResult;
}): IdempotentOutcome {
  const { merchantId, key, requestHash } = opts;
  const existing = findLive(merchantId, key);
  if (existing) {
    if (existing.requestHash !== requestHash) {
      throw new ApiError({
        status: 409,
        type: "idempotency_error",
        code: "idempotency_key_reused",
        message: "This Idempotency-Key was already used with a different request.",
      });
    }
    const body = openSecret(existing.responseBody, IDEMPOTENT_RESPONSE_PURPOSE);
    // Only when DATA_ENCRYPTION_KEY lost the key this was sealed under (start-up re-seals otherwise).
    if (body === null) throw new Error("A stored idempotent response cannot be decrypted with DATA_ENCRYPTION_KEY");
    return { status: existing.responseStatus, body, replayed: true };
  }
  let result: ApiResult;
  try {
    result = writeTransaction(opts.execute);
  } catch (error) {
    const apiError = asApiError(error);
    if (!apiError || apiError.isValidation || apiError.type === "idempotency_error") throw error;
    store(merchantId, key, requestHash, apiError.status, JSON.stringify(apiError.toJSON()));
    return { failed: apiError };
  }
  const body = JSON.stringify(result.body);
  store(merchantId, key, requestHash, result.status, body);
  return { status: result.status, body, replayed: false };
}
