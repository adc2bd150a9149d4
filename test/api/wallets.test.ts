import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../setup/api";
import type { TestServer } from "../setup/server";
import { startWithTwoMerchants } from "./merchant-helpers";

let server: TestServer;
let api: ApiClient;
let other: ApiClient;

async function newCustomer(email: string) {
  return (await api.post("/customers", { email })).body.id as string;
}
const book = (customerId: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  api.post(`/customers/${customerId}/wallets/ledger-entries`, body, headers);

beforeAll(async () => {
  ({ server, api, otherApi: other } = await startWithTwoMerchants());
});
afterAll(async () => {
  await server?.stop();
});

describe("wallet ledger", () => {
  it("books credits and debits with balance_after, one balance per currency", async () => {
    const cust = await newCustomer("w1@example.com");
    const credit = await book(cust, { currency: "usd", amount: 5000, entry_type: "credit", reason: "Welcome credit" });
    expect(credit.status).toBe(201);
    expect(credit.body).toMatchObject({
      object: "wallet_ledger_entry",
      customer_id: cust,
      currency: "USD",
      amount: 5000,
      entry_type: "credit",
      reason: "Welcome credit",
      idempotency_key: null,
      balance_after: 5000,
    });
    expect(credit.body.id).toMatch(/^wle_/);
    expect((await book(cust, { currency: "USD", amount: 1200, entry_type: "debit" })).body.balance_after).toBe(3800);
    expect((await book(cust, { currency: "KRW", amount: 10000, entry_type: "credit" })).body.balance_after).toBe(10000);

    const wallets = await api.get(`/customers/${cust}/wallets`);
    expect(wallets.status).toBe(200);
    expect(wallets.body.object).toBe("list");
    expect(wallets.body.data.map((w: { currency: string; balance: number; object: string }) => [w.object, w.currency, w.balance])).toEqual([
      ["wallet", "KRW", 10000],
      ["wallet", "USD", 3800],
    ]);
    expect(wallets.body.data[0].updated_at).toMatch(/Z$/);

    const entries = await api.get(`/customers/${cust}/wallets/ledger-entries`);
    expect(entries.body.data.map((e: { balance_after: number }) => e.balance_after)).toEqual([10000, 3800, 5000]);
    const usd = await api.get(`/customers/${cust}/wallets/ledger-entries?currency=usd&limit=1`);
    expect(usd.body.data.map((e: { amount: number }) => e.amount)).toEqual([1200]);
    expect(usd.body.has_more).toBe(true);
  });

  it("refuses a debit past the balance with 422 insufficient_balance and books nothing", async () => {
    const cust = await newCustomer("w2@example.com");
    await book(cust, { currency: "INR", amount: 100, entry_type: "credit" });
    const res = await book(cust, { currency: "INR", amount: 101, entry_type: "debit" });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "insufficient_balance", param: "amount" });
    const never = await book(cust, { currency: "EUR", amount: 1, entry_type: "debit" });
    expect(never.status).toBe(422);
    expect((await api.get(`/customers/${cust}/wallets`)).body.data).toEqual([expect.objectContaining({ currency: "INR", balance: 100 })]);
    expect((await api.get(`/customers/${cust}/wallets/ledger-entries`)).body.data).toHaveLength(1);
  });

  it.each([
    [{ amount: 0 }, "amount"],
    [{ amount: -10 }, "amount"],
    [{ amount: 10.5 }, "amount"],
    [{ amount: "10" }, "amount"],
    [{ amount: 1e12 + 1 }, "amount"],
    [{ currency: "ZZZ" }, "currency"],
    [{ entry_type: "refund" }, "entry_type"],
    [{ reason: "x".repeat(1001) }, "reason"],
  ])("refuses %j with 422", async (patch, param) => {
    const cust = await newCustomer(`bad-${param}-${Math.random()}@example.com`);
    const res = await book(cust, { currency: "USD", amount: 100, entry_type: "credit", ...patch });
    expect(res.status).toBe(422);
    expect(res.body.error.param).toBe(param);
    expect((await api.get(`/customers/${cust}/wallets`)).body.data).toEqual([]);
  });

  it("answers 404 for another merchant's customer on every wallet endpoint", async () => {
    const cust = await newCustomer("w3@example.com");
    await book(cust, { currency: "USD", amount: 100, entry_type: "credit" });
    expect((await other.get(`/customers/${cust}/wallets`)).status).toBe(404);
    expect((await other.get(`/customers/${cust}/wallets/ledger-entries`)).status).toBe(404);
    const post = await other.post(`/customers/${cust}/wallets/ledger-entries`, { currency: "USD", amount: 100, entry_type: "debit" });
    expect(post.status).toBe(404);
    expect((await api.get(`/customers/${cust}/wallets`)).body.data[0].balance).toBe(100);
  });

  it("books a repeated body idempotency_key once and returns the first entry", async () => {
    const cust = await newCustomer("w4@example.com");
    const first = await book(cust, { currency: "USD", amount: 700, entry_type: "credit", idempotency_key: "topup-1" });
    const again = await book(cust, { currency: "USD", amount: 700, entry_type: "credit", idempotency_key: "topup-1" });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await api.get(`/customers/${cust}/wallets`)).body.data[0].balance).toBe(700);
  });

  it("uses the Idempotency-Key header as the entry's key", async () => {
    const cust = await newCustomer("w5@example.com");
    const first = await book(cust, { currency: "USD", amount: 300, entry_type: "credit" }, { "Idempotency-Key": "hdr-1" });
    expect(first.body.idempotency_key).toBe("hdr-1");
    const again = await book(cust, { currency: "USD", amount: 300, entry_type: "credit" }, { "Idempotency-Key": "hdr-1" });
    expect(again.body.id).toBe(first.body.id);
    expect((await api.get(`/customers/${cust}/wallets/ledger-entries`)).body.data).toHaveLength(1);
  });
});

