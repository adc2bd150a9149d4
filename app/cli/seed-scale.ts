// npm run seed:scale -- --customers N [--payments-per-customer 5] [--merchant <slug>] [--db <path>] [--seed 1] [--json]
//                       [--rebuild-indexes | --no-rebuild-indexes]
//
// Bulk seeding for load and scale work: realistic customers with ≈ N × 5 payments, subscriptions,
// wallets and license keys, written with prepared statements in one IMMEDIATE transaction (not
// through the API, which would take hours at a million customers): all of it or nothing. When the
// load is large compared with what the tables hold, the secondary indexes are dropped inside that
// transaction and rebuilt (sorted, once) before it commits; unique ones are checked then. It keeps every invariant the
// app relies on: prefixed ids, `seq` primary keys, unique (case-folded) emails and external ids per
// merchant, invoice numbers assigned once, gapless and in date order to succeeded payments from
// the merchant's counter, payment totals from the app's own arithmetic, refunds that add up to
// amount_refunded, wallet balances equal to the ledger's last balance_after, pending cancellations
// whose period has not ended. It appends to the merchant (creating it when the slug is new); it
// writes no audit rows and fires no webhooks — it is an import, not anyone's action.
import { cancelReasons } from "#db/schema/index";
import { formatInvoiceNumber } from "~/billing/invoice-number";
import { priceLines } from "~/billing/money";
import { addInterval, type Interval } from "~/billing/periods";
import { fail, parseCli } from "./cli";
import {
  CARD_BRANDS,
  COUNTRIES,
  CURRENCIES,
  DEVICE_NAMES,
  FAILURE_REASONS,
  REFUND_REASONS,
  idFactory,
  makeCustomer,
  minorUnits,
  paymentTemplates,
  prng,
  type PaymentTemplate,
} from "./seed-scale-data";

const usage =
  "npm run seed:scale -- --customers N [--payments-per-customer 5] [--merchant <slug>] [--db <path>] [--seed 1] [--rebuild-indexes | --no-rebuild-indexes] [--json]";
