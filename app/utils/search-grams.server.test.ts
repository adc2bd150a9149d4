import { describe, expect, it } from "vitest";
import { foldForSearch, searchGrams, shortSearchMatch } from "./search-grams.server";

// What the short-search index (migration 0009) holds for a customer, and what a search asks it.
const hex = (s: string) => Buffer.from(s, "utf8").toString("hex");
const tokens = (...values: unknown[]) => new Set(searchGrams(values[0], values[1], values[2]).split(" ").filter(Boolean));

describe("search grams", () => {
  it("folds case and Latin accents, and keeps Hangul syllables and kana whole", () => {
    expect(foldForSearch("ÅNGSTRÖM")).toBe("angstrom");
    expect(foldForSearch("Émile Zoë")).toBe("emile zoe");
    expect(foldForSearch("İstanbul")).toBe("istanbul");
    expect(foldForSearch("김민지")).toBe("김민지");
    expect(foldForSearch("かがみ")).toBe("かがみ");
    expect(foldForSearch("Minji@Example.KR")).toBe("minji@example.kr");
  });

  it("holds each column's characters and adjacent pairs, as the hex of their UTF-8 bytes, never a pair across columns", () => {
    expect(tokens("Ab", "c", null)).toEqual(new Set([hex("a"), hex("b"), hex("ab"), hex("c")]));
    expect(tokens("Ab", "c", null).has(hex("bc"))).toBe(false);
    // Every width of UTF-8: one byte, two (é folds to e; ß stays), three (Hangul), four (an emoji).
    const all = tokens("ßé민😀", "", "");
    for (const gram of ["ß", "e", "민", "😀", "ße", "e민", "민😀"]) expect(all.has(hex(gram)), gram).toBe(true);
    expect(all.size).toBe(7);
    // Repeats are indexed once; no empty token.
    expect(searchGrams("aaa", "", "")).toBe(`${hex("a")} ${hex("aa")}`);
    expect(searchGrams("", null, undefined)).toBe("");
  });

  it("asks for one token, quoted, for one or two characters folded; nothing otherwise", () => {
    expect(shortSearchMatch("민지")).toBe(`"${hex("민지")}"`);
    expect(shortSearchMatch("Ü")).toBe(`"${hex("u")}"`);
    expect(shortSearchMatch('"a')).toBe(`"${hex('"a')}"`);
    expect(shortSearchMatch("abc")).toBeNull();
    expect(shortSearchMatch("\u0301")).toBeNull();
    expect(shortSearchMatch("")).toBeNull();
  });
});
