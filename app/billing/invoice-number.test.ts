import { describe, expect, it } from "vitest";
import { formatInvoiceNumber, parseInvoiceNumber } from "./invoice-number";

describe("invoice numbers", () => {
  it.each([
    [1, "INV-000001"],
    [42, "INV-000042"],
    [999_999, "INV-999999"],
    [1_000_000, "INV-1000000"],
  ])("%s → %s and back", (n, formatted) => {
    expect(formatInvoiceNumber(n)).toBe(formatted);
    expect(parseInvoiceNumber(formatted)).toBe(n);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses sequence %s", (n) => {
    expect(() => formatInvoiceNumber(n)).toThrow(RangeError);
  });

  it.each(["INV-1", "inv-000001", "INV-00000A", ""])("does not parse %j", (s) => {
    expect(parseInvoiceNumber(s)).toBeNull();
  });
});
