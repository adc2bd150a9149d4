// A customer's timeline (`customerActivity`, the dashboard customer page's activity tab) timed in
// one process on a database file: the first call, then the median of up to 200 more (at least 5,
// at most 5 s), for the middle customer of the merchant with the most customers.
// FILL=N first writes N webhook events and N audit rows for that merchant about other customers
// (what N API mints leave behind), through plain SQL on the file, before the app opens it.
// Point it at a copy of a seeded database (the bench's are in .cache/bench/seed-*.db):
//   cp .cache/bench/seed-1000x5-<hash>.db /tmp/tl.db
//   FILL=500000 DATABASE_PATH=/tmp/tl.db NODE_ENV=development SEED_DEMO=false LOG_LEVEL=silent \
//     npx tsx test/bench/activity-timing.ts
import Database from "better-sqlite3";
import { timeCalls } from "./time-calls";

const file = process.env.DATABASE_PATH!;
const fill = Number(process.env.FILL ?? 0);
if (fill > 0) {
  const raw = new Database(file);
  const merchantId = raw.prepare("select merchant_id from customers group by 1 order by count(*) desc limit 1").pluck().get() as string;
  raw.prepare(
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
     insert into webhook_events (id, merchant_id, type, payload, created_at)
     select 'evt_fill' || i, ?, 'portal_session.created',
       json_object('data', json_object('object', json_object('id', 'ps_fill' || i, 'object', 'portal_session', 'customer_id', 'cus_fill' || (i % 1000)))), 1700000000000 + i from n`,
  ).run(fill, merchantId);
  raw.prepare(
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
     insert into audit_log (id, merchant_id, actor_type, actor_id, action, object_type, object_id, created_at)
     select 'aud_fill' || i, ?, 'api_key', 'key_fill', 'portal_session.created', 'portal_session', 'ps_fill' || i, 1700000000000 + i from n`,
  ).run(fill, merchantId);
  raw.close();
}
const opening = performance.now();
const { sqlite } = await import("~/utils/db.server");
console.log(`opened (migrations included) in ${((performance.now() - opening) / 1000).toFixed(1)} s`);
const { customerActivity } = await import("~/models/customer-activity.server");
const merchantId = sqlite.prepare("select merchant_id from customers group by 1 order by count(*) desc limit 1").pluck().get() as string;
const count = sqlite.prepare("select count(*) from customers where merchant_id = ?").pluck().get(merchantId) as number;
const customerId = sqlite.prepare("select id from customers where merchant_id = ? order by seq limit 1 offset ?").pluck().get(merchantId, Math.floor(count / 2)) as string;
const events = sqlite.prepare("select count(*) from webhook_events where merchant_id = ?").pluck().get(merchantId);
const audits = sqlite.prepare("select count(*) from audit_log where merchant_id = ?").pluck().get(merchantId);
const { result: entries, firstMs, medianMs, calls } = timeCalls(() => customerActivity({ merchantId, customerId }), { maxCalls: 200, budgetMs: 5000 });
console.log(`${events} events, ${audits} audit rows for the merchant; ${entries.length} entries: first ${firstMs.toFixed(1)} ms, median ${medianMs.toFixed(2)} ms (n=${calls})`);
