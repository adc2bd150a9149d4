import { randomBytes } from "node:crypto";
import { and, asc, eq, inArray, isNull, like, notInArray, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { BackgroundTask } from "./background.server";
import { now } from "./clock.server";
import { db, writeTransaction } from "./db.server";
import { logger } from "./logger.server";
import { nextAttemptAt } from "./retry-schedule";

/**
 * The outbox engine. An outbox is a table whose rows are written in the same transaction as the
 * change that causes them (a mail, a webhook delivery) and sent afterwards by a worker:
 *
 *   producer: insert the row inside its transaction, then `wake()` the worker
 *   worker:   `claim` due rows (a lease: `locked_until`, `lease_owner`) → attempt each outside
 *             any transaction → `settle` it (done, retry at the next delay, or failed)
 *
 * A crash between claim and settle leaves only a lease. A process that starts releases the
 * leases its worker's earlier runs left (`releaseLeases`), so the row goes out again at once;
 * the lease's expiry covers a worker that is alive but stuck. Delivery is at-least-once.
 *
 * Claiming can be fair: with `partitions` (say merchant, then endpoint), due rows are taken
 * round-robin across partitions and each partition may hold at most `max` leases at a time, so
 * one partition's backlog never starves the others.
 */

type OutboxTable = SQLiteTable & {
  seq: SQLiteColumn;
  status: SQLiteColumn;
  attempts: SQLiteColumn;
  nextAttemptAt: SQLiteColumn;
  lockedUntil: SQLiteColumn;
  leaseOwner: SQLiteColumn;
};

export type Partition = { key: SQL; max: number };

// A lease names its holder: this worker (one per process today; a deployment with several
// processes gives each its own name) and this run of it.
const WORKER = "main";
export const leaseOwner = `${WORKER}/${process.pid}-${randomBytes(4).toString("hex")}`;

export type Outbox<T extends OutboxTable> = ReturnType<typeof defineOutbox<T>>;

export function defineOutbox<T extends OutboxTable>(spec: {
  /** For logs: "mail", "webhook deliveries". */
  label: string;
  table: T;
  /** The table's own words for the three states. */
  statuses: { pending: string; done: string; failed: string };
  /** Rows that may be claimed beyond being due (the endpoint still exists, say). */
  eligible?: SQL;
  /** Fair claiming, outermost partition first (e.g. merchant, then endpoint). */
  partitions?: Partition[];
}) {
  const t = spec.table;
  const { pending, done, failed } = spec.statuses;
  const listeners = new Set<() => void>();

  // Times are compared as the stored milliseconds.
  const dueAt = (at: number | Placeholder) =>
    and(
      eq(t.status, pending),
      sql`${t.nextAttemptAt} <= ${at}`,
      sql`(${t.lockedUntil} is null or ${t.lockedUntil} <= ${at})`,
      spec.eligible,
    );

  // The idle poll is this one indexed read; the write lock is taken only when something is due.
  const anythingDue = db
    .select({ seq: t.seq })
    .from(t as SQLiteTable)
    .where(dueAt(sql.placeholder("at")))
    .limit(1)
    .prepare();

  function pickDue(at: number, limit: number, skip: number[]): number[] {
    const due = and(dueAt(at), skip.length > 0 ? notInArray(t.seq, skip) : undefined);
    if (!spec.partitions?.length) {
      return db
        .select({ seq: t.seq })
        .from(t as SQLiteTable)
        .where(due)
        .orderBy(asc(t.nextAttemptAt), asc(t.seq))
        .limit(limit)
        .all()
        .map((r) => r.seq as number);
    }
    return pickFair(at, limit, due, spec.partitions);
  }

  /**
   * Round-robin over partitions: rank each due row within its innermost partition by age, then
   * each outer partition by the inner rank, and take rows in order of the outermost partition's
   * turn — its leases already out plus the row's rank, so a partition holding none goes before
   * one holding three — skipping partitions whose leases are at their `max`.
   */
  function pickFair(at: number, limit: number, due: SQL | undefined, partitions: Partition[]): number[] {
    const n = partitions.length;
    const cols = partitions.map((_, i) => sql.raw(`p${i}`));
    let query = sql`select ${t.seq} as seq, ${t.nextAttemptAt} as na, ${sql.join(
      partitions.map((p, i) => sql`${p.key} as ${cols[i]}`),
      sql`, `,
    )} from ${t} where ${due}`;
    for (let i = n - 1; i >= 0; i--) {
      const inner = i === n - 1 ? sql`` : sql`${sql.raw(`r${i + 1}`)}, `;
      query = sql`select *, row_number() over (partition by ${cols[i]} order by ${inner}na, seq) as ${sql.raw(`r${i}`)}
        from (${query}) where ${i === n - 1 ? sql`1` : sql`${sql.raw(`r${i + 1}`)} <= ${partitions[i + 1].max}`}`;
    }
    const rows = db.all<Record<string, unknown> & { seq: number; na: number; r0: number }>(
      sql`select * from (${query}) where r0 <= ${partitions[0].max}`,
    );
    // Leases already out per partition (this and any other worker), then greedy in fair order.
    const held = partitions.map((p) => {
      const counts = db.all<{ p: unknown; n: number }>(
        sql`select ${p.key} as p, count(*) as n from ${t} where ${t.status} = ${pending} and ${t.lockedUntil} > ${at} group by 1`,
      );
      return new Map(counts.map((c) => [c.p, c.n]));
    });
    const turn = (row: (typeof rows)[number]) => (held[0].get(row.p0) ?? 0) + row.r0;
    rows.sort((a, b) => turn(a) - turn(b) || a.na - b.na || a.seq - b.seq);
    const picked: number[] = [];
    for (const row of rows) {
      if (picked.length >= limit) break;
      const keys = partitions.map((_, i) => row[`p${i}`]);
      if (keys.some((k, i) => (held[i].get(k) ?? 0) >= partitions[i].max)) continue;
      keys.forEach((k, i) => held[i].set(k, (held[i].get(k) ?? 0) + 1));
      picked.push(row.seq);
    }
    return picked;
  }

  return {
    label: spec.label,

    /** Call inside the producer's transaction: the worker runs once the transaction has ended. */
    wake() {
      queueMicrotask(() => listeners.forEach((l) => l()));
    },
    onWake(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /**
     * Releases every lease this worker holds. Call once at start-up, before claiming: the leases
     * then belong to an earlier run that died mid-attempt, and their rows go out again now.
     * (Rows leased before leases had owners count as this worker's.)
     */
    releaseLeases(): number {
      return db
        .update(t)
        .set({ lockedUntil: null, leaseOwner: null } as never)
        .where(
          and(
            eq(t.status, pending),
            or(like(t.leaseOwner, `${WORKER}/%`), and(isNull(t.leaseOwner), sql`${t.lockedUntil} is not null`)),
          ),
        )
        .run().changes;
    },

    /**
     * Leases up to `limit` due rows until now + `leaseMs` and returns them as `load` reads them,
     * in one transaction. `skip` holds rows this process is still sending (whatever their lease).
     */
    claim<R extends { seq: number }>(opts: { limit: number; leaseMs: number; skip?: Iterable<number>; load: (seqs: number[]) => R[] }): R[] {
      if (opts.limit <= 0) return [];
      if (anythingDue.get({ at: now().getTime() }) === undefined) return [];
      return writeTransaction(() => {
        const at = now().getTime();
        const seqs = pickDue(at, opts.limit, [...(opts.skip ?? [])]);
        if (seqs.length === 0) return [];
        db.update(t)
          .set({ lockedUntil: new Date(at + opts.leaseMs), leaseOwner } as never)
          .where(inArray(t.seq, seqs))
          .run();
        const order = new Map(seqs.map((seq, i) => [seq, i]));
        return opts.load(seqs).sort((a, b) => order.get(a.seq)! - order.get(b.seq)!);
      });
    },

    /**
     * Records how an attempt ended, in the caller's transaction: done, due again after the next
     * delay of `retryDelaysS`, or failed after the last. Only the lease holder may settle a row
     * that is still pending (one cancelled meanwhile stays as it is). `set` adds the table's own
     * columns (sent_at, last_error…).
     */
    settle(opts: { seq: number; attempt: number; delivered: boolean; retryDelaysS: number[]; set?: Partial<T["$inferInsert"]> }) {
      const at = now();
      const retryAt = opts.delivered ? null : nextAttemptAt({ attempt: opts.attempt, failedAt: at, delaysS: opts.retryDelaysS });
      const status = opts.delivered ? done : retryAt ? pending : failed;
      db.update(t)
        .set({
          ...opts.set,
          attempts: opts.attempt,
          status,
          ...(retryAt ? { nextAttemptAt: retryAt } : {}),
          lockedUntil: null,
          leaseOwner: null,
        } as never)
        .where(and(eq(t.seq, opts.seq), eq(t.status, pending), eq(t.leaseOwner, leaseOwner)))
        .run();
      return { status: status === done ? "done" : status === failed ? "failed" : "retry", retryAt } as const;
    },
  };
}

/**
 * The worker of one outbox: a background task that claims due rows whenever it is woken or its
 * poll comes round, attempts up to `concurrency` of them at once outside any transaction, and
 * records each result. Stopping waits `shutdownWaitMs` for attempts in flight, then abandons
 * them (they are not recorded; their leases are released at the next start, so they go out
 * again rather than being lost).
 */
export function outboxWorker<T extends OutboxTable, R extends { seq: number }, A>(opts: {
  name: string;
  outbox: Outbox<T>;
  /** `outbox.claim` with the queue's own `load`. */
  claim: (opts: { limit: number; leaseMs: number; skip: Set<number> }) => R[];
  /** One attempt, outside any transaction; `signal` aborts at shutdown. */
  attempt: (row: R, signal: AbortSignal) => Promise<A>;
  /** Records the result (synchronously, one transaction). */
  record: (row: R, result: A) => void;
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  shutdownWaitMs: number;
  onStop?: () => void;
}): BackgroundTask {
  let running = false;
  let abandoned = false;
  let timer: NodeJS.Timeout | undefined;
  let abort = new AbortController();
  let unsubscribe: (() => void) | undefined;
  const inFlight = new Map<number, Promise<void>>();

  function schedule(ms: number) {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
  }

  async function send(row: R) {
    const result = await opts.attempt(row, abort.signal);
    if (abandoned) return;
    try {
      opts.record(row, result);
    } catch (error) {
      // The lease expires and the row is tried again: at-least-once.
      logger.error({ err: error, outbox: opts.outbox.label, seq: row.seq }, "could not record an outbox attempt");
    }
  }

  function tick() {
    if (!running) return;
    try {
      const free = opts.concurrency - inFlight.size;
      for (const row of opts.claim({ limit: free, leaseMs: opts.leaseMs, skip: new Set(inFlight.keys()) })) {
        const sending = send(row)
          .catch((error) => logger.error({ err: error, outbox: opts.outbox.label }, "outbox attempt failed"))
          .finally(() => {
            inFlight.delete(row.seq);
            schedule(0);
          });
        inFlight.set(row.seq, sending);
      }
    } catch (error) {
      logger.error({ err: error, outbox: opts.outbox.label }, "outbox worker failed to claim");
    }
    schedule(opts.pollMs);
  }

  return {
    name: opts.name,
    start() {
      const released = opts.outbox.releaseLeases();
      if (released > 0) logger.info({ msg: `released ${opts.outbox.label} left by a previous process`, count: released });
      running = true;
      abandoned = false;
      abort = new AbortController();
      unsubscribe = opts.outbox.onWake(() => schedule(0));
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      unsubscribe?.();
      if (inFlight.size > 0) {
        let waitTimer: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          Promise.allSettled([...inFlight.values()]).then(() => true),
          new Promise<boolean>((resolve) => {
            waitTimer = setTimeout(() => resolve(false), opts.shutdownWaitMs);
          }),
        ]);
        clearTimeout(waitTimer);
        if (!finished) {
          abandoned = true;
          abort.abort();
          logger.warn({ msg: `abandoned ${opts.outbox.label} in flight at shutdown; they will be sent again`, count: inFlight.size });
        }
      }
      opts.onStop?.();
    },
  };
}
