// Migration 0009 (the short-search index) and the first start's indexing of its queue, timed on
// a copy of a database migrated up to 0008 (a bench seed made before 0009, or any older file):
//   npx tsx test/bench/search/migrate-0009-timing.ts /tmp/copy.db
import fs from "node:fs";
import Database from "better-sqlite3";
import { searchGrams, shortSearchQueue } from "~/utils/search-grams.server";

const db = new Database(process.argv[2], { fileMustExist: true });
db.function("search_grams", { deterministic: true }, searchGrams);
const statements = fs.readFileSync("db/migrations/0009_short-search-index.sql", "utf8").split("--> statement-breakpoint");
let t = performance.now();
db.transaction(() => {
  for (const statement of statements) db.exec(statement);
})();
console.log(`migration 0009: ${((performance.now() - t) / 1000).toFixed(1)} s, queued ${db.prepare("select count(*) from customers_grams_pending").pluck().get()}`);
t = performance.now();
const indexed = db.transaction(() => shortSearchQueue(db).drain()).immediate();
console.log(`indexing the queue: ${indexed} customers in ${((performance.now() - t) / 1000).toFixed(1)} s`);
db.close();
