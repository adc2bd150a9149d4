import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { staffSessions, type StaffSession } from "#db/schema/index";
import { db } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { newId, sha256Hex } from "~/utils/ids.server";

// DASHBOARD.md: idle 8 hours, absolute 7 days. A sign-in waiting for its second factor lives 10 minutes.
export const STAFF_IDLE_MS = 8 * 60 * 60_000;
export const STAFF_ABSOLUTE_MS = 7 * 24 * 60 * 60_000;
export const SECOND_FACTOR_MS = 10 * 60_000;
// last_seen_at is rewritten at most once a minute: enough precision for an 8-hour idle limit.
const TOUCH_EVERY_MS = 60_000;

/** Who a new session is for, at which stage, on which merchant, and from where. */
export type NewStaffSession = {
  staffUserId: string;
  stage: StaffSession["stage"];
  merchantId: string | null;
  ip: string | null;
  userAgent: string | null;
  reauthenticated: boolean;
};

/** Stores a new session under the SHA-256 of its cookie value (the value itself is never stored). */
export function insertStaffSession(opts: NewStaffSession & { cookieValue: string }) {
  const at = now();
  const lifetime = opts.stage === "second_factor" ? SECOND_FACTOR_MS : STAFF_ABSOLUTE_MS;
  return db
    .insert(staffSessions)
    .values({
      id: newId("staffSession"),
      idHash: sha256Hex(opts.cookieValue),
      staffUserId: opts.staffUserId,
      stage: opts.stage,
      merchantId: opts.merchantId,
      ip: opts.ip,
      userAgent: opts.userAgent?.slice(0, 300) ?? null,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(at.getTime() + lifetime),
      reauthenticatedAt: opts.reauthenticated ? at : null,
    })
    .returning()
    .get();
}

const byHash = db
  .select()
  .from(staffSessions)
  .where(eq(staffSessions.idHash, sql.placeholder("idHash")))
  .prepare();

/** The live session for a cookie value, or null; a session past a limit is ended on the way. */
export function getLiveStaffSession(cookieValue: string): StaffSession | null {
  const row = byHash.get({ idHash: sha256Hex(cookieValue) });
  if (!row || row.endedAt) return null;
  const at = now().getTime();
  const idleFor = at - row.lastSeenAt.getTime();
  if (at >= row.expiresAt.getTime() || (row.stage === "active" && idleFor >= STAFF_IDLE_MS)) {
    db.update(staffSessions).set({ endedAt: new Date(at) }).where(and(eq(staffSessions.seq, row.seq), isNull(staffSessions.endedAt))).run();
    return null;
  }
  if (idleFor >= TOUCH_EVERY_MS) {
    db.update(staffSessions).set({ lastSeenAt: new Date(at) }).where(eq(staffSessions.seq, row.seq)).run();
  }
  return row;
}

export function endStaffSession(seq: number) {
  db.update(staffSessions).set({ endedAt: now() }).where(and(eq(staffSessions.seq, seq), isNull(staffSessions.endedAt))).run();
}

/** "Sign out" on the security page: only the person's own sessions, by public id. */
export function endOwnStaffSession(opts: { staffUserId: string; sessionId: string }) {
  return db
    .update(staffSessions)
    .set({ endedAt: now() })
    .where(and(eq(staffSessions.id, opts.sessionId), eq(staffSessions.staffUserId, opts.staffUserId), isNull(staffSessions.endedAt)))
    .run().changes;
}

/** Every other live session of the person (password change, "sign out everywhere else"). */
export function endOtherStaffSessions(opts: { staffUserId: string; keepSeq: number | null }) {
  return db
    .update(staffSessions)
    .set({ endedAt: now() })
    .where(
      and(
        eq(staffSessions.staffUserId, opts.staffUserId),
        isNull(staffSessions.endedAt),
        opts.keepSeq === null ? undefined : ne(staffSessions.seq, opts.keepSeq),
      ),
    )
    .run().changes;
}

/** A removed member's sessions that act on this merchant end at once. */
export function endStaffSessionsForMerchant(opts: { staffUserId: string; merchantId: string }) {
  return db
    .update(staffSessions)
    .set({ endedAt: now() })
    .where(and(eq(staffSessions.staffUserId, opts.staffUserId), eq(staffSessions.merchantId, opts.merchantId), isNull(staffSessions.endedAt)))
    .run().changes;
}

export function setStaffSessionMerchant(opts: { seq: number; merchantId: string }) {
  db.update(staffSessions).set({ merchantId: opts.merchantId }).where(eq(staffSessions.seq, opts.seq)).run();
}

export function markReauthenticated(seq: number) {
  db.update(staffSessions).set({ reauthenticatedAt: now() }).where(eq(staffSessions.seq, seq)).run();
}

/** The security page's list: live sessions only, newest first. */
export function listLiveStaffSessions(staffUserId: string) {
  const at = now();
  return db
    .select()
    .from(staffSessions)
    .where(
      and(
        eq(staffSessions.staffUserId, staffUserId),
        eq(staffSessions.stage, "active"),
        isNull(staffSessions.endedAt),
        gt(staffSessions.expiresAt, at),
        gt(staffSessions.lastSeenAt, new Date(at.getTime() - STAFF_IDLE_MS)),
      ),
    )
    .orderBy(desc(staffSessions.lastSeenAt), desc(staffSessions.seq))
    .all();
}

/**
 * Whether a staff session is still live (not ended, within its absolute and idle limits): the
 * portal's "view as customer" mode lasts only as long as the staff session that opened it.
 */
export function isStaffSessionLive(seq: number): boolean {
  const row = db.select().from(staffSessions).where(eq(staffSessions.seq, seq)).get();
  if (!row || row.endedAt || row.stage !== "active") return false;
  const at = now().getTime();
  return at < row.expiresAt.getTime() && at - row.lastSeenAt.getTime() < STAFF_IDLE_MS;
}
