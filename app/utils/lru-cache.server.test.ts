import { describe, expect, it } from "vitest";
import { ByteCache } from "./lru-cache.server";

const bytes = (n: number) => new Uint8Array(n);

describe("ByteCache", () => {
  it("keeps the most recently used values within its byte budget", () => {
    const cache = new ByteCache(10);
    cache.set("a", bytes(4));
    cache.set("b", bytes(4));
    expect(cache.get("a")).toHaveLength(4); // a is now the most recent
    cache.set("c", bytes(4)); // 12 bytes: the least recent (b) goes
    expect([cache.get("a")?.length, cache.get("b"), cache.get("c")?.length, cache.size]).toEqual([4, undefined, 4, 8]);
  });

  it("replaces a key's value and counts only the new one", () => {
    const cache = new ByteCache(10);
    cache.set("a", bytes(6));
    cache.set("a", bytes(3));
    expect([cache.get("a")?.length, cache.size]).toEqual([3, 3]);
  });

  it("does not keep a value larger than the budget, nor evict for it", () => {
    const cache = new ByteCache(10);
    cache.set("a", bytes(5));
    cache.set("big", bytes(11));
    expect([cache.get("a")?.length, cache.get("big"), cache.size]).toEqual([5, undefined, 5]);
  });
});
