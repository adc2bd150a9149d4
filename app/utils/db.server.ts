import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "#db/schema/index";
import { env } from "./env.server";
import { isPageThread } from "./threads.server";
import { createGroupCommit } from "./group-commit.server";
import { logger } from "./logger.server";
import { customerSearchIndexPerBatch } from "./search-index-batch.server";
import { searchGrams, shortSearchQueue } from "./search-grams.server";

export type Db = BetterSQLite3Database<typeof schema>;

const BUSY_TIMEOUT_MS = 5000;

/**
 * Durability (docs/decisions/001-one-process-and-sqlite.md): better-sqlite3 leaves WAL at
 * synchronous=NORMAL, which can lose acknowledged writes on power loss, so FULL is set and then
 * read back.
 */
export function applyPragmas(sqlite: Database.Database) {
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

/** Throws unless every required pragma reads back as set: the app refuses to run without them. */
export function verifyPragmas(sqlite: Database.Database) {
  const read = (name: string) => sqlite.pragma(name, { simple: true });
  const expected: Record<string, unknown> = {
    journal_mode: "wal",
    synchronous: 2, // FULL
    foreign_keys: 1,
    busy_timeout: BUSY_TIMEOUT_MS,
  };
  const wrong = Object.entries(expected)
    .map(([name, want]) => ({ name, want, got: read(name) }))
    .filter(({ want, got }) => got !== want);
  if (wrong.length > 0) {
    const detail = wrong.map((w) => `${w.name}=${String(w.got)} (need ${String(w.want)})`).join(", ");
    throw new Error(`Refusing to start: SQLite pragmas did not take effect: ${detail}`);
  }
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Drizzle sees it, with its statements kept: Drizzle prepares every query it
 * runs, and SQLite parsing and planning the same few hundred texts on every request was a tenth
 * of a write's CPU. Kept by SQL text, least recently used dropped. Drizzle switches a statement
 * to raw (array) rows before each use that wants them and assumes object rows otherwise, so a
 * statement handed out again is switched back first.
 */
function withStatementCache(sqlite: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const client = Object.create(sqlite) as Database.Database;
  client.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
      if (statement.reader) statement.raw(false);
    } else {
      statement = sqlite.prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as Database.Database["prepare"];
  return client;
}

// SQLite's lower() folds ASCII only; search must match "Ångström" from "ångström". search_grams
// is what the app indexes a queued customer with for one- and two-character searches (migration
// 0009, search-grams.server.ts); the triggers never call it, so any connection can write customers.
function addSearchFunctions(sqlite: Database.Database) {
  sqlite.function("casefold", { deterministic: true }, (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value));
  sqlite.function("search_grams", { deterministic: true }, searchGrams);
}

/** How many migrations the database records as applied (Drizzle's journal table; 0 before the first). */
function appliedMigrations(sqlite: Database.Database): number {
  const journal = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  return journal ? (sqlite.prepare("select count(*) from __drizzle_migrations").pluck().get() as number) : 0;
}

export function openDatabase(file: string) {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  applyPragmas(sqlite);
  addSearchFunctions(sqlite);
  const db = drizzle({ client: withStatementCache(sqlite), schema, casing: "snake_case" });
  // Migrations are resolved from the project root: the server bundle lives in build/.
  // Foreign keys are off while they run (SQLite's own procedure for rebuilding a table: inside a
  // transaction the pragma is a no-op, and DROP TABLE of a referenced table would fail), and
  // when one ran, every reference is checked before they come back on. Only then: the check
  // reads every row of every table with a reference (48 s at 1,000,000 customers), and without a
  // migration foreign keys were on for every write the app made.
  sqlite.pragma("foreign_keys = OFF");
  const before = appliedMigrations(sqlite);
  migrate(db, { migrationsFolder: path.join(process.cwd(), "db/migrations") });
  if (appliedMigrations(sqlite) !== before) {
    const broken = sqlite.pragma("foreign_key_check") as unknown[];
    if (broken.length > 0) throw new Error(`Refusing to start: ${broken.length} rows break a foreign key after migrating`);
  }
  sqlite.pragma("foreign_keys = ON");
  verifyPragmas(sqlite);
  // Customers queued for the short-search index by another connection (the sqlite3 shell, a
  // process without the app's functions), or every customer once after migration 0009. Not
  // logged: the command-line tools open the database too, and some print JSON on stdout.
  const shortSearch = shortSearchQueue(sqlite);
  sqlite.transaction(() => shortSearch.drain()).immediate();
  return { sqlite, db, shortSearch };
}

/**
 * The page thread's connection (app/server/page-worker.server.ts): read-only, on a database the
 * main thread has already opened and migrated. A loader that writes fails here instead of
 * becoming a second writer beside the group commit.
 */
function openReadOnly(file: string) {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  addSearchFunctions(sqlite);
  return { sqlite, db: drizzle({ client: withStatementCache(sqlite), schema, casing: "snake_case" }), shortSearch: shortSearchQueue(sqlite) };
}

const opened = isPageThread ? openReadOnly(env.DATABASE_PATH) : openDatabase(env.DATABASE_PATH);

export const sqlite = opened.sqlite;
export const db: Db = opened.db;

/** The short-search index's queue (migration 0009): indexed in every write transaction, checked by every short search. */
export const shortSearchIndex = opened.shortSearch;

// better-sqlite3's transaction function, made once (Drizzle's `db.transaction` made one, and a
// transaction object with a query helper per table, on every call: ≈ 10 % of a keyed write's
// CPU). Called inside a transaction, it runs as a savepoint.
const immediateTransaction = sqlite.transaction((fn: () => unknown, outermost: boolean) => {
  const result = fn();
  if (result instanceof Promise) throw new Error("writeTransaction callbacks must be synchronous");
  // The customers this transaction queued for the short-search index, indexed before it commits
  // (inside a group-committed unit the batch does it, ADR 016).
  if (outermost) shortSearchIndex.drain();
  return result;
});

/**
 * Every write that spans rows goes through here: a synchronous callback in a transaction that
 * begins IMMEDIATE (takes the write lock up front, so it can never fail half-way on an upgrade).
 * Drizzle commits an async callback at its first await, so a Promise is refused outright.
 * Nested calls become savepoints.
 */
export function writeTransaction<T>(fn: () => T): T {
  return immediateTransaction.immediate(fn, !sqlite.inTransaction) as T;
}


// Customer search's index is written once a batch, not once a unit (ADR 016).
const committer = createGroupCommit(sqlite, { hooks: [customerSearchIndexPerBatch(sqlite, shortSearchIndex)] });

/**
 * A write a request waits for (docs/decisions/009-group-commit.md): the synchronous unit of work
 * shares one IMMEDIATE transaction and one fsync with the writes that arrive in the same turn of
 * the event loop, in a savepoint of its own; the promise settles once its COMMIT returned.
 * Inside a unit, `writeTransaction` nests as a savepoint. Customer search does not see the
 * customers that earlier units of the same batch created until the batch commits (ADR 016): a
 * unit must not search for them.
 */
export function groupCommit<T>(fn: () => T): Promise<T> {
  return committer.run(fn);
}

/** The group commit's counters (tests, the bench). */
export const groupCommitStats = committer.stats;

export function closeDatabase() {
  if (!sqlite.open) return;
  // How well writes shared their commits over this process's life (units per transaction).
  logger.info({ msg: "group commit", commits: committer.stats.commits, units: committer.stats.committedJobs, largest_batch: committer.stats.largestBatch });
  sqlite.close();
}
