import { afterEach, describe, expect, it, vi } from "vitest";
import { idPrefixes, newId, randomBase62, sha256Hex } from "./ids.server";

const randomPart = (id: string) => id.slice(id.indexOf("_") + 9);

describe("newId", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is the kind's prefix and 22 base62 characters", () => {
    for (const kind of Object.keys(idPrefixes) as Array<keyof typeof idPrefixes>) {
      expect(newId(kind)).toMatch(new RegExp(`^${idPrefixes[kind]}_[0-9A-Za-z]{22}$`));
    }
  });

  it("sorts (as SQLite compares text) in the order of the milliseconds it was made in", () => {
    const now = vi.spyOn(Date, "now");
    // Around every place where a base62 digit carries, and across the years ids will be made in.
    const times = [0, 1, 61, 62, 63, 3843, 3844, 238_327, 238_328, Date.UTC(2026, 11, 3), Date.UTC(2026, 11, 3) + 1, Date.UTC(2100, 0, 1), Date.UTC(9999, 0, 1), 62 ** 8 - 1];
    const ids = times.map((t) => {
      now.mockReturnValue(t);
      return newId("portalSession");
    });
    for (let i = 1; i < ids.length; i++) {
      expect(Buffer.compare(Buffer.from(ids[i - 1]!), Buffer.from(ids[i]!)), `${ids[i - 1]} < ${ids[i]}`).toBe(-1);
    }
    expect(ids[0]!.slice(3, 11)).toBe("00000000");
    expect(ids[2]!.slice(3, 11)).toBe("0000000z");
    expect(ids[3]!.slice(3, 11)).toBe("00000010");
    expect(ids.at(-1)!.slice(3, 11)).toBe("zzzzzzzz");
  });

  it("stays unguessable within one millisecond: 14 random characters, uniform, never repeated", () => {
    vi.spyOn(Date, "now").mockReturnValue(Date.UTC(2026, 11, 3));
    const n = 60_000; // far more bytes than one refill of the pool
    const ids = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const id = newId("audit");
      ids.add(id);
      for (const c of randomPart(id)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(ids.size).toBe(n);
    // Every one of the 62 characters, each within 5 % of its share (the standard deviation is
    // about 0.6 %): a pool handed out twice or a modulo bias would not pass.
    expect(counts.size).toBe(62);
    const expected = (n * 14) / 62;
    for (const [c, count] of counts) expect(Math.abs(count - expected) / expected, c).toBeLessThan(0.05);
  });
});

describe("randomBase62", () => {
  it("gives the length asked for, from the 62 characters", () => {
    for (const length of [1, 6, 22, 43]) expect(randomBase62(length)).toMatch(new RegExp(`^[0-9A-Za-z]{${length}}$`));
    expect(new Set(Array.from({ length: 1000 }, () => randomBase62(22))).size).toBe(1000);
  });
});

describe("sha256Hex", () => {
  it("is SHA-256 of the text's UTF-8 bytes, in lower-case hex (what every stored key and token hash was made with)", () => {
    // FIPS 180-2's test vectors; "é" hashes as its UTF-8 bytes C3 A9, not as Latin-1's E9.
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("é")).toBe("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
  });
});
