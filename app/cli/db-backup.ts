// npm run db:backup -- <file>
// An online backup through SQLite's backup API (consistent while the app keeps writing), written
// to a temporary file beside the target and renamed over it only once complete and verified.
// A backup holds every customer's data: it is owner-only (0600) from its first byte.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { fail, parseCli } from "./cli";

const usage = "npm run db:backup -- <file>";
const { positionals } = parseCli(usage, {}, true);
if (positionals.length !== 1) fail(`one target file is required\nUsage: ${usage}`, 2);

const { env } = await import("~/utils/env.server");
const target = path.resolve(positionals[0]);
if (!fs.existsSync(env.DATABASE_PATH)) fail(`No database at ${env.DATABASE_PATH}`);
if (path.resolve(env.DATABASE_PATH) === target) fail("The backup cannot overwrite the live database");

const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
// Whatever SQLite creates beside the copy (its journal) is owner-only too.
process.umask(0o077);
try {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Created empty and owner-only before SQLite writes into it, so no reader ever finds it open.
  fs.closeSync(fs.openSync(temp, "wx", 0o600));
  const source = new Database(env.DATABASE_PATH, { fileMustExist: true });
  source.pragma("busy_timeout = 5000");
  await source.backup(temp);
  source.close();
  const check = new Database(temp, { readonly: true });
  const result = check.pragma("integrity_check", { simple: true });
  check.close();
  if (result !== "ok") throw new Error(`integrity check of the copy failed: ${String(result)}`);
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, target);
  process.stdout.write(`${target}\n`);
} catch (error) {
  try {
    fs.rmSync(temp, { force: true });
  } catch {
    // Nothing was written there.
  }
  fail(`backup failed: ${(error as Error).message}`);
}