const { values } = parseCli(usage, {
  customers: { type: "string" },
  "payments-per-customer": { type: "string", default: "5" },
  merchant: { type: "string", default: "scale" },
  db: { type: "string" },
  seed: { type: "string", default: "1" },
  // Default: rebuild when seeding at least 50,000 customers and at least as many as the table holds.
  "rebuild-indexes": { type: "boolean" },
  "no-rebuild-indexes": { type: "boolean" },
  json: { type: "boolean", default: false },
});
const positiveInt = (name: string, raw: string | undefined, min: number) => {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}\nUsage: ${usage}`, 2);
  return n;
};
const N = positiveInt("customers", values.customers, 1);
const PPC = positiveInt("payments-per-customer", values["payments-per-customer"], 0);
const SEED = positiveInt("seed", values.seed, 0);
if (N >= 2 ** 26) fail("--customers must be below 67,108,864", 2);
if (values.db) process.env.DATABASE_PATH = values.db;

const { sqlite, shortSearchIndex } = await import("~/utils/db.server");
const { markOutOfOrderCustomers, OUT_OF_ORDER_INSERT_TRIGGER } = await import("~/utils/customer-order.server");
const { createMerchant, getMerchant, MerchantInputError } = await import("~/models/merchants.server");
const log = (line: string) => process.stderr.write(`${line}\n`);

// Bulk-load settings for this connection only: a big page cache (random-id indexes stay in
// memory), reads through mmap, sorts for index builds in RAM. Durability pragmas stay as the app
// sets them.
sqlite.pragma("cache_size = -1048576");
sqlite.pragma("mmap_size = 17179869184");
sqlite.pragma("temp_store = memory");

let merchant = getMerchant(values.merchant);
let apiKey: string | null = null;
if (!merchant) {
  try {
    const name = values.merchant.replace(/(^|-)(\w)/g, (_m, sep: string, c: string) => `${sep ? " " : ""}${c.toUpperCase()}`);
    const created = createMerchant({ name, slug: values.merchant });
    merchant = created.merchant;
    apiKey = created.secret;
  } catch (error) {
    if (error instanceof MerchantInputError) fail(error.message.replace(/--(name|slug)/, "--merchant"), 2);
    throw error;
  }
}
const merchantId = merchant.id;

const r = prng(SEED);
const ids = idFactory();
const DAY = 86_400_000;
const NOW = Date.now();
const T0 = NOW - 730 * DAY;
const started = performance.now();
const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(1));
const between = (a: number, b: number) => Math.floor(a + r.next() * Math.max(0, b - a));

// ── Products: one monthly plan per currency, a team plan, an annual plan, desktop licenses ──
type ProductRow = { id: string; name: string; type: "subscription" | "one_time"; price: number; currency: string; interval: Interval | null };
const wantedProducts: Omit<ProductRow, "id">[] = [
  ...CURRENCIES.map((currency) => ({ name: "Pro plan", type: "subscription" as const, price: minorUnits(currency, currency === "KRW" ? 19000 : currency === "JPY" ? 2000 : currency === "INR" ? 1200 : 15), currency, interval: "month" as const })),
  { name: "Team plan", type: "subscription", price: 4900, currency: "USD", interval: "month" },
  { name: "Team plan", type: "subscription", price: 59000, currency: "KRW", interval: "month" },
  { name: "Pro plan (annual)", type: "subscription", price: 15000, currency: "USD", interval: "year" },
  ...CURRENCIES.map((currency) => ({ name: "Desktop license", type: "one_time" as const, price: minorUnits(currency, currency === "KRW" ? 99000 : currency === "JPY" ? 12000 : currency === "INR" ? 4999 : 79), currency, interval: null })),
];
const findProduct = sqlite.prepare("select id from products where merchant_id = ? and name = ? and currency = ? and type = ? limit 1").pluck();
const insertProduct = sqlite.prepare(
  "insert into products (id, merchant_id, name, description, type, price, currency, interval, interval_count, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
);
// Everything from here on is one transaction: an error, an exit or a kill before the commit
// leaves the database as it was (SQLite discards the uncommitted WAL frames).
sqlite.exec("begin immediate");
const products: ProductRow[] = wantedProducts.map((p) => {
  const existing = findProduct.get(merchantId, p.name, p.currency, p.type) as string | undefined;
  if (existing) return { ...p, id: existing };
  const id = ids.id("product");
  insertProduct.run(id, merchantId, p.name, `${p.name} (${p.currency})`, p.type, p.price, p.currency, p.interval, T0 - DAY, T0 - DAY);
  return { ...p, id };
});
const plansFor = (currency: string) => products.filter((p) => p.type === "subscription" && p.currency === currency);
const desktopFor = (currency: string) => products.find((p) => p.type === "one_time" && p.currency === currency)!;

// ── Phase 1: customers, with their subscriptions, wallets and license keys ──
const insertCustomer = sqlite.prepare(
  `insert into customers (id, merchant_id, email, email_normalized, name, phone_number, external_id, billing_address, tax_id, metadata, locale, created_at, updated_at, deleted_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertSubscription = sqlite.prepare(
  `insert into subscriptions (id, merchant_id, customer_id, product_id, status, quantity, current_period_start, current_period_end, cancel_at_period_end, cancelled_at, cancel_reason, cancel_feedback, created_at, updated_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertLedger = sqlite.prepare(
  `insert into wallet_ledger_entries (id, merchant_id, customer_id, currency, amount, entry_type, reason, idempotency_key, balance_after, created_at)
   values (?, ?, ?, ?, ?, ?, ?, null, ?, ?)`,
);
const insertWallet = sqlite.prepare("insert into wallets (customer_id, currency, balance, updated_at) values (?, ?, ?, ?)");
const insertLicenseKey = sqlite.prepare(
  `insert into license_keys (id, merchant_id, customer_id, product_id, payment_id, subscription_id, key, status, activations_limit, expires_at, created_at, updated_at)
   values (?, ?, ?, ?, null, null, ?, ?, ?, ?, ?, ?)`,
);
const insertInstance = sqlite.prepare(
  "insert into license_key_instances (id, license_key_id, name, created_at, last_validated_at, deactivated_at) values (?, ?, ?, ?, ?, ?)",
);

// Numbers continue after the merchant's existing customers, so emails and external ids stay unique.
const firstNumber = (sqlite.prepare("select count(*) from customers where merchant_id = ?").pluck().get(merchantId) as number) + 1;

// Sign-ups grow over two years (density rises linearly), in time order so seq follows created_at.
const createdAt = new Float64Array(N);
for (let i = 0; i < N; i++) createdAt[i] = Math.floor(T0 + (NOW - 10 * 60_000 - T0) * Math.sqrt(r.next()));
createdAt.sort();

// What phase 2 needs to know about each customer.
const customerIds: string[] = new Array(N);
const customerCountry = new Uint8Array(N);
const lastPaymentAt = new Float64Array(N); // deletion time for deleted customers, else now
const subOf: ({ id: string; product: ProductRow; quantity: number; from: number; until: number } | undefined)[] = new Array(N);

/** The billing period around `at` for a subscription that started at `start`. */
function periodAround(start: number, interval: Interval, at: number): [number, number] {
  const s = new Date(start);
  const a = new Date(at);
  const step = interval === "year" ? 12 : 1;
  let k = Math.floor(((a.getUTCFullYear() - s.getUTCFullYear()) * 12 + a.getUTCMonth() - s.getUTCMonth()) / step);
  const nth = (n: number) => (n <= 0 ? start : addInterval(s, "month", n * step).getTime());
  while (k > 0 && nth(k) > at) k--;
  while (nth(k + 1) <= at) k++;
  return [nth(k), nth(k + 1)];
}

const counts = { customers: 0, subscriptions: 0, wallet_ledger_entries: 0, license_keys: 0, license_key_instances: 0, payments: 0, payment_items: 0, refunds: 0 };

const phase1 = performance.now();
// Indexes of the tables filled here, rebuilt after the load when it is large. The unique index on
// `id` stays: it is the parent key foreign keys are checked against on every insert.
const SEEDED_TABLES = ["customers", "subscriptions", "wallet_ledger_entries", "wallets", "license_keys", "license_key_instances", "payments", "payment_items", "refunds"];
const existingRows = sqlite.prepare("select count(*) from customers").pluck().get() as number;
const deferred: { name: string; sql: string }[] = [];
const rebuild = values["rebuild-indexes"] ?? (values["no-rebuild-indexes"] ? false : N >= 50_000 && N >= existingRows);
// The insert trigger that marks customers dated out of insertion order (migration 0011) reads
// customers_merchant_created_idx: with that index dropped it would scan the merchant's customers
// on every insert. Off during the load; the loaded customers are marked in one pass after the
// indexes are rebuilt, and the trigger is put back in the same transaction.
const seqBefore = sqlite.prepare("select coalesce(max(seq), 0) from customers").pluck().get() as number;
const outOfOrderTrigger = rebuild
  ? (sqlite.prepare("select sql from sqlite_master where type = 'trigger' and name = ?").pluck().get(OUT_OF_ORDER_INSERT_TRIGGER) as string | undefined)
  : undefined;
if (outOfOrderTrigger) sqlite.exec(`drop trigger "${OUT_OF_ORDER_INSERT_TRIGGER}"`);
if (rebuild) {
  const indexes = sqlite.prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${SEEDED_TABLES.map(() => "?").join(", ")})`).all(...SEEDED_TABLES) as { name: string; sql: string }[];
  for (const index of indexes) {
    const columns = (sqlite.pragma(`index_info("${index.name}")`) as { name: string }[]).map((c) => c.name);
    if (/^create unique index/i.test(index.sql) && columns.length === 1 && columns[0] === "id") continue;
    sqlite.exec(`drop index "${index.name}"`);
    deferred.push(index);
  }
}