describe("wallet concurrency", () => {
  it("lets exactly 10 of 20 parallel debits of 10 through a balance of 100, ending at 0", async () => {
    const cust = await newCustomer("c1@example.com");
    await book(cust, { currency: "USD", amount: 100, entry_type: "credit" });
    const results = await Promise.all(Array.from({ length: 20 }, () => book(cust, { currency: "USD", amount: 10, entry_type: "debit" })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 422 && r.body.error.code === "insufficient_balance")).toHaveLength(10);
    expect(results.filter((r) => r.status === 201).map((r) => r.body.balance_after).sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect((await api.get(`/customers/${cust}/wallets`)).body.data[0].balance).toBe(0);
  });

  it.each([
    ["body idempotency_key", () => [{ currency: "USD", amount: 50, entry_type: "credit", idempotency_key: "same" }, undefined] as const],
    ["Idempotency-Key header", () => [{ currency: "USD", amount: 50, entry_type: "credit" }, { "Idempotency-Key": "same-hdr" }] as const],
  ])("books one entry for the same %s sent 10 times in parallel", async (_label, make) => {
    const cust = await newCustomer(`c-${_label.length}@example.com`);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => {
        const [body, headers] = make();
        return book(cust, body, headers);
      }),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await api.get(`/customers/${cust}/wallets/ledger-entries`)).body.data).toHaveLength(1);
    expect((await api.get(`/customers/${cust}/wallets`)).body.data[0].balance).toBe(50);
  });

  it("answers 404 for a deleted customer's wallets", async () => {
    const cust = await newCustomer("gone@example.com");
    await book(cust, { currency: "USD", amount: 100, entry_type: "credit" });
    expect((await api.del(`/customers/${cust}`)).status).toBe(200);
    expect((await api.get(`/customers/${cust}/wallets`)).status).toBe(404);
  });
});
