import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "#db/schema/index";
import { env } from "./env.server";
import { createGroupCommit } from "./group-commit.server";

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

export function openDatabase(file: string) {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  applyPragmas(sqlite);
  // SQLite's lower() folds ASCII only; search must match "Ångström" from "ångström".
  sqlite.function("casefold", { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? value.toLowerCase() : value,
  );
  const db = drizzle({ client: sqlite, schema, casing: "snake_case" });
  // Migrations are resolved from the project root: the server bundle lives in build/.
  // Foreign keys are off while they run (SQLite's own procedure for rebuilding a table: inside a
  // transaction the pragma is a no-op, and DROP TABLE of a referenced table would fail), and
  // every reference is checked before they come back on.
  sqlite.pragma("foreign_keys = OFF");
  migrate(db, { migrationsFolder: path.join(process.cwd(), "db/migrations") });
  const broken = sqlite.pragma("foreign_key_check") as unknown[];
  if (broken.length > 0) throw new Error(`Refusing to start: ${broken.length} rows break a foreign key after migrating`);
  sqlite.pragma("foreign_keys = ON");
  verifyPragmas(sqlite);
  return { sqlite, db };
}

const opened = openDatabase(env.DATABASE_PATH);

export const sqlite = opened.sqlite;
export const db: Db = opened.db;

/**
 * Every write that spans rows goes through here: a synchronous callback in a transaction that
 * begins IMMEDIATE (takes the write lock up front, so it can never fail half-way on an upgrade).
 * Drizzle commits an async callback at its first await, so a Promise is refused outright.
 * Nested calls become savepoints.
 */
export function writeTransaction<T>(fn: () => T): T {
  return db.transaction(
    () => {
      const result = fn();
      if (result instanceof Promise) throw new Error("writeTransaction callbacks must be synchronous");
      return result;
    },
    { behavior: "immediate" },
  );
}

const committer = createGroupCommit(sqlite);

/**
 * A write a request waits for (docs/decisions/009-group-commit.md): the synchronous unit of work
 * shares one IMMEDIATE transaction and one fsync with the writes that arrive in the same turn of
 * the event loop, in a savepoint of its own; the promise settles once its COMMIT returned.
 * Inside a unit, `writeTransaction` nests as a savepoint.
 */
export function groupCommit<T>(fn: () => T): Promise<T> {
  return committer.run(fn);
}

/** The group commit's counters (tests, the bench). */
export const groupCommitStats = committer.stats;

export function closeDatabase() {
  if (sqlite.open) sqlite.close();
}
