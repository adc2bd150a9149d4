// The API list's search (`listCustomersJson`, limit 20) timed in one process on a database file:
// for each term the first call, then the median of up to 2,000 more (at least 5, at most 3 s).
// Opening the database runs the migrations (and indexes the short-search queue) first, so point
// it at a copy of a seeded database (the bench's are in .cache/bench/seed-*.db):
//   cp .cache/bench/seed-1000000x5-<hash>.db /tmp/1m.db
//   DATABASE_PATH=/tmp/1m.db NODE_ENV=development SEED_DEMO=false LOG_LEVEL=silent \
//     npx tsx test/bench/search/short-search-timing.ts          # QS=민지,뷁 to choose the terms
import { timeCalls } from "../time-calls";

const t0 = performance.now();
const { sqlite } = await import("~/utils/db.server");
const opened = performance.now() - t0;
const { listCustomersJson } = await import("~/models/customer-list.server");
const merchantId = sqlite.prepare("select merchant_id from customers group by 1 order by count(*) desc limit 1").pluck().get() as string;
console.log(`opened (migrations included) in ${(opened / 1000).toFixed(1)} s; ${sqlite.prepare("select count(*) from customers").pluck().get()} customers`);
for (const q of (process.env.QS ?? "민지,김,zq,q,뷁,mü,müller").split(",")) {
  const run = () => listCustomersJson({ merchantId, query: { q, limit: 20 } });
  const { result: page, firstMs, medianMs, calls } = timeCalls(run, { maxCalls: 2000, budgetMs: 3000 });
  console.log(`q=${q.padEnd(7)} rows ${String(page.rows.length).padStart(2)} first ${firstMs.toFixed(2).padStart(8)} ms  median ${medianMs.toFixed(3).padStart(8)} ms  (n=${calls})`);
}