const writeCustomers = (from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const n = firstNumber + i;
    const c = makeCustomer(r, n);
    const id = ids.id("customer");
    const created = createdAt[i];
    const deleted = r.chance(0.005) ? between(created, NOW) : null;
    insertCustomer.run(
      id,
      merchantId,
      c.email,
      c.email.toLowerCase(),
      c.name,
      c.phone,
      c.externalId,
      c.address ? JSON.stringify(c.address) : null,
      c.taxId,
      JSON.stringify(c.metadata),
      c.locale,
      created,
      deleted ?? created,
      deleted,
    );
    counts.customers++;
    customerIds[i] = id;
    customerCountry[i] = COUNTRIES.indexOf(c.country);
    lastPaymentAt[i] = deleted ?? NOW;
    // Deleted customers keep their payments only, as after a real deletion.
    if (deleted !== null) continue;
    const currency = c.country.currency;

    if (r.chance(0.3)) {
      const product = r.pick(plansFor(currency));
      const start = Math.min(created + between(0, 30 * DAY), NOW - 60_000);
      const quantity = r.weighted([[1, 8], [2, 1], [5, 1]] as const);
      const interval = product.interval!;
      const roll = r.next();
      let status: "active" | "trialing" | "past_due" | "cancelled" = "active";
      let cancelledAt: number | null = null;
      let atPeriodEnd = 0;
      let period: [number, number];
      if (roll < 0.15) {
        status = "cancelled";
        cancelledAt = between(Math.min(start + DAY, NOW - 60_000), NOW - 60_000);
        period = periodAround(start, interval, cancelledAt);
      } else {
        period = periodAround(start, interval, NOW);
        if (roll < 0.23) status = "past_due";
        else if (roll < 0.27 && NOW - start < 14 * DAY) status = "trialing";
        // A pending cancellation: its period has not ended (else every read would settle it).
        else if (roll < 0.33 && period[1] > NOW) atPeriodEnd = 1;
      }
      const reason = status === "cancelled" || atPeriodEnd ? r.pick([...cancelReasons, null]) : null;
      const subId = ids.id("subscription");
      insertSubscription.run(subId, merchantId, id, product.id, status, quantity, period[0], period[1], atPeriodEnd, cancelledAt, reason, reason === "other" ? "Moving to an in-house tool." : null, start, cancelledAt ?? start);
      counts.subscriptions++;
      subOf[i] = { id: subId, product, quantity, from: start, until: cancelledAt ?? NOW };
    }

    if (r.chance(0.1)) {
      let balance = 0;
      let at = between(created, NOW);
      const entries = r.weighted([[1, 5], [2, 4], [3, 1]] as const);
      for (let e = 0; e < entries; e++) {
        const credit = e === 0 || balance === 0 || r.chance(0.3);
        const amount = credit ? minorUnits(currency, r.pick([5, 10, 20, 50]) * (currency === "KRW" ? 1300 : currency === "JPY" ? 150 : currency === "INR" ? 80 : 1)) : Math.max(1, Math.floor(balance * (0.2 + r.next() * 0.8)));
        balance += credit ? amount : -amount;
        insertLedger.run(ids.id("walletLedgerEntry"), merchantId, id, currency, amount, credit ? "credit" : "debit", credit ? r.pick(["Welcome credit", "Goodwill credit", "추천 보상 (referral reward)", "Refund to wallet"]) : r.pick(["Applied to invoice", "Manual adjustment"]), balance, at);
        counts.wallet_ledger_entries++;
        if (e < entries - 1) at = between(at, NOW);
      }
      insertWallet.run(id, currency, balance, at);
    }

    if (r.chance(0.08)) {
      const keyId = ids.id("licenseKey");
      const keyCreated = between(created, NOW);
      const limit = r.pick([null, 1, 3, 5]);
      const expires = r.weighted([[null, 7], [NOW + 365 * DAY, 2], [between(keyCreated, NOW), 1]] as const);
      insertLicenseKey.run(keyId, merchantId, id, desktopFor(currency).id, ids.licenseKey(), r.chance(0.92) ? "active" : "disabled", limit, expires, keyCreated, keyCreated);
      counts.license_keys++;
      const instances = Math.min(limit ?? 2, r.int(0, 2));
      for (let k = 0; k < instances; k++) {
        const at = between(keyCreated, NOW);
        insertInstance.run(ids.id("licenseKeyInstance"), keyId, r.pick(DEVICE_NAMES), at, r.chance(0.5) ? between(at, NOW) : null, r.chance(0.15) ? between(at, NOW) : null);
        counts.license_key_instances++;
      }
    }
  }
};
const STEP = Math.max(10_000, Math.ceil(N / 10));
for (let from = 0; from < N; from += STEP) {
  writeCustomers(from, Math.min(N, from + STEP));
  if (!values.json && N > STEP) log(`  customers: ${Math.min(N, from + STEP).toLocaleString("en")} of ${N.toLocaleString("en")}`);
}
const phase1Seconds = seconds(phase1);
log(`customers: ${counts.customers.toLocaleString("en")} (+ ${counts.subscriptions.toLocaleString("en")} subscriptions, ${counts.wallet_ledger_entries.toLocaleString("en")} ledger entries, ${counts.license_keys.toLocaleString("en")} license keys) in ${phase1Seconds} s`);

