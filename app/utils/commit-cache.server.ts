import type Database from "better-sqlite3";
import { LruCache } from "./lru-cache.server";

/**
 * Answers read from the database, kept only while the database is provably unchanged
 * (docs/decisions/014-commit-cache.md): every `read` first asks SQLite whether anything was
 * written since the cache was filled, and forgets everything if so. Two counters answer that:
 * `total_changes()` (rows this connection inserted, updated or deleted, trigger rows included;
 * it never goes back, even when a transaction rolls back), asked at every read, and `PRAGMA
 * data_version` (moves when another connection — the PDF worker, a CLI, another process —
 * commits), asked once an event-loop turn for all the caches of a connection
 * (docs/decisions/020-data-version-once-a-turn.md): another connection's commit is seen from the
 * next turn on, or from the turn's first request on (every request a turn begins had arrived
 * before the version it is answered with was read).
 *
 * For values that depend only on the database: nothing time-dependent (an expiry compared with
 * now) may be cached here. Nothing computed inside a transaction is kept (its writes are not
 * committed yet; a rollback does not move `total_changes()` back). Values are shared between
 * callers: they are frozen.
 */
export type CommitCache<V> = {
  /** The value for `key`: the kept one if the database has not changed since, else `compute()`. */
  read(key: string, compute: () => V): V;
  /** Counters for tests and the bench. */
  readonly stats: { hits: number; misses: number; resets: number; entries: number; bytes: number };
};

export function createCommitCache<V>(
  sqlite: Database.Database,
  options: {
    maxEntries: number;
    maxBytes?: number;
    sizeOf?: (value: V) => number;
    /** Whether a computed value is worth keeping (default: every one). */
    worthKeeping?: (value: V) => boolean;
  },
): CommitCache<V> {
  const totalChanges = sqlite.prepare("select total_changes()").pluck();
  const dataVersion = dataVersionOfTurn(sqlite);
  const worthKeeping = options.worthKeeping ?? (() => true);
  const entries = new LruCache<V>({ maxSize: options.maxBytes ?? Infinity, maxEntries: options.maxEntries, sizeOf: options.sizeOf ?? (() => 0) });
  const stats = { hits: 0, misses: 0, resets: 0, entries: 0, bytes: 0 };
  let changes = -1;
  let version = -1;

  const counted = () => {
    stats.entries = entries.count;
    stats.bytes = entries.size;
  };

  /** True when the kept entries still describe the database (emptied first if they do not). */
  function unchanged(): boolean {
    const c = totalChanges.get() as number;
    const v = dataVersion();
    if (c === changes && v === version) return true;
    changes = c;
    version = v;
    if (entries.count > 0) stats.resets++;
    entries.clear();
    counted();
    return false;
  }

  return {
    stats,
    read(key, compute) {
      if (unchanged()) {
        const hit = entries.get(key);
        if (hit !== undefined) {
          stats.hits++;
          return hit;
        }
      }
      stats.misses++;
      const value = compute();
      // compute() is synchronous, so nothing else ran meanwhile; had it written, the value may
      // predate its own write: not kept. Nor is anything computed inside a transaction.
      // Asked afresh here (a miss is rare and costs its computation anyway): a value computed
      // after another connection's commit, or across one, is not kept under an older version.
      if (worthKeeping(value) && !sqlite.inTransaction && totalChanges.get() === changes && dataVersion.fresh() === version) {
        entries.set(key, deepFreeze(value));
        counted();
      }
      return value;
    },
  };
}

const turnVersions = new WeakMap<Database.Database, TurnDataVersion>();
/** Moves once a turn, at the first request the turn begins (`requestsBegin`). */
let requestTurn = 0;
let requestTurnMarked = false;
const unmarkRequestTurn = () => {
  requestTurnMarked = false;
};

/**
 * The front calls this as it begins each request: the first call of an event-loop turn makes
 * every connection's turn `data_version` be read again at its next use, so that no request is
 * answered from a version read before it arrived (one read by a timer earlier in the same turn).
 */
export function requestsBegin(): void {
  if (requestTurnMarked) return;
  requestTurnMarked = true;
  requestTurn++;
  setImmediate(unmarkRequestTurn);
}

/**
 * The connection's `PRAGMA data_version`, read at most once an event-loop turn (ADR 020): the
 * pragma opens a read transaction (two `fcntl` locks on the `-shm` file), and a cached PDF
 * download asked it twice. The first read in a turn, or the first after the turn's first request
 * began (`requestsBegin`), asks SQLite; the answer is forgotten once the turn's I/O callbacks have
 * run (`setImmediate`) — or, read in that check phase itself, before the next turn's timers run (a
 * zero timer set at the read). The requests a turn begins had all arrived before its I/O callbacks ran,
 * so before the version they are answered with was read: answering them from the database as
 * it stood then is answering from a state between their arrival and their response.
 */
export function dataVersionOfTurn(sqlite: Database.Database): TurnDataVersion {
  let read = turnVersions.get(sqlite);
  if (read) return read;
  const pragma = sqlite.prepare("pragma data_version").pluck();
  let version: number | undefined;
  let readInRequestTurn = -1;
  let forgetScheduled = false;
  const forget = () => {
    version = undefined;
    forgetScheduled = false;
  };
  const fresh = () => {
    version = pragma.get() as number;
    readInRequestTurn = requestTurn;
    if (!forgetScheduled) {
      forgetScheduled = true;
      // The end of this turn (its check phase)… or, when this read ran in that phase (in a
      // setImmediate callback), the start of the next turn's timers, before any timer set after it.
      setImmediate(forget);
      setTimeout(forget, 0).unref();
    }
    return version;
  };
  read = Object.assign(() => (version === undefined || readInRequestTurn !== requestTurn ? fresh() : version), { fresh });
  turnVersions.set(sqlite, read);
  return read;
}

/** The turn's version; `fresh()` asks SQLite now (and the rest of the turn uses that answer). */
export type TurnDataVersion = (() => number) & { fresh: () => number };

function deepFreeze<T>(value: T): T {
  // Byte arrays cannot be frozen (and are not shared mutably by the callers of this cache).
  if (value === null || typeof value !== "object" || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
