import { afterEach, describe, expect, it, vi } from "vitest";
import { createRateLimiter, ipKey, MemoryRateLimitStore, RateLimitedError, rateLimits, type LimitPolicy } from "./rate-limit.server";

// A clock the tests move by hand: the limiter never reads the wall clock here.
function limiterWith(registry: Record<string, LimitPolicy>, scale = 1) {
  let t = 1_000_000;
  const limiter = createRateLimiter({ registry, scale, now: () => t });
  return { limiter, advance: (ms: number) => (t += ms) };
}

const policy = (p: Partial<LimitPolicy>): LimitPolicy => ({ key: "ip", limit: 3, windowS: 60, scaled: true, message: "too many", ...p });

describe("the token bucket", () => {
  it("allows the burst, refuses with the whole seconds until the next token, and refills continuously", () => {
    const { limiter, advance } = limiterWith({ a: policy({ limit: 60, windowS: 60, burst: 3 }) }); // 1 token a second
    expect([1, 2, 3].map(() => limiter.take("a", "k").allowed)).toEqual([true, true, true]);
    expect(limiter.take("a", "k")).toEqual({ allowed: false, retryAfterS: 1 });
    advance(1000);
    expect(limiter.take("a", "k").allowed).toBe(true);
    // Another key has its own bucket.
    expect(limiter.take("a", "other").allowed).toBe(true);
  });

  it("scales by RATE_LIMIT_SCALE, and 0 turns a scaled limit off", () => {
    const half = limiterWith({ a: policy({ limit: 4 }) }, 0.5).limiter;
    expect([1, 2, 3].map(() => half.take("a", "k").allowed)).toEqual([true, true, false]);
    const off = limiterWith({ a: policy({ limit: 1 }) }, 0).limiter;
    expect([1, 2, 3].map(() => off.take("a", "k").allowed)).toEqual([true, true, true]);
  });
});

describe("a lockout (failures per account, not scaled)", () => {
  const lockout = policy({ key: "staff_account", limit: 5, windowS: 900, algorithm: "lockout", scaled: false });

  it("refuses after 5 within 15 minutes until the window of the first has passed, whatever the scale", () => {
    for (const scale of [0, 1, 100]) {
      const { limiter, advance } = limiterWith({ signIn: lockout }, scale);
      for (let i = 0; i < 5; i++) {
        expect(limiter.check("signIn", "staff_1").allowed).toBe(true);
        limiter.take("signIn", "staff_1"); // a failed try is counted
        advance(60_000);
      }
      // The first failure was 5 minutes ago: 10 minutes to go.
      expect(limiter.check("signIn", "staff_1")).toEqual({ allowed: false, retryAfterS: 600 });
      advance(600_000);
      expect(limiter.check("signIn", "staff_1").allowed).toBe(true);
    }
  });

  it("the dashboard's two sign-in limits fit the registry: a per-account lockout beside a scaled per-IP bucket", () => {
    const { limiter } = limiterWith({ account: lockout, ip: policy({ limit: 30, windowS: 900 }) }, 2);
    for (let i = 0; i < 60; i++) expect(limiter.take("ip", "203.0.113.9").allowed).toBe(true); // scaled: 2 × 30
    expect(limiter.take("ip", "203.0.113.9").allowed).toBe(false);
    for (let i = 0; i < 5; i++) limiter.take("account", "staff_1"); // not scaled: 5
    expect(limiter.take("account", "staff_1").allowed).toBe(false);
  });
});

describe("checking one limit before charging another", () => {
  it("check counts nothing; enforceInOrder never touches a limit after the one that refused", () => {
    const store = new Map<string, MemoryRateLimitStore<unknown>>();
    const t = 0;
    const limiter = createRateLimiter({
      registry: { perIp: policy({ limit: 1, windowS: 3600 }), perAddress: policy({ key: "sign_in_address", limit: 3, windowS: 3600 }) },
      scale: 1,
      now: () => t,
      store: (name, ttlMs) => {
        const s = new MemoryRateLimitStore<unknown>({ ttlMs, maxKeys: 10 });
        store.set(name, s);
        return s;
      },
    });
    expect(limiter.check("perAddress", "mer_1:a@example.com").allowed).toBe(true);
    expect(store.get("perAddress")!.size).toBe(0); // a check creates no counter
    limiter.enforceInOrder(["perIp", "198.51.100.7"], ["perAddress", "mer_1:a@example.com"]);
    expect(store.get("perAddress")!.size).toBe(1);
    let refused: unknown;
    try {
      limiter.enforceInOrder(["perIp", "198.51.100.7"], ["perAddress", "mer_1:b@example.com"]);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused).toMatchObject({ limit: "perIp", message: "too many" });
    expect((refused as RateLimitedError).retryAfterS).toBeGreaterThanOrEqual(1);
    // The refused request created no counter for b@example.com.
    expect(store.get("perAddress")!.size).toBe(1);
  });
});

