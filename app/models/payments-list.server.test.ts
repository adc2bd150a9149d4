import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useOwnDatabase } from "../../test/setup/own-database";

// A customer's first page of payments is read by a statement prepared once; every other page by
// `paginate`. Both must give the same rows, in the same order, with the same items, on a real
// SQLite file: payments with equal created_at (ordered by seq), other customers' and merchants'
// payments around them, payments without items and items stored out of position order.
useOwnDatabase("payments-list");

let m: typeof import("./payments.server");
let merchantId: string;
let customerId: string;
let expectedIds: string[];

beforeAll(async () => {
  m = await import("./payments.server");
  const { createMerchant } = await import("./merchants.server");
  const { createCustomer } = await import("./customers.server");
  const { db } = await import("~/utils/db.server");
  const { payments, paymentItems } = await import("#db/schema/index");
  const { newId } = await import("~/utils/ids.server");
  const actor = { type: "operator" } as const;
  const merchants = [createMerchant({ name: "List A" }).merchant.id, createMerchant({ name: "List B" }).merchant.id];
  merchantId = merchants[0]!;
  const customers = [0, 1].map((i) => createCustomer({ merchantId, input: { email: `list${i}@example.com`, name: `List ${i}` }, actor }).id);
  const elsewhere = createCustomer({ merchantId: merchants[1]!, input: { email: "list@example.com" }, actor }).id;
  customerId = customers[0]!;
  const times = [5, 5, 5, 9, 1, 7, 7, 3, 9, 2, 8, 8, 8, 4, 6, 0, 9, 9, 1, 5, 3, 6, 2, 4, 7, 7, 5, 8, 0, 1];
  times.forEach((t, i) => {
    for (const [merchant, customer] of [[merchantId, customers[i % 3 === 2 ? 1 : 0]!], [merchants[1]!, elsewhere]] as const) {
      const id = newId("payment");
      const at = new Date(Date.UTC(2026, 0, 1) + t * 86_400_000);
      db.insert(payments)
        .values({ id, merchantId: merchant, customerId: customer, status: "succeeded", currency: "EUR", subtotal: 100 * i, tax: 0, amount: 100 * i, createdAt: at, updatedAt: at })
        .run();
      // Items inserted last position first; every fifth payment has none.
      const count = i % 5 === 4 ? 0 : 1 + (i % 3);
      for (let position = count - 1; position >= 0; position--) {
        db.insert(paymentItems)
          .values({ paymentId: id, position, description: `item ${position} of ${i}`, quantity: 1, unitAmount: 100, lineAmount: 100, tax: 0 })
          .run();
      }
    }
  });
  expectedIds = (
    db.all(sql`select id from payments where merchant_id = ${merchantId} and customer_id = ${customerId} order by created_at desc, seq desc`) as { id: string }[]
  ).map((r) => r.id);
});


const itemsShape = (items: { paymentId: string; position: number; description: string }[]) => items.map((i) => [i.paymentId, i.position, i.description]);

describe("a customer's payments, first page and the pages after it", () => {
  it.each([1, 2, 7, 19, 20, 21, 100])("limit %i: the same rows, order, items and has_more as paging through the rest", (limit) => {
    const first = m.listPayments({ merchantId, customerId, limit });
    expect(first.rows.map((r) => r.payment.id)).toEqual(expectedIds.slice(0, limit));
    expect(first.hasMore).toBe(expectedIds.length > limit);

    // Walk every page; the later ones go through paginate. Each payment as requirePayment reads it.
    const all = [...first.rows];
    let page = first;
    while (page.hasMore) {
      page = m.listPayments({ merchantId, customerId, limit, startingAfter: page.rows.at(-1)!.payment.id });
      all.push(...page.rows);
    }
    expect(all.map((r) => r.payment.id)).toEqual(expectedIds);
    for (const row of all) {
      const single = m.requirePayment({ merchantId, customerId, id: row.payment.id });
      expect(row.payment).toEqual(single.payment);
      expect(itemsShape(row.items)).toEqual(itemsShape(single.items));
      expect(row.items.map((i) => i.position)).toEqual([...row.items.keys()]);
    }
  });

  it("reads the same first page as the generic path (a status filter that every payment passes)", () => {
    const prepared = m.listPayments({ merchantId, customerId, limit: 10 });
    const generic = m.listPayments({ merchantId, customerId, limit: 10, status: "succeeded" });
    expect(prepared).toEqual(generic);
  });

  it("keeps other customers' and merchants' payments out", () => {
    const ids = new Set(m.listPayments({ merchantId, customerId, limit: 100 }).rows.map((r) => r.payment.customerId));
    expect([...ids]).toEqual([customerId]);
  });
});
