import Database from "better-sqlite3";
import { isValidPhoneNumber } from "libphonenumber-js/max";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../setup/api";
import { expectedOutOfOrderMarks, orderRows } from "../setup/customer-rows";
import { runCli, startServer, tempDbFile, type TestServer } from "../setup/server";

type Summary = { merchant: { id: string; slug: string }; api_key: string | null; customers: number; payments: number; payment_items: number; refunds: number; subscriptions: number; wallet_ledger_entries: number; license_keys: number };

/** Whether each customer's mark (migration 0011) is what it should be: set exactly when an earlier customer of its merchant is dated after it. */
function expectOutOfOrderMarks(d: Database.Database) {
  const rows = orderRows(d);
  const expected = expectedOutOfOrderMarks(rows);
  expect(rows.filter((r) => r.out_of_order !== expected[r.seq])).toEqual([]);
  return rows.filter((r) => r.out_of_order === 1).length;
}

function seed(dbFile: string, args: string[]) {
  const out = runCli("seed-scale", [...args, "--json"], dbFile);
  if (out.status !== 0) throw new Error(`seed:scale failed (${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout) as Summary;
}

describe("npm run seed:scale", () => {
  const dbFile = tempDbFile("seed-scale");
  let first: Summary;
  let second: Summary;
  let db: Database.Database;
  /** A moment before either seed run read its clock ("now" for what it wrote). */
  let seededAfter: number;
  const all = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
  const one = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;

  beforeAll(() => {
    seededAfter = Date.now();
    first = seed(dbFile, ["--customers", "400", "--merchant", "acme-scale"]);
    // A second run appends to the same merchant.
    second = seed(dbFile, ["--customers", "60", "--merchant", "acme-scale", "--seed", "7"]);
    db = new Database(dbFile, { readonly: true });
  });
  afterAll(() => db?.close());

  it("creates the merchant once, prints its key once, and counts what it wrote", () => {
    expect(first.api_key).toMatch(/^sk_test_[0-9A-Za-z]{43}$/);
    expect(second.api_key).toBeNull();
    expect(second.merchant.id).toBe(first.merchant.id);
    expect(one<{ n: number }>("select count(*) n from customers").n).toBe(460);
    expect(one<{ n: number }>("select count(*) n from payments").n).toBe(first.payments + second.payments);
    expect(one<{ n: number }>("select count(*) n from payment_items").n).toBe(first.payment_items + second.payment_items);
    expect(first.payments).toBeGreaterThan(400 * 4);
    expect(first.subscriptions).toBeGreaterThan(0);
    expect(first.wallet_ledger_entries).toBeGreaterThan(0);
    expect(first.license_keys).toBeGreaterThan(0);
  });

  it("writes prefixed ids, folded unique emails and unique external ids", () => {
    const customers = all<{ id: string; email: string; email_normalized: string; external_id: string | null; deleted_at: number | null }>("select * from customers");
    for (const c of customers) {
      expect(c.id).toMatch(/^cus_[0-9A-Za-z]{22}$/);
      expect(c.email_normalized).toBe(c.email.toLowerCase());
    }
    const live = customers.filter((c) => c.deleted_at === null);
    expect(new Set(live.map((c) => c.email_normalized)).size).toBe(live.length);
    const external = live.flatMap((c) => (c.external_id ? [c.external_id] : []));
    expect(new Set(external).size).toBe(external.length);
    for (const [table, prefix] of [["payments", "pay"], ["subscriptions", "sub"], ["refunds", "re"], ["wallet_ledger_entries", "wle"], ["license_keys", "lk"], ["products", "prod"]] as const) {
      const bad = all<{ id: string }>(`select id from ${table}`).filter((r) => !new RegExp(`^${prefix}_[0-9A-Za-z]{22}$`).test(r.id));
      expect(bad, table).toEqual([]);
    }
  });

  it("writes realistic people: Hangul, Japanese and accented Latin names, valid E.164 phones, ISO countries, two years of sign-ups", () => {
    const names = all<{ name: string | null }>("select name from customers").map((r) => r.name ?? "");
    expect(names.some((n) => /[\uac00-\ud7a3]/.test(n))).toBe(true);
    expect(names.some((n) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(n))).toBe(true);
    expect(names.some((n) => /[À-ž]/.test(n))).toBe(true);
    const phones = all<{ phone_number: string }>("select phone_number from customers where phone_number is not null");
    expect(phones.length).toBeGreaterThan(100);
    expect(phones.filter((p) => !/^\+\d{8,15}$/.test(p.phone_number) || !isValidPhoneNumber(p.phone_number))).toEqual([]);
    for (const { billing_address } of all<{ billing_address: string }>("select billing_address from customers where billing_address is not null")) {
      expect(JSON.parse(billing_address).country).toMatch(/^[A-Z]{2}$/);
    }
    const span = one<{ oldest: number; newest: number }>("select min(created_at) oldest, max(created_at) newest from customers");
    expect(Date.now() - span.oldest).toBeGreaterThan(365 * 86_400_000);
    expect(span.newest).toBeLessThanOrEqual(Date.now());
  });

  it("numbers invoices once, without gaps, in date order, and leaves the counter at the last number", () => {
    const invoiced = all<{ invoice_number: string | null; status: string; created_at: number; invoiced_at: number | null }>(
      "select invoice_number, status, created_at, invoiced_at from payments order by seq",
    );
    for (const p of invoiced) {
      expect(p.invoice_number !== null, p.status).toBe(["succeeded", "refunded", "partially_refunded"].includes(p.status));
      expect(p.invoiced_at !== null).toBe(p.invoice_number !== null);
    }
    const numbers = invoiced.flatMap((p) => (p.invoice_number ? [Number(p.invoice_number.slice(4))] : []));
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    expect(one<{ last_number: number }>("select last_number from invoice_counters").last_number).toBe(numbers.length);
    // Within each run, payments are written in date order, so numbers follow the dates.
    for (const run of [invoiced.slice(0, first.payments), invoiced.slice(first.payments)]) {
      const dates = run.filter((p) => p.invoice_number).map((p) => p.created_at);
      expect(dates).toEqual([...dates].sort((a, b) => a - b));
    }
  });

  it("keeps money consistent: totals from the items, refunds that add up, balances from the ledger", () => {
    expect(one<{ n: number }>("select count(*) n from payments p where amount <> subtotal + tax or subtotal <> (select sum(line_amount) from payment_items i where i.payment_id = p.id) or tax <> (select sum(tax) from payment_items i where i.payment_id = p.id)").n).toBe(0);
    expect(one<{ n: number }>("select count(*) n from payments p where amount_refunded <> coalesce((select sum(amount) from refunds r where r.payment_id = p.id), 0)").n).toBe(0);
    expect(one<{ n: number }>("select count(*) n from payments where (status = 'refunded') <> (amount_refunded = amount and amount_refunded > 0)").n).toBe(0);
    expect(one<{ n: number }>("select count(*) n from payments where (status = 'partially_refunded') <> (amount_refunded > 0 and amount_refunded < amount)").n).toBe(0);
    expect(
      one<{ n: number }>(
        "select count(*) n from wallets w where balance <> (select balance_after from wallet_ledger_entries e where e.customer_id = w.customer_id and e.currency = w.currency order by created_at desc, seq desc limit 1)",
      ).n,
    ).toBe(0);
    expect(one<{ n: number }>("select count(*) n from payments p join customers c on c.id = p.customer_id where p.created_at < c.created_at").n).toBe(0);
    expect(one<{ n: number }>("select count(*) n from payments p join subscriptions s on s.id = p.subscription_id join products pr on pr.id = s.product_id where pr.currency <> p.currency or s.customer_id <> p.customer_id").n).toBe(0);
    expect(all<{ currency: string }>("select distinct currency from payments").length).toBeGreaterThanOrEqual(4);
  });

  it("writes subscriptions the app will not have to settle on read", () => {
    // Judged at seeding time (not the test's "now", which a pending period end may have passed
    // since on a slow run).
    expect(one<{ n: number }>("select count(*) n from subscriptions where cancel_at_period_end = 1 and (current_period_end <= ? or status = 'cancelled')", seededAfter).n).toBe(0);
    expect(one<{ n: number }>("select count(*) n from subscriptions where current_period_end <= current_period_start").n).toBe(0);
    expect(one<{ n: number }>("select count(*) n from subscriptions where (status = 'cancelled') <> (cancelled_at is not null)").n).toBe(0);
  });

  it("rebuilds the indexes it drops for a large load, in the same transaction", () => {
    const other = tempDbFile("seed-scale-rebuild");
    seed(other, ["--customers", "300", "--merchant", "rebuilt", "--rebuild-indexes"]);
    // Appended, again with the indexes dropped (and the out-of-order trigger off while they are).
    const summary = seed(other, ["--customers", "120", "--merchant", "rebuilt", "--seed", "3", "--rebuild-indexes"]);
    const rebuilt = new Database(other, { readonly: true });
    const schema = (d: Database.Database, type: string) => d.prepare("select name, sql from sqlite_master where type = ? order by name").all(type);
    expect(schema(rebuilt, "index")).toEqual(schema(db, "index"));
    expect(schema(rebuilt, "trigger")).toEqual(schema(db, "trigger"));
    expect(rebuilt.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(rebuilt.prepare("select count(*) from payments where merchant_id = ?").pluck().get(summary.merchant.id)).toBeGreaterThan(summary.payments);
    // The second load's customers were marked in one pass after the load, as the trigger would have.
    expect(expectOutOfOrderMarks(rebuilt)).toBeGreaterThan(0);
    rebuilt.close();
  });

  it("leaves the customers the second run dated before the first run's marked out of order", () => {
    // Each run spreads its sign-ups over the same two years, in time order within the run.
    expect(expectOutOfOrderMarks(db)).toBeGreaterThan(0);
    expect(one<{ n: number }>("select count(*) as n from customers where out_of_order = 1 and seq <= 400").n).toBe(0);
  });

  it("indexes every customer for one- and two-character searches before it commits", () => {
    expect(one<{ n: number }>("select count(*) as n from customers_grams_pending").n).toBe(0);
    // One index row a customer (contentless: its rowids are the customers' seqs).
    expect(all<{ seq: number }>("select rowid as seq from customers_grams order by rowid")).toEqual(all("select seq from customers order by seq"));
  });

  it("refuses bad flags with a clear message", () => {
    const zero = runCli("seed-scale", ["--customers", "0"], tempDbFile("seed-scale-bad"));
    expect(zero.status).toBe(2);
    expect(zero.stderr).toMatch(/--customers must be an integer ≥ 1/);
    const slug = runCli("seed-scale", ["--customers", "5", "--merchant", "Not A Slug"], tempDbFile("seed-scale-bad"));
    expect(slug.status).toBe(2);
    expect(slug.stderr).toMatch(/--merchant must be lowercase letters, digits and dashes/);
  });

  describe("the app serves the seeded data", () => {
    let server: TestServer;
    let api: ReturnType<typeof apiClient>;
    beforeAll(async () => {
      server = await startServer({ dbFile });
      api = apiClient(server.url, first.api_key!);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it("lists, reads and searches customers, and renders a seeded invoice", async () => {
      const list = await api.get("/customers?limit=20");
      expect(list.status).toBe(200);
      expect(list.body.data).toHaveLength(20);
      const newest = one<{ id: string }>("select id from customers where deleted_at is null order by created_at desc, seq desc limit 1");
      expect(list.body.data[0].id).toBe(newest.id);
      const read = await api.get(`/customers/${list.body.data[5].id}`);
      expect(read.status).toBe(200);
      const hangul = one<{ name: string }>("select name from customers where name glob '*[가-힣]*' and deleted_at is null limit 1").name;
      const found = await api.get(`/customers?q=${encodeURIComponent(hangul.slice(1))}&limit=100`);
      expect(found.body.data.map((c: { name: string }) => c.name)).toContain(hangul);
      const payment = one<{ id: string }>("select id from payments where status = 'partially_refunded' limit 1");
      const pdf = await fetch(`${server.url}/api/v1/payments/${payment.id}/invoice`, { headers: { Authorization: `Bearer ${first.api_key}` } });
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get("content-type")).toBe("application/pdf");
    });

    it("shows a seeded subscriber's portal", async () => {
      const subscriber = one<{ customer_id: string }>("select s.customer_id from subscriptions s join customers c on c.id = s.customer_id where s.status = 'active' and c.deleted_at is null limit 1");
      const minted = await api.post(`/customers/${subscriber.customer_id}/portal-sessions`, {});
      expect(minted.status).toBe(201);
      const exchanged = await fetch(minted.body.url, { redirect: "manual" });
      const cookie = exchanged.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      for (const path of ["/portal", "/portal/billing", "/portal/subscriptions"]) {
        const page = await fetch(`${server.url}${path}`, { headers: { Cookie: cookie } });
        expect(page.status, path).toBe(200);
        await page.arrayBuffer();
      }
    });
  });
});
