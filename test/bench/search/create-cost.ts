// CPU a customer create costs through the group commit, in one process: 30 batches of 30 creates
// to warm up, then 200 batches of 30 (as at 50 connections), CPU from process.cpuUsage. Run it on
// a fresh copy of a seeded database each time, alternating two checkouts to compare them:
//   cp .cache/bench/seed-1000x5-<hash>.db /tmp/cc.db && rm -f /tmp/cc.db-wal /tmp/cc.db-shm
//   DATABASE_PATH=/tmp/cc.db NODE_ENV=development SEED_DEMO=false LOG_LEVEL=silent \
//     npx tsx test/bench/search/create-cost.ts
const m = {
  db: await import("~/utils/db.server"),
  customers: await import("~/models/customers.server"),
  merchants: await import("~/models/merchants.server"),
};
const merchantId = m.merchants.createMerchant({ name: "Create cost" }).merchant.id;
const actor = { type: "api_key", id: "key_create_cost" } as const;
const names = ["김민지", "Jörg Müller", "Anders Ångström", "Maria Garcia Lopez", "陽翔 佐藤", "Bench Writer"];
let i = 0;
const batch = () =>
  Promise.all(
    Array.from({ length: 30 }, () =>
      m.db.groupCommit(() => {
        i++;
        return m.customers.createCustomer({ merchantId, input: { name: names[i % names.length], email: `bench.${process.pid}.${i}@example.com` }, actor });
      }),
    ),
  );
for (let w = 0; w < 30; w++) await batch();
const c0 = process.cpuUsage();
const t0 = performance.now();
const i0 = i;
for (let b = 0; b < 200; b++) await batch();
const c = process.cpuUsage(c0);
const n = i - i0;
console.log(
  `creates ${n}: CPU a create ${((c.user + c.system) / n).toFixed(1)} µs (user ${(c.user / n).toFixed(1)}, system ${(c.system / n).toFixed(1)}), wall ${(((performance.now() - t0) * 1000) / n).toFixed(1)} µs`,
);

export {};
