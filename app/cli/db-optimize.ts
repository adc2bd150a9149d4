// npm run db:optimize [-- --pages 64]
// Compacts the customer search indexes (FTS5: customers_fts, customers_grams) into one segment
// each (ADR 027), in short steps, so it can run beside the live app: the app's writes wait for one
// step at most. Run it after a bulk import, or at a quiet hour; searches then read one segment per
// term instead of the dozen or more that everyday writes leave. What a search finds does not change.
import fs from "node:fs";
import Database from "better-sqlite3";
import { fail, parseCli } from "./cli";

const usage = "npm run db:optimize [-- --pages 64]";
const { values } = parseCli(usage, { pages: { type: "string" } });
const pages = values.pages === undefined ? 64 : Number(values.pages);
if (!Number.isInteger(pages) || pages < 1 || pages > 100_000) fail(`--pages must be a whole number from 1 to 100000\nUsage: ${usage}`, 2);

const { env } = await import("~/utils/env.server");
const { compactFtsIndex, ftsTables } = await import("~/utils/fts-compact.server");
if (!fs.existsSync(env.DATABASE_PATH)) fail(`No database at ${env.DATABASE_PATH}`);

const sqlite = new Database(env.DATABASE_PATH, { fileMustExist: true });
// The app's own settings for a writer beside it: WAL (already the file's mode) and a busy timeout
// long enough to wait out one of its group commits.
sqlite.pragma("busy_timeout = 5000");
try {
  for (const table of ftsTables(sqlite)) {
    const r = compactFtsIndex(sqlite, table, { pagesPerStep: pages });
    process.stdout.write(
      `${table}: ${r.segmentsBefore} segment${r.segmentsBefore === 1 ? "" : "s"} → ${r.segmentsAfter} in ${(r.ms / 1000).toFixed(2)} s (${r.steps} step${r.steps === 1 ? "" : "s"}, the longest ${r.longestStepMs.toFixed(0)} ms)${
        r.capped ? "; stopped at its budget while writes kept arriving: run it again at a quieter time" : ""
      }\n`,
    );
  }
  sqlite.pragma("wal_checkpoint(PASSIVE)");
} catch (error) {
  fail(`optimize failed: ${(error as Error).message}`);
} finally {
  sqlite.close();
}
