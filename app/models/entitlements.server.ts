import { and, asc, eq, gte, isNull, lt, sql } from "drizzle-orm";
import { customers, entitlements, FEATURE_KEY_PATTERN, usageRecords, type Entitlement, type ResetInterval, type UsageRecord } from "#db/schema/index";
import { periodContaining } from "~/billing/periods";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { audit, type Actor } from "./audit.server";
import { requireCustomer } from "./customers.server";
import { invalid, invalidField, notFound } from "./errors.server";
import { emitEvent } from "./events.server";

// Autumn's feature usage and Lago's current usage: what a customer may use of each feature, and
// how much the current period has used. `used` is a counter on the entitlement, moved in the
// transaction that books each usage record, so the hot `check` is one indexed read.

/** Usage may be reported a little ahead of this server's clock (skewed clocks), never more. */
export const USAGE_CLOCK_SKEW_MS = 5 * 60_000;

export type EntitlementState = {
  entitlement: Entitlement;
  used: number;
  remaining: number | null;
  periodStart: Date;
  resetsAt: Date | null;
};

/** The entitlement as of `at`: a period that has begun since the last booking has used nothing yet. */
export function entitlementState(e: Entitlement, at: Date = now()): EntitlementState {
  const period = periodContaining(e.resetAnchor, e.resetInterval, at);
  const used = e.periodStart.getTime() === period.start.getTime() ? e.used : 0;
  return {
    entitlement: e,
    used,
    remaining: e.limit === null ? null : Math.max(0, e.limit - used),
    periodStart: period.start,
    resetsAt: period.end,
  };
}

export function serializeEntitlement(s: EntitlementState) {
  const e = s.entitlement;
  return {
    object: "entitlement" as const,
    customer_id: e.customerId,
    feature: e.feature,
    name: e.name,
    unit: e.unit,
    limit: e.limit,
    used: s.used,
    remaining: s.remaining,
    reset_interval: e.resetInterval,
    reset_anchor: e.resetAnchor.toISOString(),
    resets_at: s.resetsAt?.toISOString() ?? null,
    updated_at: e.updatedAt.toISOString(),
  };
}

export function serializeUsageRecord(r: UsageRecord) {
  return {
    id: r.id,
    object: "usage_record" as const,
    customer_id: r.customerId,
    feature: r.feature,
    quantity: r.quantity,
    timestamp: r.timestamp.toISOString(),
    idempotency_key: r.idempotencyKey,
    created_at: r.createdAt.toISOString(),
  };
}

const unknownFeature = (feature: string) => notFound("feature", feature, "feature");

function findEntitlement(customerId: string, feature: string) {
  return db
    .select()
    .from(entitlements)
    .where(and(eq(entitlements.customerId, customerId), eq(entitlements.feature, feature)))
    .get();
}

/** Usage counted in [start, end): read from the covering index (customer, feature, counted_at, quantity). */
function usageBetween(customerId: string, feature: string, start: Date, end: Date | null): number {
  const row = db
    .select({ total: sql<number>`coalesce(sum(${usageRecords.quantity}), 0)` })
    .from(usageRecords)
    .where(
      and(
        eq(usageRecords.customerId, customerId),
        eq(usageRecords.feature, feature),
        gte(usageRecords.countedAt, start),
        end ? lt(usageRecords.countedAt, end) : undefined,
      ),
    )
    .get();
  return row?.total ?? 0;
}

export type EntitlementInput = {
  name?: string | null;
  limit: number | null;
  unit?: string | null;
  reset_interval?: ResetInterval | null;
  reset_anchor?: Date;
};

/**
 * PUT semantics: the entitlement becomes what the request says (name, unit and reset_interval
 * default to null), except reset_anchor, which keeps its first value unless given. A changed
 * period recounts `used` from the usage records. Call inside a write transaction.
 */
export function putEntitlement(opts: { merchantId: string; customerId: string; feature: string; input: EntitlementInput; actor: Actor }) {
  const { merchantId, feature, input } = opts;
  if (!FEATURE_KEY_PATTERN.test(feature)) {
    throw invalidField("feature", "Invalid feature: must be 1 to 64 of a-z, 0-9, '_', '.' and '-'");
  }
  const customer = requireCustomer({ merchantId, id: opts.customerId, field: "id" });
  const at = now();
  const existing = findEntitlement(customer.id, feature);
  const anchor = input.reset_anchor ?? existing?.resetAnchor ?? at;
  const interval = input.reset_interval ?? null;
  const period = periodContaining(anchor, interval, at);
  let used = 0;
  if (existing) {
    const samePeriods = existing.resetInterval === interval && existing.resetAnchor.getTime() === anchor.getTime();
    if (!samePeriods) used = usageBetween(customer.id, feature, period.start, period.end);
    else used = entitlementState(existing, at).used;
  }
  const values = {
    name: input.name ?? null,
    unit: input.unit ?? null,
    limit: input.limit,
    resetInterval: interval,
    resetAnchor: anchor,
    periodStart: period.start,
    used,
    updatedAt: at,
  };
  const row = existing
    ? db.update(entitlements).set(values).where(eq(entitlements.seq, existing.seq)).returning().get()
    : db
        .insert(entitlements)
        .values({ ...values, merchantId, customerId: customer.id, feature, createdAt: at })
        .returning()
        .get();
  audit({
    merchantId,
    actor: opts.actor,
    action: existing ? "entitlement.updated" : "entitlement.created",
    objectType: "customer",
    objectId: customer.id,
    data: { feature, limit: input.limit },
  });
  return entitlementState(row, at);
}

