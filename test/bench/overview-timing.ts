// The dashboard overview's reads timed in one process on a database file: `getMerchantOverview`
// (the figures) and `listAtRisk` (what needs attention) for the merchant with the most customers,
// the first call, then the median of up to 200 more (at least 5, at most 5 s each).
// Opening the database runs the migrations first, so point it at a copy of a seeded database
// (the bench's are in .cache/bench/seed-*.db):
//   DATABASE_PATH=/tmp/1m.db NODE_ENV=development SEED_DEMO=false LOG_LEVEL=silent \
//     npx tsx test/bench/overview-timing.ts
import { timeCalls } from "./time-calls";

const { sqlite } = await import("~/utils/db.server");
const { getMerchantOverview, listAtRisk } = await import("~/models/merchant-overview.server");
const merchantId = sqlite.prepare("select merchant_id from customers group by 1 order by count(*) desc limit 1").pluck().get() as string;
console.log(`${sqlite.prepare("select count(*) from customers").pluck().get()} customers, ${sqlite.prepare("select count(*) from subscriptions").pluck().get()} subscriptions`);
for (const [name, run] of <[string, () => unknown][]>[
  ["getMerchantOverview", () => getMerchantOverview({ merchantId })],
  ["listAtRisk", () => listAtRisk({ merchantId })],
]) {
  const { firstMs, medianMs, calls } = timeCalls(run, { maxCalls: 200, budgetMs: 5000 });
  console.log(`${name.padEnd(20)} first ${firstMs.toFixed(1).padStart(8)} ms  median ${medianMs.toFixed(1).padStart(8)} ms  (n=${calls})`);
}
