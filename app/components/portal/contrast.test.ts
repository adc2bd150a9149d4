import { describe, expect, it } from "vitest";
import { brandVariables, contrastRatio, readableOn, textOn } from "./contrast";

describe("contrast", () => {
  it.each([
    ["#000000", "#ffffff", 21],
    ["#ffffff", "#ffffff", 1],
    ["#777777", "#ffffff", 4.48],
  ])("contrastRatio(%s, %s) ≈ %d", (a, b, ratio) => {
    expect(contrastRatio(a, b)).toBeCloseTo(ratio, 1);
  });

  it.each([
    ["#4f46e5", "#ffffff"],
    ["#0f766e", "#ffffff"],
    ["#facc15", "#111827"],
    ["#ffffff", "#111827"],
    ["#000000", "#ffffff"],
  ])("text on %s is %s", (bg, fg) => {
    expect(textOn(bg)).toBe(fg);
  });

  it.each(["#facc15", "#a3e635", "#ffffff", "#4f46e5", "#0ea5e9"])("readableOn(%s) reaches 4.5:1 on white", (c) => {
    expect(contrastRatio(readableOn(c), "#ffffff")).toBeGreaterThanOrEqual(4.5);
  });

  it("keeps a colour that already passes", () => {
    expect(readableOn("#0f766e")).toBe("#0f766e");
  });

  it("falls back to the default brand for anything but #rrggbb", () => {
    expect(brandVariables("red")["--brand"]).toBe("#4f46e5");
    expect(brandVariables("#FACC15")).toEqual({ "--brand": "#facc15", "--brand-contrast": "#111827", "--brand-text": expect.any(String) });
  });

  it("gives the same variables a second time, each call its own object", () => {
    const first = brandVariables("#0F766E");
    const second = brandVariables("#0f766e");
    expect(second).toEqual(first);
    expect(second).toEqual({ "--brand": "#0f766e", "--brand-contrast": textOn("#0f766e"), "--brand-text": readableOn("#0f766e") });
    expect(second).not.toBe(first);
    first["--brand"] = "#000000";
    expect(brandVariables("#0f766e")["--brand"]).toBe("#0f766e");
  });
});