/** Every entitlement of a live customer, by feature key. */
export function listEntitlements({ merchantId, customerId }: { merchantId: string; customerId: string }): EntitlementState[] {
  const customer = requireCustomer({ merchantId, id: customerId, field: "id" });
  const at = now();
  return db
    .select()
    .from(entitlements)
    .where(and(eq(entitlements.merchantId, merchantId), eq(entitlements.customerId, customer.id)))
    .orderBy(asc(entitlements.feature))
    .all()
    .map((e) => entitlementState(e, at));
}

export type UsageInput = { feature: string; quantity: number; timestamp?: Date; idempotency_key?: string | null };

/**
 * Books one usage record and moves the period's counter, inside the caller's IMMEDIATE
 * transaction (concurrent posts serialize on the write lock, so none is lost). A repeated
 * idempotency key returns the first record and books nothing. The first booking that takes
 * `used` to the limit emits `entitlement.limit_reached`, once per period, in this transaction.
 */
export function recordUsage(opts: { merchantId: string; customerId: string; input: UsageInput; actor: Actor }): { record: UsageRecord; replayed: boolean } {
  const { merchantId, input } = opts;
  const customer = requireCustomer({ merchantId, id: opts.customerId, field: "id" });
  if (input.idempotency_key) {
    const first = db
      .select()
      .from(usageRecords)
      .where(and(eq(usageRecords.customerId, customer.id), eq(usageRecords.idempotencyKey, input.idempotency_key)))
      .get();
    if (first) return { record: first, replayed: true };
  }
  const entitlement = findEntitlement(customer.id, input.feature);
  if (!entitlement) throw unknownFeature(input.feature);
  const at = now();
  const timestamp = input.timestamp ?? at;
  if (timestamp.getTime() > at.getTime() + USAGE_CLOCK_SKEW_MS) {
    throw invalidField("timestamp", "Invalid timestamp: must not be more than 5 minutes in the future");
  }
  // Never counted ahead of its booking: a period that has not begun has nothing in it yet.
  const countedAt = timestamp.getTime() > at.getTime() ? at : timestamp;
  const state = entitlementState(entitlement, at);
  const counts = countedAt.getTime() >= state.periodStart.getTime();
  const used = counts ? state.used + input.quantity : state.used;
  if (used < 0) throw invalid("usage_below_zero", `This correction would take the period's usage of '${input.feature}' below 0 (it is ${state.used}).`, "quantity");
  if (!Number.isSafeInteger(used)) throw invalidField("quantity", "The period's usage would be too large.");

  const record = db
    .insert(usageRecords)
    .values({
      id: newId("usageRecord"),
      merchantId,
      customerId: customer.id,
      feature: input.feature,
      quantity: input.quantity,
      timestamp,
      countedAt,
      idempotencyKey: input.idempotency_key ?? null,
      createdAt: at,
    })
    .returning()
    .get();
  const reached =
    counts &&
    entitlement.limit !== null &&
    used >= entitlement.limit &&
    entitlement.limitReachedPeriod?.getTime() !== state.periodStart.getTime();
  const updated = db
    .update(entitlements)
    .set({ periodStart: state.periodStart, used, ...(reached ? { limitReachedPeriod: state.periodStart } : {}) })
    .where(eq(entitlements.seq, entitlement.seq))
    .returning()
    .get();
  if (reached) {
    emitEvent({ merchantId, type: "entitlement.limit_reached", object: serializeEntitlement(entitlementState(updated, at)), actor: opts.actor });
  }
  return { record, replayed: false };
}

// The hot path of `check`: one statement, prepared once: the entitlement by its unique
// (customer, feature) index and its customer by id. The merchant is checked on the customer row
// with its index use switched off (`+merchant_id`): otherwise SQLite's STAT4 planner may walk a
// merchant's whole index (its customers or its entitlements) instead of the two unique lookups.
const entitlementForCheck = db
  .select({ entitlement: entitlements })
  .from(entitlements)
  .innerJoin(customers, eq(customers.id, entitlements.customerId))
  .where(
    and(
      eq(entitlements.customerId, sql.placeholder("customerId")),
      eq(entitlements.feature, sql.placeholder("feature")),
      eq(customers.id, sql.placeholder("customerId")),
      sql`+${customers.merchantId} = ${sql.placeholder("merchantId")}`,
      isNull(customers.deletedAt),
    ),
  )
  .prepare();

/** The SQL `check` runs (its query plan is tested: one statement, both lookups by unique index). */
export const entitlementCheckSql = () => entitlementForCheck.getQuery().sql;

/** Autumn's `/check`: may the customer use `quantity` more of this feature now? */
export function checkEntitlement(opts: { merchantId: string; customerId: string; feature: string; quantity: number }) {
  const row = entitlementForCheck.get({ customerId: opts.customerId, feature: opts.feature, merchantId: opts.merchantId });
  if (!row) {
    requireCustomer({ merchantId: opts.merchantId, id: opts.customerId, field: "id" });
    throw unknownFeature(opts.feature);
  }
  const s = entitlementState(row.entitlement);
  const limit = row.entitlement.limit;
  return { allowed: limit === null || s.used + opts.quantity <= limit, used: s.used, limit, remaining: s.remaining };
}
