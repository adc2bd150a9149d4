import { beforeAll, describe, expect, it } from "vitest";
import type { CustomerQuery } from "./customer-list.server";
import { useOwnDatabase } from "../../test/setup/own-database";

// The API's customer JSON written by SQLite (customerJsonFields) must be, byte for byte, what
// JSON.stringify(serializeCustomer(…)) writes: checked on a real SQLite file with the values
// where two JSON writers could differ (escapes, non-ASCII, missing or reordered address keys).
useOwnDatabase("customer-json");

let m: {
  customers: typeof import("./customers.server");
  list: typeof import("./customer-list.server");
};
let merchantId: string;

const awkward = [
  'quote " backslash \\ slash / </script>',
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join("") + "\u007f\u0080\u2028\u2029",
  "김민지 François 😀 \ud83d\ude00",
  "lone \ud800 surrogate",
  "",
];

beforeAll(async () => {
  m = { customers: await import("./customers.server"), list: await import("./customer-list.server") };
  const { createMerchant } = await import("./merchants.server");
  const { db } = await import("~/utils/db.server");
  const { customers } = await import("#db/schema/index");
  const { newId } = await import("~/utils/ids.server");
  merchantId = createMerchant({ name: "Json" }).merchant.id;
  const at = [0, 1, 999, 946684800123, 1796224185614, 4102444799999];
  const addresses = [
    null,
    { line1: "1 Main St", city: "Seoul", country: "KR" },
    { country: "DK", postal_code: "33468", line1: awkward[0], line2: null, city: awkward[2], state: awkward[1], extra: "dropped" },
  ];
  awkward.forEach((text, i) => {
    db.insert(customers)
      .values({
        id: newId("customer"),
        merchantId,
        email: i === 4 ? null : `c${i}@example.com`,
        emailNormalized: i === 4 ? null : `c${i}@example.com`,
        name: text,
        phoneNumber: i % 2 ? null : "+82 10-0000-0000",
        externalId: text || null,
        billingAddress: addresses[i % 3] as never,
        shippingAddress: addresses[(i + 1) % 3] as never,
        taxId: text,
        metadata: i === 0 ? {} : { [text]: text, plain: "v" },
        customerType: i % 2 ? "company" : null,
        legalName: text,
        documentLocale: i % 2 ? "ko" : null,
        dateOfBirth: "2000-02-29",
        createdAt: new Date(at[i]),
        updatedAt: new Date(at[i + 1]),
      })
      .run();
  });
});

describe("customer JSON from SQLite", () => {
  it("reads a customer exactly as JSON.stringify(serializeCustomer(…)) writes it", () => {
    const page = m.list.listCustomers({ merchantId, query: { limit: 100 } });
    expect(page.rows).toHaveLength(awkward.length);
    for (const c of page.rows) {
      expect(m.customers.requireCustomerJson({ merchantId, id: c.id })).toBe(JSON.stringify(m.customers.serializeCustomer(c)));
    }
  });

  it.each<[string, CustomerQuery]>([
    ["plain pages", { limit: 2 }],
    ["plain pages by name", { limit: 2, sort: { key: "name", direction: "asc" } }],
    ["a filtered page", { limit: 100, filters: [{ field: "country", op: "in", values: ["KR", "DK"] }] }],
  ])("lists %s exactly as listCustomers + serializeCustomer", (_label, query) => {
    let cursor: string | null = null;
    do {
      const q = { ...query, ...(cursor ? { after: { cursor } } : {}) };
      const rows = m.list.listCustomers({ merchantId, query: q });
      const json = m.list.listCustomersJson({ merchantId, query: q });
      expect(json.rows).toEqual(rows.rows.map((c) => JSON.stringify(m.customers.serializeCustomer(c))));
      expect([json.hasMore, json.nextCursor]).toEqual([rows.hasMore, rows.nextCursor]);
      cursor = json.nextCursor;
    } while (cursor);
  });

  it("is not found for another merchant's customer", async () => {
    const { createMerchant } = await import("./merchants.server");
    const other = createMerchant({ name: "Other" }).merchant.id;
    const id = m.list.listCustomers({ merchantId, query: { limit: 1 } }).rows[0].id;
    expect(() => m.customers.requireCustomerJson({ merchantId: other, id })).toThrow();
  });
});