// ── Phase 2: payments in date order, so invoice numbers follow the dates ──
const phase2 = performance.now();
const perCustomer = new Uint8Array(N);
let total = 0;
for (let i = 0; i < N; i++) {
  perCustomer[i] = PPC === 0 ? 0 : r.int(Math.max(0, PPC - 2), PPC + 2);
  total += perCustomer[i];
}
// Counting sort by day, then each day's keys (ms within the day × 2^26 + customer index, exact in
// a double) sorted natively: millions of payments ordered without an object per payment.
const days = Math.ceil((NOW - T0) / DAY) + 1;
const at = new Float64Array(total);
const who = new Int32Array(total);
const perDay = new Int32Array(days + 1);
for (let i = 0, p = 0; i < N; i++) {
  for (let k = 0; k < perCustomer[i]; k++, p++) {
    at[p] = between(createdAt[i], lastPaymentAt[i]);
    who[p] = i;
    perDay[Math.floor((at[p] - T0) / DAY) + 1]++;
  }
}
for (let d = 1; d <= days; d++) perDay[d] += perDay[d - 1];
const keys = new Float64Array(total);
const fill = perDay.slice(0, days);
const SHIFT = 2 ** 26;
for (let p = 0; p < total; p++) {
  const d = Math.floor((at[p] - T0) / DAY);
  keys[fill[d]++] = (at[p] - T0 - d * DAY) * SHIFT + who[p];
}
for (let d = 0; d < days; d++) keys.subarray(perDay[d], perDay[d + 1]).sort();

