import { describe, expect, it } from "vitest";
import { formatLicenseKey, LICENSE_ALPHABET, licenseKeyEntropyBits } from "./license-key-format";

describe("formatLicenseKey", () => {
  it("has at least 100 bits of entropy", () => {
    expect(LICENSE_ALPHABET).toHaveLength(32);
    expect(new Set(LICENSE_ALPHABET).size).toBe(32);
    expect(licenseKeyEntropyBits()).toBeGreaterThanOrEqual(100);
  });

  it.each([
    [new Uint8Array(25).fill(0), "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"],
    [new Uint8Array(25).fill(31), "99999-99999-99999-99999-99999"],
    [new Uint8Array(25).fill(32), "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"],
    [Uint8Array.from({ length: 25 }, (_, i) => i), "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2"],
  ])("formats %s", (bytes, want) => {
    expect(formatLicenseKey(bytes)).toBe(want);
  });

  it("needs 25 bytes", () => {
    expect(() => formatLicenseKey(new Uint8Array(24))).toThrow(RangeError);
  });
});
