import type Database from "better-sqlite3";

/**
 * `customers.out_of_order` (migration 0011, docs/decisions/028-customers-out-of-order.md): for
 * every two customers of a merchant whose seq order and created_at order disagree, the one
 * inserted later is marked. SQLite's triggers keep it for every writer; this is for a bulk load
 * that turns the insert trigger off while the index it reads is dropped (`seed:scale`).
 */
export const OUT_OF_ORDER_INSERT_TRIGGER = "customers_out_of_order_insert";

/**
 * Marks the customers with a seq above `afterSeq` that an earlier customer of their merchant is
 * dated after — what the insert trigger would have done for each of them, in one pass (a window
 * over the merchants' customers in seq order). Returns how many it marked.
 */
export function markOutOfOrderCustomers(sqlite: Database.Database, afterSeq: number): number {
  return sqlite
    .prepare(
      `update customers set out_of_order = 1 where seq in (
        select seq from (
          select seq, created_at,
            max(created_at) over (partition by merchant_id order by seq rows between unbounded preceding and 1 preceding) as before
          from customers
          where merchant_id in (select distinct merchant_id from customers where seq > ?)
        ) where seq > ? and created_at < before
      )`,
    )
    .run(afterSeq, afterSeq).changes;
}
