import { beforeAll, describe, expect, it } from "vitest";
import { useOwnDatabase } from "../../test/setup/own-database";

// `POST …/entitlements/{feature}/check` is a hot path for merchants' backends: one statement
// whose plan reads the entitlement by (customer, feature) and its customer by id, each through a
// unique index, never scanning a table. `npm run bench` measures it (scenario entitlement_check).
useOwnDatabase("check-plan");

let m: {
  db: typeof import("~/utils/db.server");
  entitlements: typeof import("./entitlements.server");
};
let merchantId: string;
let customerId: string;
const actor = { type: "system" } as const;

beforeAll(async () => {
  m = { db: await import("~/utils/db.server"), entitlements: await import("./entitlements.server") };
  const { createMerchant } = await import("./merchants.server");
  const { createCustomer } = await import("./customers.server");
  merchantId = createMerchant({ name: "Checks" }).merchant.id;
  // Enough rows that SQLite's planner has a table worth avoiding; ANALYZE gives it real statistics.
  m.db.writeTransaction(() => {
    for (let i = 0; i < 300; i++) {
      const c = createCustomer({ merchantId, input: { email: `c${i}@checks.example` }, actor });
      if (i === 150) customerId = c.id;
      for (const feature of ["api.calls", "seats", "storage"]) {
        m.entitlements.putEntitlement({ merchantId, customerId: c.id, feature, input: { limit: 100, reset_interval: "month" }, actor });
      }
    }
  });
  m.db.sqlite.exec("analyze");
});

/** The plan for these values (better-sqlite3 builds SQLite with STAT4: bound values can change it). */
function plan(sql: string, params: unknown[] = (sql.match(/\?/g) ?? []).map(() => "x")): string[] {
  const rows = m.db.sqlite.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[];
  return rows.map((r) => r.detail);
}

describe("entitlement check", () => {
  it("is one statement: the entitlement by its unique (customer, feature) index, the customer by id, no scan", () => {
    const sql = m.entitlements.entitlementCheckSql();
    expect(sql.trim()).toMatch(/^select /i);
    expect(sql.split(";").filter((s) => s.trim()).length).toBe(1);
    // With values that exist (the placeholders are customer, feature, customer, merchant) and
    // with values that match nothing.
    for (const steps of [plan(sql, [customerId, "seats", customerId, merchantId]), plan(sql)]) {
      expect(steps).toHaveLength(2);
      expect(steps).toContainEqual(expect.stringMatching(/^SEARCH entitlements USING INDEX entitlements_customer_feature_uq \(customer_id=\? AND feature=\?\)$/));
      expect(steps).toContainEqual(expect.stringMatching(/^SEARCH customers USING INDEX customers_id_unique \(id=\?\)$/));
      for (const step of steps) expect(step).not.toMatch(/^SCAN|TEMP B-TREE/);
    }
  });

  it("the plan check would catch a scan", () => {
    // The same lookup by a column no index leads with: SQLite has to scan.
    expect(plan("select * from entitlements where feature = ?").join("\n")).toMatch(/^SCAN entitlements/m);
  });

  it("answers from that one read", () => {
    m.db.writeTransaction(() =>
      m.entitlements.recordUsage({ merchantId, customerId, input: { feature: "seats", quantity: 99 }, actor }),
    );
    expect(m.entitlements.checkEntitlement({ merchantId, customerId, feature: "seats", quantity: 1 })).toEqual({ allowed: true, used: 99, limit: 100, remaining: 1 });
    expect(m.entitlements.checkEntitlement({ merchantId, customerId, feature: "seats", quantity: 2 })).toEqual({ allowed: false, used: 99, limit: 100, remaining: 1 });
  });
});
