import type Database from "better-sqlite3";
import type { CustomerQuery } from "~/models/customer-list.server";

/** One customer row as the search and list tests write it straight into the table. */
export type CustomerRow = { id: string; merchant: string; email: string; name: string; externalId?: string | null; country?: string; createdAt: number; deletedAt?: number | null };

/**
 * Customers inserted with plain SQL (the index triggers fire as for any insert), inside `run`,
 * which is the caller's transaction: the app's `writeTransaction`, or a bare better-sqlite3 one.
 */
export function insertCustomerRows(sqlite: Database.Database, run: (fn: () => void) => void, rows: CustomerRow[]) {
  const statement = sqlite.prepare(
    "insert into customers (id, merchant_id, email, email_normalized, name, external_id, billing_address, metadata, created_at, updated_at, deleted_at) values (?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?)",
  );
  run(() => {
    for (const r of rows) {
      const address = JSON.stringify({ line1: "1 Road", city: "City", country: r.country ?? "US" });
      statement.run(r.id, r.merchant, r.email, r.email.toLowerCase(), r.name, r.externalId ?? null, address, r.createdAt, r.createdAt, r.deletedAt ?? null);
    }
  });
}

type ListCustomers = (opts: { merchantId: string; query: CustomerQuery }) => { rows: { id: string }[]; hasMore: boolean; nextCursor: string | null };

/** Every page of a query through listCustomers, following its cursors (or, with byId, the last row's id). */
export function everyPage(listCustomers: ListCustomers, merchantId: string, query: CustomerQuery, byId = false): string[] {
  const ids: string[] = [];
  let after: CustomerQuery["after"];
  for (let pages = 0; pages < 2000; pages++) {
    const page = listCustomers({ merchantId, query: { ...query, after } });
    ids.push(...page.rows.map((r) => r.id));
    if (!page.hasMore) return ids;
    after = byId ? { id: page.rows[page.rows.length - 1].id } : { cursor: page.nextCursor! };
  }
  throw new Error("too many pages");
}

/** A customer's place in its merchant's two orders, and its out-of-order mark (migration 0011, ADR 028). */
export type OrderRow = { seq: number; merchant_id: string; created_at: number; out_of_order: number };

/** Every customer's OrderRow, in seq order. */
export const orderRows = (sqlite: Database.Database) =>
  sqlite.prepare("select seq, merchant_id, created_at, out_of_order from customers order by seq").all() as OrderRow[];

/**
 * The marks the rows should have, by seq, computed here from the rows themselves: 1 exactly when
 * an earlier customer (smaller seq) of the same merchant has a later created_at.
 */
export function expectedOutOfOrderMarks(rows: OrderRow[]): Record<number, number> {
  const newest = new Map<string, number>();
  const marks: Record<number, number> = {};
  for (const r of rows) {
    const before = newest.get(r.merchant_id);
    marks[r.seq] = before !== undefined && r.created_at < before ? 1 : 0;
    newest.set(r.merchant_id, Math.max(before ?? -Infinity, r.created_at));
  }
  return marks;
}
