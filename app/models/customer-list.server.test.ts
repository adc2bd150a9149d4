import { beforeAll, describe, expect, it } from "vitest";
import type { CustomerQuery } from "./customer-list.server";
import { useOwnDatabase } from "../../test/setup/own-database";

// The list's query plans, against a real SQLite file: every filter the issue names and every
// sort must be served by an index (no full scan of customers, no sort of the whole table), so
// they stay fast at 1,000,000 customers. `npm run bench` runs the same queries at that size.
useOwnDatabase("plans");

let m: {
  db: typeof import("~/utils/db.server");
  list: typeof import("./customer-list.server");
};
let merchantId: string;

beforeAll(async () => {
  m = { db: await import("~/utils/db.server"), list: await import("./customer-list.server") };
  const { createMerchant } = await import("./merchants.server");
  merchantId = createMerchant({ name: "Plans" }).merchant.id;
});

function plan(query: CustomerQuery): string {
  const { sql, params } = m.list.customerListStatement({ merchantId, query }).toSQL();
  const rows = m.db.sqlite.prepare(`explain query plan ${sql}`).all(...(params as unknown[])) as { detail: string }[];
  return rows.map((r) => r.detail).join("\n");
}

const d = (s: string) => new Date(s);

describe("customer list query plans", () => {
  it.each<[string, CustomerQuery, RegExp]>([
    ["email[eq]", { limit: 20, filters: [{ field: "email", op: "eq", value: "a@b.c" }] }, /customers_merchant_email_(live_uq|sort_idx)/],
    ["external_id[in]", { limit: 20, filters: [{ field: "external_id", op: "in", values: ["u1", "u2", "u3"] }] }, /customers_merchant_external_id_live_uq/],
    [
      "external_id[in] of 100, a cursor and a date",
      {
        limit: 20,
        filters: [{ field: "external_id", op: "in", values: Array.from({ length: 100 }, (_, i) => `u${i}`) }, { field: "created_at", op: "gte", value: d("2026-01-01") }],
        after: { cursor: Buffer.from(JSON.stringify(["-created_at", null, 1, 1])).toString("base64url") },
      },
      /customers_merchant_external_id_live_uq/,
    ],
    ["email[in]", { limit: 20, filters: [{ field: "email", op: "in", values: ["a@b.c", "d@e.f", "g@h.i"] }], sort: { key: "name", direction: "asc" } }, /customers_merchant_email_live_uq/],
    ["external_id[eq]", { limit: 20, filters: [{ field: "external_id", op: "eq", value: "u1" }] }, /customers_merchant_external_id_live_uq/],
    ["name[eq]", { limit: 20, filters: [{ field: "name", op: "eq", value: "Ada" }] }, /customers_merchant_name_sort_idx/],
    ["country[eq]", { limit: 20, filters: [{ field: "country", op: "eq", value: "KR" }] }, /customers_merchant_country_idx/],
    ["country[in]", { limit: 20, filters: [{ field: "country", op: "in", values: ["KR", "JP"] }] }, /customers_merchant_(country|created)_idx/],
    [
      "created_at range",
      { limit: 20, filters: [{ field: "created_at", op: "gte", value: d("2026-01-01") }, { field: "created_at", op: "lte", value: d("2026-02-01") }] },
      /customers_merchant_created_idx \(merchant_id=\? AND created_at>\? AND created_at<\?\)/,
    ],
    ["created_at[gte]", { limit: 20, filters: [{ field: "created_at", op: "gte", value: d("2026-01-01") }] }, /customers_merchant_created_idx \(merchant_id=\? AND created_at>\?\)/],
  ])("%s uses an index", (_label, query, index) => {
    const p = plan(query);
    expect(p).toMatch(index);
    expect(p).not.toMatch(/SCAN customers(?! USING)/);
  });

  const sorts = ["created_at", "name", "email"] as const;
  it.each(sorts.flatMap((key) => (["asc", "desc"] as const).map((direction) => ({ key, direction }))))(
    "sort $key $direction walks one index, also after a cursor, with no sort step",
    ({ key, direction }) => {
      const index = key === "created_at" ? "customers_merchant_created_idx" : `customers_merchant_${key}_sort_idx`;
      for (const after of [undefined, { cursor: Buffer.from(JSON.stringify([`${direction === "desc" ? "-" : ""}${key}`, key === "created_at" ? null : "m", 1, 1])).toString("base64url") }]) {
        const p = plan({ limit: 20, sort: { key, direction }, after });
        expect(p).toContain(index);
        expect(p).not.toContain("TEMP B-TREE");
        expect(p).not.toMatch(/SCAN customers(?! USING)/);
        // Resuming seeks into the index instead of reading it from the start.
        if (after) expect(p).toMatch(/SEARCH customers USING INDEX \S+ \(merchant_id=\? AND \(?(sort_\w+|created_at)\b/);
      }
    },
  );
});

describe("search query plans", () => {
  it.each(["created_at", "name", "email"] as const)(
    "q of three or more characters reads its matches by primary key (sort %s), never the merchant's index walk",
    (key) => {
      const p = plan({ limit: 20, q: "minji@example.com", sort: { key, direction: "desc" } });
      expect(p).toContain("customers_fts");
      expect(p).toMatch(/SEARCH customers USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(p).toContain("customers_merchant_external_id_live_uq");
      expect(p).not.toMatch(/customers_merchant_(created|name_sort|email_sort)_idx/);
      expect(p).not.toMatch(/SCAN customers(?!_fts| USING)/);
    },
  );
});