describe("the memory store", () => {
  it("stays bounded by maxKeys however many keys arrive", () => {
    const store = new MemoryRateLimitStore<number>({ ttlMs: 60_000, maxKeys: 1000 });
    for (let i = 0; i < 5000; i++) store.update(`k${i}`, 0, () => i);
    expect(store.size).toBe(1000);
    // The least recently written keys are the ones forgotten.
    expect(store.get("k0", 0)).toBeUndefined();
    expect(store.get("k4999", 0)).toBe(4999);
  });

  it("forgets expired keys a few at a time, without a pass over every key", () => {
    const store = new MemoryRateLimitStore<number>({ ttlMs: 1000, maxKeys: 1_000_000 });
    for (let i = 0; i < 100_000; i++) store.update(`k${i}`, 0, () => i);
    expect(store.size).toBe(100_000);
    // Every key has expired: one call drops at most two of them (O(1) work), never all at once.
    store.update("fresh", 5000, () => 1);
    expect(store.size).toBe(100_000 + 1 - 2);
    // Each later call drops two more, so the expired keys are gone after about 50,000 calls.
    for (let i = 0; i < 60_000; i++) store.update(`fresh${i}`, 5000, () => i);
    expect(store.size).toBe(60_001);
    expect(store.get("k99999", 5000)).toBeUndefined();
  });
});

describe("at a million keys", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a call does constant work: it never walks the keys, and forgets at most a few", () => {
    const { limiter, advance } = limiterWith({ perAddress: policy({ key: "sign_in_address", limit: 3, windowS: 3600 }) });
    for (let i = 0; i < 1_000_000; i++) limiter.take("perAddress", `mer_1:user${i}@example.com`);
    // Every counter has expired meanwhile: a store that cleans up by scanning would do it now.
    advance(2 * 3600_000);
    const walks = (["forEach", "keys", "values", "entries", Symbol.iterator] as const).map((m) => vi.spyOn(Map.prototype, m as "forEach"));
    const deletes = vi.spyOn(Map.prototype, "delete");
    expect(limiter.take("perAddress", "mer_1:new@example.com").allowed).toBe(true);
    expect(limiter.take("perAddress", "mer_1:user999999@example.com").allowed).toBe(true);
    expect(limiter.check("perAddress", "mer_1:user5@example.com").allowed).toBe(true);
    for (const walk of walks) expect(walk).not.toHaveBeenCalled();
    expect(deletes.mock.calls.length).toBeLessThanOrEqual(6);
  });
});

describe("client keys", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff::1", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::", "2001:db8:1:2::/64"],
    ["unknown", "unknown"],
  ])("%s → %s", (ip, key) => {
    expect(ipKey(ip)).toBe(key);
  });

  it("one IPv6 /64 shares one per-IP counter; the next /64 has its own", () => {
    const { limiter } = limiterWith({ perIp: policy({ limit: 2, windowS: 3600 }) });
    expect(limiter.take("perIp", "2001:db8:1:2::a").allowed).toBe(true);
    expect(limiter.take("perIp", "2001:db8:1:2:ffff:ffff:ffff:ffff").allowed).toBe(true);
    expect(limiter.take("perIp", "2001:db8:1:2::b").allowed).toBe(false);
    expect(limiter.take("perIp", "2001:db8:1:3::a").allowed).toBe(true);
  });
});

describe("the registry", () => {
  it("holds the documented limits", () => {
    expect(rateLimits["api.key"]).toMatchObject({ limit: 100, windowS: 1, burst: 200, scaled: true });
    expect(rateLimits["licenses.ip"]).toMatchObject({ limit: 120, windowS: 60 });
    expect(rateLimits["licenses.key"]).toMatchObject({ limit: 60, windowS: 60 });
    expect(rateLimits["portal.token_page.ip"]).toMatchObject({ limit: 30, windowS: 60 });
    expect(rateLimits["portal.sign_in.address"]).toMatchObject({ limit: 3, windowS: 3600 });
    expect(rateLimits["portal.sign_in.ip"]).toMatchObject({ limit: 10, windowS: 3600 });
  });
});

describe("the limiter's clock", () => {
  it("refills nothing when the clock goes back, and refills again from there", () => {
    let t = 1_000_000_000_000;
    const limiter = createRateLimiter({ registry: { a: policy({ limit: 1, windowS: 1, burst: 1 }) }, scale: 1, now: () => t });
    expect(limiter.take("a", "k").allowed).toBe(true);
    t -= 3_600_000; // an hour back: still empty, not thousands of tokens
    expect(limiter.take("a", "k").allowed).toBe(false);
    t += 1000; // a second later than that: one token
    expect(limiter.take("a", "k").allowed).toBe(true);
  });
});
