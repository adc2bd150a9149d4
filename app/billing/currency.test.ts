import { describe, expect, it } from "vitest";
import { formatMoney, minorUnitExponent, parseMajorUnits, toMajorUnitString } from "./currency";

describe("minorUnitExponent", () => {
  it.each([
    ["USD", 2],
    ["usd", 2],
    ["EUR", 2],
    ["INR", 2],
    ["KRW", 0],
    ["JPY", 0],
    ["KWD", 3],
    ["BHD", 3],
  ])("%s → %s", (currency, exponent) => {
    expect(minorUnitExponent(currency)).toBe(exponent);
  });
});

describe("toMajorUnitString", () => {
  it.each([
    [12345, "USD", "123.45"],
    [5, "USD", "0.05"],
    [0, "USD", "0.00"],
    [5000, "KRW", "5000"],
    [1234, "KWD", "1.234"],
    [7, "KWD", "0.007"],
    [-250, "USD", "-2.50"],
    [900_719_925_474_099, "USD", "9007199254740.99"],
  ])("%s %s → %s", (amount, currency, want) => {
    expect(toMajorUnitString(amount, currency)).toBe(want);
  });
});

describe("formatMoney", () => {
  it.each([
    [123456, "USD", "en", "$1,234.56"],
    [5000, "KRW", "en", "₩5,000"],
    [5000, "KRW", "ko", "₩5,000"],
    [1234, "KWD", "en", "KWD 1.234"],
    [99900, "INR", "en-IN", "₹999.00"],
    [150000, "JPY", "ja", "￥150,000"],
  ])("%s %s in %s → %s", (amount, currency, locale, want) => {
    expect(formatMoney(amount, currency, locale).replace(/\u00a0/g, " ")).toBe(want);
  });
});

describe("parseMajorUnits", () => {
  it.each([
    ["12.50", "USD", 1250],
    ["12.5", "USD", 1250],
    ["1,000", "USD", 100000],
    ["0.01", "USD", 1],
    ["5000", "KRW", 5000],
    ["5000.0", "KRW", 5000],
    ["1.234", "KWD", 1234],
  ])("%s %s → %s", (input, currency, minor) => {
    expect(parseMajorUnits(input, currency)).toBe(minor);
  });
  it.each([["12.345", "USD"], ["12.5", "KRW"], ["-5", "USD"], ["abc", "USD"], ["", "USD"], ["1e3", "USD"]])("%s %s → null", (input, currency) => {
    expect(parseMajorUnits(input, currency)).toBeNull();
  });
});
