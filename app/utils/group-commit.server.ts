import type Database from "better-sqlite3";

/**
 * Group commit (docs/decisions/009-group-commit.md): units of work that arrive in the same turn
 * of the event loop share one IMMEDIATE transaction and one fsync. Each runs in its own
 * savepoint, so a unit that throws rolls back only itself; every promise settles only after the
 * COMMIT that holds its writes returned (or failed: then every unit of the batch rejects).
 */
export type GroupCommit = {
  /** Queues a synchronous unit of work; resolves with its result once it is committed. */
  run<T>(fn: () => T): Promise<T>;
  /** Counters for tests and the bench: transactions committed, units committed, largest batch. */
  stats: { commits: number; committedJobs: number; largestBatch: number };
};

type Job = {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Units queued from inside this one (nested use): they share its fate. */
  nested: Array<{ value: unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }>;
};

type Outcome = { job: Job; ok: true; value: unknown } | { job: Job; ok: false; error: unknown };

/**
 * Work a batch does once around its units, inside its transaction and outside their savepoints:
 * `begin` after BEGIN, `beforeCommit` after the last unit. Either one throwing fails the whole
 * batch (rolled back, every unit rejected with that error), so whatever `begin` sets up is
 * never committed without `beforeCommit` having run.
 */
export type BatchHook = { begin(): void; beforeCommit(): void };

export const DEFAULT_MAX_BATCH = 128;

const isThenable = (value: unknown) =>
  value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";

/** Thrown to the units of a batch whose transaction SQLite rolled back under them (I/O error, disk full). */
export class BatchLostError extends Error {
  constructor(cause: unknown) {
    super("The group commit's transaction was rolled back by SQLite; nothing of this batch was committed", { cause });
  }
}

export function createGroupCommit(sqlite: Database.Database, options: { maxBatch?: number; hooks?: BatchHook[] } = {}): GroupCommit {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const hooks = options.hooks ?? [];
  const sql = (text: string) => sqlite.prepare(text);
  const begin = sql("BEGIN IMMEDIATE");
  const commit = sql("COMMIT");
  const rollback = sql("ROLLBACK");
  const savepoint = sql("SAVEPOINT group_commit_job");
  const release = sql("RELEASE group_commit_job");
  const rollbackTo = sql("ROLLBACK TO group_commit_job");
  const nestedSavepoint = sql("SAVEPOINT group_commit_nested");
  const nestedRelease = sql("RELEASE group_commit_nested");
  const nestedRollbackTo = sql("ROLLBACK TO group_commit_nested");
  // Where the batch's savepoints keep the pages a unit changes (to roll it back alone): SQLite
  // decides at BEGIN, from temp_store. The connection's own setting (a file) made that one
  // pwrite(2) per page a unit touched, ≈ 6 % of a mint's CPU under `perf`; for a batch it is a
  // few pages a unit, kept in memory. Only for the batch: connection-wide, temp_store = MEMORY
  // would also keep a large sort's spill in memory.
  // (Not prepared once: this pragma acts when it is compiled, not when it is stepped.)
  const connectionTempStore = Number(sqlite.pragma("temp_store", { simple: true }));
  const tempInMemory = () => sqlite.exec("PRAGMA temp_store = MEMORY");
  const tempAsBefore = () => sqlite.exec(`PRAGMA temp_store = ${connectionTempStore}`);

  const stats = { commits: 0, committedJobs: 0, largestBatch: 0 };
  let queue: Job[] = [];
  let scheduled = false;
  let running: Job | null = null;

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // setImmediate, not a microtask: it runs after every request whose bytes arrived in this
    // poll phase has been handled up to its write, so they all join one batch.
    setImmediate(flush);
  };

  /** Runs one unit in its savepoint; false when the batch's transaction is gone. */
  function runJob(job: Job, outcomes: Outcome[]): boolean {
    savepoint.run();
    running = job;
    try {
      const value = job.fn();
      if (isThenable(value)) throw new TypeError("group commit units must be synchronous (a Promise was returned)");
      release.run();
      outcomes.push({ job, ok: true, value });
    } catch (error) {
      if (!sqlite.inTransaction) {
        outcomes.push({ job, ok: false, error });
        return false;
      }
      rollbackTo.run();
      release.run();
      outcomes.push({ job, ok: false, error });
    } finally {
      running = null;
    }
    return sqlite.inTransaction;
  }

  function flush() {
    scheduled = false;
    const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
    queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
    if (queue.length > 0) schedule();
    if (batch.length === 0) return;
    try {
      runBatch(batch);
    } finally {
      // Outside a transaction only (SQLite refuses it inside one); every path below ends it.
      if (!sqlite.inTransaction) tempAsBefore();
    }
  }

  function runBatch(batch: Job[]) {
    try {
      tempInMemory();
      begin.run();
      for (const hook of hooks) hook.begin();
    } catch (error) {
      try {
        if (sqlite.inTransaction) rollback.run();
      } finally {
        for (const job of batch) settle({ job, ok: false, error });
      }
      return;
    }
    const outcomes: Outcome[] = [];
    for (let i = 0; i < batch.length; i++) {
      if (runJob(batch[i], outcomes)) continue;
      // SQLite ended the transaction itself: the units that succeeded lost their writes, and
      // those not yet run go first into the next batch.
      const last = outcomes[outcomes.length - 1];
      const lost = last.ok ? new BatchLostError(undefined) : new BatchLostError(last.error);
      for (const o of outcomes) settle(o.ok ? { job: o.job, ok: false, error: lost } : o);
      queue = batch.slice(i + 1).concat(queue);
      if (queue.length > 0) schedule();
      return;
    }
    try {
      for (const hook of hooks) hook.beforeCommit();
      commit.run();
    } catch (error) {
      if (sqlite.inTransaction) rollback.run();
      for (const o of outcomes) settle({ job: o.job, ok: false, error });
      return;
    }
    stats.commits++;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    for (const o of outcomes) {
      if (o.ok) stats.committedJobs++;
      settle(o);
    }
  }

  function settle(outcome: Outcome) {
    const { job } = outcome;
    if (outcome.ok) {
      job.resolve(outcome.value);
      for (const n of job.nested) n.resolve(n.value);
    } else {
      job.reject(outcome.error);
      for (const n of job.nested) n.reject(outcome.error);
    }
  }

  /** Inside a running unit: the nested unit runs now, in a savepoint of its own, and shares the unit's fate. */
  function runNested<T>(parent: Job, fn: () => T): Promise<T> {
    nestedSavepoint.run();
    try {
      const value = fn();
      if (isThenable(value)) throw new TypeError("group commit units must be synchronous (a Promise was returned)");
      nestedRelease.run();
      return new Promise<T>((resolve, reject) => {
        parent.nested.push({ value, resolve: resolve as (v: unknown) => void, reject });
      });
    } catch (error) {
      if (sqlite.inTransaction) {
        nestedRollbackTo.run();
        nestedRelease.run();
      }
      return Promise.reject(error);
    }
  }

  function run<T>(fn: () => T): Promise<T> {
    if (running) return runNested(running, fn);
    if (sqlite.inTransaction) {
      // Queued, it would commit in another transaction than the caller's, after the caller's.
      return Promise.reject(new Error("groupCommit was called inside a transaction it does not own"));
    }
    return new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject, nested: [] });
      schedule();
    });
  }

  return { run, stats };
}
