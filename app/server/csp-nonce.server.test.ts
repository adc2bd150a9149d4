import { describe, expect, it } from "vitest";
import { cspNonce } from "./csp-nonce.server";

describe("cspNonce", () => {
  it("gives 16 random bytes in base64, never the same twice, across many refills of its pool", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const nonce = cspNonce();
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
      seen.add(nonce);
    }
    expect(seen.size).toBe(10_000);
  });

  it("spreads its bytes: every byte value appears among 10,000 nonces' bytes, none far more often than the rest", () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 10_000; i++) for (const byte of Buffer.from(cspNonce(), "base64")) counts[byte]++;
    // 160,000 bytes: 625 a value expected; a uniform source stays well inside these bounds.
    expect(Math.min(...counts)).toBeGreaterThan(450);
    expect(Math.max(...counts)).toBeLessThan(800);
  });
});
