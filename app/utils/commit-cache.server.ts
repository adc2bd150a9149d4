import type Database from "better-sqlite3";
import { LruCache } from "./lru-cache.server";

/**
 * Answers read from the database, kept only while the database is provably unchanged
 * (docs/decisions/014-commit-cache.md): every `read` first asks SQLite whether anything was
 * written since the cache was filled, and forgets everything if so. Two counters answer that:
 * `total_changes()` (rows this connection inserted, updated or deleted, trigger rows included;
 * it never goes back, even when a transaction rolls back) and `PRAGMA data_version` (moves when
 * another connection — the PDF worker, a CLI, another process — commits). Both together cost
 * ≈ 0.7 µs a read.
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
  const dataVersion = sqlite.prepare("pragma data_version").pluck();
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
    const v = dataVersion.get() as number;
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
      if (worthKeeping(value) && !sqlite.inTransaction && totalChanges.get() === changes && dataVersion.get() === version) {
        entries.set(key, deepFreeze(value));
        counted();
      }
      return value;
    },
  };
}

function deepFreeze<T>(value: T): T {
  // Byte arrays cannot be frozen (and are not shared mutably by the callers of this cache).
  if (value === null || typeof value !== "object" || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