const insertPayment = sqlite.prepare(
  `insert into payments (id, merchant_id, customer_id, subscription_id, status, currency, subtotal, tax, amount, amount_refunded, payment_method, invoice_number, invoiced_at, failure_reason, created_at, updated_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertItem = sqlite.prepare(
  "insert into payment_items (payment_id, position, description, quantity, unit_amount, tax_rate_bps, line_amount, tax) values (?, ?, ?, ?, ?, ?, ?, ?)",
);
const insertRefund = sqlite.prepare("insert into refunds (id, merchant_id, payment_id, amount, currency, reason, created_at) values (?, ?, ?, ?, ?, ?, ?)");
const counter = sqlite.prepare(
  "insert into invoice_counters (merchant_id, last_number) values (?, 0) on conflict (merchant_id) do update set last_number = last_number returning last_number",
).pluck();
const saveCounter = sqlite.prepare("update invoice_counters set last_number = ? where merchant_id = ?");

const templates = new Map<string, PaymentTemplate[]>();
const templatesFor = (currency: string, taxBps: number) => {
  const key = `${currency}:${taxBps}`;
  if (!templates.has(key)) templates.set(key, paymentTemplates(r, currency, taxBps));
  return templates.get(key)!;
};
const planBaskets = new Map<string, PaymentTemplate>();
const planBasket = (product: ProductRow, quantity: number, taxBps: number) => {
  const key = `${product.id}:${quantity}:${taxBps}`;
  if (!planBaskets.has(key)) {
    const items = [{ description: `${product.name} — ${product.interval === "year" ? "annual" : "monthly"}`, quantity, unit_amount: product.price, tax_rate_bps: taxBps }];
    planBaskets.set(key, { currency: product.currency, items, totals: priceLines(items) });
  }
  return planBaskets.get(key)!;
};
const methodFor = (currency: string) => {
  const roll = r.next();
  if (currency === "INR" && roll < 0.4) return '{"type":"upi"}';
  if (roll > 0.95) return '{"type":"bank_transfer"}';
  if (roll > 0.92) return '{"type":"wallet"}';
  return JSON.stringify({ type: "card", brand: r.pick(CARD_BRANDS), last4: String(r.int(0, 9999)).padStart(4, "0") });
};

let last = counter.get(merchantId) as number;
const writePayments = (from: number, to: number) => {
  for (let q = from; q < to; q++) {
    const i = keys[q] % SHIFT;
    const t = T0 + dayOf(q) * DAY + Math.floor(keys[q] / SHIFT);
    const country = COUNTRIES[customerCountry[i]];
    const sub = subOf[i];
    // Most of a subscriber's payments during the subscription are its renewals.
    const renewal = sub && t >= sub.from && t <= sub.until && r.chance(0.7) ? sub : null;
    const basket = renewal
      ? planBasket(renewal.product, renewal.quantity, country.taxBps)
      : r.pick(templatesFor(r.chance(0.9) ? country.currency : "USD", country.taxBps));
    const status =
      NOW - t < 3 * DAY && r.chance(0.15)
        ? "pending"
        : r.weighted([["succeeded", 84], ["failed", 8], ["refunded", 4], ["partially_refunded", 4]] as const);
    const amount = basket.totals.amount;
    const invoiced = status !== "pending" && status !== "failed";
    let refunded = 0;
    let refundAt = t;
    if (status === "refunded" || status === "partially_refunded") {
      refunded = status === "refunded" || amount < 2 ? amount : Math.max(1, Math.min(amount - 1, Math.floor(amount * (0.1 + r.next() * 0.5))));
      refundAt = between(t, Math.min(NOW, t + 10 * DAY));
    }
    const id = ids.id("payment");
    insertPayment.run(
      id,
      merchantId,
      customerIds[i],
      renewal?.id ?? null,
      refunded === amount && refunded > 0 ? "refunded" : status,
      basket.currency,
      basket.totals.subtotal,
      basket.totals.tax,
      amount,
      refunded,
      methodFor(basket.currency),
      invoiced ? formatInvoiceNumber(++last) : null,
      invoiced ? t : null,
      status === "failed" ? r.pick(FAILURE_REASONS) : null,
      t,
      refundAt,
    );
    counts.payments++;
    basket.totals.lines.forEach((line, position) => {
      insertItem.run(id, position, basket.items[position].description, line.quantity, line.unit_amount, line.tax_rate_bps, line.amount, line.tax);
      counts.payment_items++;
    });
    if (refunded > 0) {
      insertRefund.run(ids.id("refund"), merchantId, id, refunded, basket.currency, r.pick(REFUND_REASONS), refundAt);
      counts.refunds++;
    }
  }
};

// keys[] is ordered by day bucket; the day of position q is found by a moving pointer.
let dayPointer = 0;
function dayOf(q: number) {
  while (perDay[dayPointer + 1] <= q) dayPointer++;
  return dayPointer;
}
const PAYMENT_STEP = STEP * PPC || 1;
for (let from = 0; from < total; from += PAYMENT_STEP) {
  writePayments(from, Math.min(total, from + PAYMENT_STEP));
  if (!values.json && total > PAYMENT_STEP) log(`  payments: ${Math.min(total, from + PAYMENT_STEP).toLocaleString("en")} of ${total.toLocaleString("en")}`);
}
saveCounter.run(last, merchantId);
const phase2Seconds = seconds(phase2);
log(`payments: ${counts.payments.toLocaleString("en")} (${counts.payment_items.toLocaleString("en")} items, ${counts.refunds.toLocaleString("en")} refunds) in ${phase2Seconds} s`);

const phase3 = performance.now();
for (const index of deferred) sqlite.exec(index.sql);
if (outOfOrderTrigger) {
  const marked = markOutOfOrderCustomers(sqlite, seqBefore);
  sqlite.exec(outOfOrderTrigger);
  log(`customers dated before an earlier one: ${marked.toLocaleString("en")} marked`);
}
const indexSeconds = seconds(phase3);
if (deferred.length > 0) log(`indexes: ${deferred.length} rebuilt in ${indexSeconds} s`);
// The short-search index (migration 0009): its triggers queued every new customer.
const phase4 = performance.now();
const shortIndexed = shortSearchIndex.drain();
const shortSearchSeconds = seconds(phase4);
log(`short-search index: ${shortIndexed.toLocaleString("en")} customers in ${shortSearchSeconds} s`);
const commit = performance.now();
sqlite.exec("commit");
sqlite.pragma("wal_checkpoint(TRUNCATE)");
const commitSeconds = seconds(commit);
log(`commit and checkpoint: ${commitSeconds} s`);
const summary = {
  merchant: { id: merchantId, slug: merchant.slug },
  api_key: apiKey,
  ...counts,
  seconds: { customers: phase1Seconds, payments: phase2Seconds, indexes: indexSeconds, short_search: shortSearchSeconds, commit: commitSeconds, total: seconds(started) },
};
if (values.json) {
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} else {
  process.stdout.write(
    `Seeded ${counts.customers.toLocaleString("en")} customers and ${counts.payments.toLocaleString("en")} payments for ${merchant.slug} (${merchantId}) in ${summary.seconds.total} s.\n` +
      (apiKey ? `Created the merchant; its secret key (shown once): ${apiKey}\n` : ""),
  );
}
sqlite.close();
