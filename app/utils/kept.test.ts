import { describe, expect, it } from "vitest";
import { keptAnswers } from "./kept";

describe("keptAnswers", () => {
  it("works out each key's answer once and gives the kept one after", () => {
    const asked: string[] = [];
    const upper = keptAnswers(10, (key: string) => (asked.push(key), { text: key.toUpperCase() }));
    const first = upper("a");
    expect(upper("a")).toBe(first);
    expect(upper("b").text).toBe("B");
    expect(asked).toEqual(["a", "b"]);
  });

  it("keeps at most `max` answers: when full, drops them all and keeps afresh", () => {
    let calls = 0;
    const double = keptAnswers(3, (n: number) => (calls++, n * 2));
    for (const n of [1, 2, 3]) double(n);
    expect(calls).toBe(3);
    expect(double(4)).toBe(8); // full: the three are dropped, 4 kept
    expect(calls).toBe(4);
    expect(double(4)).toBe(8);
    expect(double(1)).toBe(2); // worked out again
    expect(calls).toBe(5);
  });

  it("keeps nothing when the work throws, and throws again for that key", () => {
    let calls = 0;
    const parse = keptAnswers(10, (text: string) => {
      calls++;
      return JSON.parse(text) as unknown;
    });
    expect(() => parse("{")).toThrow(SyntaxError);
    expect(() => parse("{")).toThrow(SyntaxError);
    expect(calls).toBe(2);
  });
});
