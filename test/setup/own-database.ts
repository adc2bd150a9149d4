import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";

const made = new Set<string>();

/**
 * A fresh directory under the system's temp directory (`<prefix>…`), removed by `removeTempDirs`:
 * under vitest when the test file ends (test/setup/database-default.ts), elsewhere (Playwright's
 * workers) when the process exits. What a test writes there is gone after it; a run of the whole
 * suite used to leave ~900 directories (~575 MB) behind.
 */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/**
 * Removes every directory `tempDir` made in this process so far. Vitest calls it after the test
 * file's own `afterAll` hooks (hooks run as a stack: the setup file's run last), so a server the
 * file started has stopped, and a test that reopens a killed server's database has done so.
 */
export function removeTempDirs(): void {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  made.clear();
}
if (!process.env.VITEST) process.once("exit", removeTempDirs);

/** A fresh SQLite file's path in a directory of its own (`portico-<label>-…` under the system's temp directory). */
export function tempDbFile(label = "test") {
  return path.join(tempDir(`portico-${label}-`), "portico.db");
}

/**
 * A unit test file's own real SQLite file: DATABASE_PATH points at a fresh one, in test mode with
 * silent logs. Call it at the top of the file, before anything imports the database module
 * (`app/utils/db.server.ts` opens DATABASE_PATH when it loads): such tests import what they test
 * in `beforeAll`.
 */
export function useOwnDatabase(label: string): string {
  const file = tempDbFile(label);
  process.env.DATABASE_PATH = file;
  process.env.NODE_ENV = "test";
  process.env.LOG_LEVEL = "silent";
  return file;
}

/**
 * A fresh SQLite file migrated by the project's migrations up to and including `lastIdx` (the
 * journal's index: 8 for `0008_…`), as an older release left it; the app's `openDatabase` then
 * runs the rest. The migrations are copied to a folder beside the file with the later ones
 * left out of the copy's journal.
 */
export function databaseMigratedUpTo(label: string, lastIdx: number): string {
  const file = tempDbFile(label);
  const folder = fs.mkdtempSync(path.join(path.dirname(file), "migrations-"));
  fs.cpSync(path.join(process.cwd(), "db/migrations"), folder, { recursive: true });
  const journalFile = path.join(folder, "meta/_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { idx: number }[] };
  if (!journal.entries.some((e) => e.idx > lastIdx)) throw new Error(`no migration after index ${lastIdx}: nothing would be left for the app to run`);
  journal.entries = journal.entries.filter((e) => e.idx <= lastIdx);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  const sqlite = new Database(file);
  try {
    migrate(drizzle({ client: sqlite }), { migrationsFolder: folder });
  } finally {
    sqlite.close();
  }
  return file;
}
