import { describe, expect, it } from "vitest";
import { AmountOverflowError, divideRoundHalfAwayFromZero, lineTax, priceLines, refundableAmount, statusAfterRefund, subscriptionAmount } from "./money";

describe("divideRoundHalfAwayFromZero", () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [4n, 2n, 2n],
    [149n, 100n, 1n],
    [150n, 100n, 2n],
    [-150n, 100n, -2n],
    [-149n, 100n, -1n],
    [0n, 7n, 0n],
  ])("%s / %s → %s", (n, d, want) => {
    expect(divideRoundHalfAwayFromZero(n, d)).toBe(want);
  });
});

describe("lineTax", () => {
  it.each([
    // line, bps, tax
    [1000n, 1000, 100n], // 10 % of 10.00
    [1005n, 1000, 101n], // 100.5 → 101 (half away from zero)
    [1004n, 1000, 100n], // 100.4 → 100
    [5n, 1000, 1n], // 0.5 → 1
    [4n, 1000, 0n], // 0.4 → 0
    [333n, 825, 27n], // 27.4725 → 27
    [1n, 5000, 1n], // 0.5 → 1
    [12345n, 0, 0n],
    [999n, 10_000, 999n], // 100 %
    [10n ** 18n, 10_000, 10n ** 18n],
  ])("%s at %s bps → %s", (line, bps, want) => {
    expect(lineTax(line, bps)).toBe(want);
  });
});

describe("priceLines", () => {
  it.each([
    {
      name: "two lines with different rates",
      items: [
        { quantity: 2, unit_amount: 1999, tax_rate_bps: 1000 },
        { quantity: 1, unit_amount: 505, tax_rate_bps: 1800 },
      ],
      subtotal: 4503,
      tax: 400 + 91,
      amount: 4994,
    },
    { name: "no tax rate means 0", items: [{ quantity: 3, unit_amount: 1000 }], subtotal: 3000, tax: 0, amount: 3000 },
    {
      name: "KRW (0 decimals) rounds to whole won",
      items: [{ quantity: 1, unit_amount: 9900, tax_rate_bps: 1000 }],
      subtotal: 9900,
      tax: 990,
      amount: 10890,
    },
    {
      name: "per-line rounding, not on the sum",
      items: [
        { quantity: 1, unit_amount: 5, tax_rate_bps: 1000 },
        { quantity: 1, unit_amount: 5, tax_rate_bps: 1000 },
      ],
      subtotal: 10,
      tax: 2,
      amount: 12,
    },
  ])("$name", ({ items, subtotal, tax, amount }) => {
    const totals = priceLines(items);
    expect({ subtotal: totals.subtotal, tax: totals.tax, amount: totals.amount }).toEqual({ subtotal, tax, amount });
    expect(totals.lines.reduce((s, l) => s + l.amount, 0)).toBe(subtotal);
  });

  it("refuses totals past the safe integer range", () => {
    expect(() => priceLines([{ quantity: 1_000_000, unit_amount: 1_000_000_000_000 }])).toThrow(AmountOverflowError);
  });
});

describe("refunds", () => {
  it.each([
    [1000, 0, 1000, "succeeded"],
    [1000, 1, 999, "partially_refunded"],
    [1000, 999, 1, "partially_refunded"],
    [1000, 1000, 0, "refunded"],
  ] as const)("amount %s refunded %s → %s left, %s", (amount, refunded, left, status) => {
    expect(refundableAmount({ amount, amount_refunded: refunded })).toBe(left);
    expect(statusAfterRefund(amount, refunded)).toBe(status);
  });
});

describe("subscriptionAmount", () => {
  it.each([
    [1500, 1, 1500],
    [1500, 3, 4500],
    [0, 10, 0],
    [1_000_000_000, 9_007, 9_007_000_000_000],
  ])("%d × %d = %d", (price, quantity, amount) => {
    expect(subscriptionAmount(price, quantity)).toBe(amount);
  });

  it("refuses a product past 2^53 instead of rounding it", () => {
    expect(() => subscriptionAmount(1_000_000_000_000, 1_000_000)).toThrow(AmountOverflowError);
  });
});
