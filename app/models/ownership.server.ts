import { and, eq, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

type Owned = { id: SQLiteColumn; merchantId: SQLiteColumn; customerId?: SQLiteColumn };

/**
 * The condition every lookup by id carries: this id, of this merchant, and — when a customer
 * acts — of this customer. Another merchant's or customer's id then finds nothing, exactly like
 * a missing one.
 */
export function owned(table: Owned, opts: { id: string; merchantId: string; customerId?: string }): SQL | undefined {
  return and(
    eq(table.id, opts.id),
    eq(table.merchantId, opts.merchantId),
    opts.customerId && table.customerId ? eq(table.customerId, opts.customerId) : undefined,
  );
}
