import { beforeAll, describe, expect, it } from "vitest";

// The limiter reads the domain clock, so the test clock can stop it (tests then count exactly).
process.env.PORTICO_TEST_CLOCK = "true";
process.env.NODE_ENV = "test";
process.env.RATE_LIMIT_SCALE = "1";

let m: { limiter: typeof import("./rate-limit.server"); clock: typeof import("./clock.server") };
beforeAll(async () => {
  m = { limiter: await import("./rate-limit.server"), clock: await import("./clock.server") };
});

describe("TokenBucketLimiter", () => {
  it("refills with the domain clock: a stopped clock refills nothing, a moved one refills", () => {
    const t0 = Date.parse("2026-01-01T00:00:00Z");
    m.clock.freezeClock(t0);
    try {
      const limiter = new m.limiter.TokenBucketLimiter({ rate: 60, per: "minute", burst: 2 }); // 1 a second
      expect([limiter.take("k"), limiter.take("k"), limiter.take("k")]).toEqual([0, 0, 1]);
      expect(limiter.take("k")).toBe(1); // the clock stands still: still empty
      m.clock.freezeClock(t0 + 1000);
      expect(limiter.take("k")).toBe(0);
      expect(limiter.take("k")).toBe(1);
    } finally {
      m.clock.setClockOffset(0);
    }
  });

  it("refills nothing when the clock goes back, and refills again from there", () => {
    const limiter = new m.limiter.TokenBucketLimiter({ rate: 1, per: "second", burst: 1 });
    const t = 1_000_000_000_000;
    expect(limiter.take("k", t)).toBe(0);
    expect(limiter.take("k", t - 3_600_000)).toBe(1); // an hour back: still empty, not -3600 tokens
    expect(limiter.take("k", t - 3_600_000 + 1000)).toBe(0); // a second later than that: one token
  });
});
