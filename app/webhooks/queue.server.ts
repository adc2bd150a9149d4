import { and, asc, eq, isNotNull, isNull, lte, or } from "drizzle-orm";
import { webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints, webhookEvents } from "#db/schema/index";
import { db, sqlite, writeTransaction } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids.server";
import type { AttemptResult } from "./send.server";
import { nextAttemptAt } from "./schedule";

export type ClaimedDelivery = {
  seq: number;
  attempts: number;
  eventId: string;
  eventType: string;
  payload: string;
  endpointId: string;
  url: string;
  secret: string;
};

/**
 * One process owns the database, so a lease still held at start-up belongs to a process that
 * died mid-attempt: release it and the delivery is sent again, with the same webhook-id.
 */
export function releaseStaleLeases(): number {
  return db
    .update(webhookDeliveries)
    .set({ lockedUntil: null })
    .where(and(eq(webhookDeliveries.status, "pending"), isNotNull(webhookDeliveries.lockedUntil)))
    .run().changes;
}

// The idle poll is this one indexed read; the write lock is taken only when something is due.
let anythingDue: import("better-sqlite3").Statement<[number, number]> | undefined;
function somethingIsDue(at: Date) {
  anythingDue ??= sqlite.prepare<[number, number]>(
    "select 1 from webhook_deliveries where status = 'pending' and next_attempt_at <= ? and (locked_until is null or locked_until <= ?) limit 1",
  );
  return anythingDue.get(at.getTime(), at.getTime()) !== undefined;
}

/**
 * Claims up to `limit` due deliveries by leasing them until `now + leaseMs`. The lease is what
 * makes a crash harmless: an unfinished attempt leaves a lease that expires (or is released at
 * start), never a lost event. `skip` holds the deliveries this process is sending right now.
 */
export function claimDueDeliveries(opts: { limit: number; leaseMs: number; skip: Set<number> }): ClaimedDelivery[] {
  if (!somethingIsDue(now())) return [];
  return writeTransaction(() => {
    const at = now();
    const due = db
      .select({
        seq: webhookDeliveries.seq,
        attempts: webhookDeliveries.attempts,
        eventId: webhookEvents.id,
        eventType: webhookEvents.type,
        payload: webhookEvents.payload,
        endpointId: webhookEndpoints.id,
        url: webhookEndpoints.url,
        secret: webhookEndpoints.secret,
      })
      .from(webhookDeliveries)
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(
        and(
          eq(webhookDeliveries.status, "pending"),
          lte(webhookDeliveries.nextAttemptAt, at),
          or(isNull(webhookDeliveries.lockedUntil), lte(webhookDeliveries.lockedUntil, at)),
          isNull(webhookEndpoints.deletedAt),
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.seq))
      .limit(opts.limit + opts.skip.size)
      .all()
      .filter((d) => !opts.skip.has(d.seq))
      .slice(0, opts.limit);
    const lockedUntil = new Date(at.getTime() + opts.leaseMs);
    for (const d of due) {
      db.update(webhookDeliveries).set({ lockedUntil }).where(eq(webhookDeliveries.seq, d.seq)).run();
    }
    return due;
  });
}

/**
 * Writes the attempt to the delivery log and moves the delivery on: delivered, retried on the
 * schedule, or failed after the last try. One transaction, so the log and the queue agree.
 */
export function recordAttempt(opts: {
  delivery: ClaimedDelivery;
  attempt: number;
  startedAt: Date;
  result: AttemptResult;
  retryDelaysS: number[];
}) {
  const { delivery, attempt, startedAt, result } = opts;
  writeTransaction(() => {
    const at = now();
    db.insert(webhookDeliveryAttempts)
      .values({
        id: newId("webhookAttempt"),
        endpointId: delivery.endpointId,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        attempt,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: result.durationMs,
        delivered: result.delivered,
        createdAt: startedAt,
      })
      .run();
    const retryAt = result.delivered ? null : nextAttemptAt({ attempt, failedAt: at, delaysS: opts.retryDelaysS });
    db.update(webhookDeliveries)
      .set({
        attempts: attempt,
        status: result.delivered ? "delivered" : retryAt ? "pending" : "failed",
        ...(retryAt ? { nextAttemptAt: retryAt } : {}),
        lockedUntil: null,
        updatedAt: at,
      })
      // A delivery whose endpoint was deleted meanwhile stays failed.
      .where(and(eq(webhookDeliveries.seq, delivery.seq), eq(webhookDeliveries.status, "pending")))
      .run();
  });
}
