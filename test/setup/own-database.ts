import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A fresh SQLite file's path in a directory of its own (`portico-<label>-…` under the system's temp directory). */
export function tempDbFile(label = "test") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `portico-${label}-`));
  return path.join(dir, "portico.db");
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
