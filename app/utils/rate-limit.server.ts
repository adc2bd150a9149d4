import { now } from "./clock.server";
import { env } from "./env.server";

/**
 * An in-memory token bucket per key: `rate` tokens a second refill up to `burst`. One process
 * owns the database, so one process's memory is the right place for these counters. A limit is
 * scaled by RATE_LIMIT_SCALE (0 turns limits off).
 */
export class TokenBucketLimiter {
  private buckets = new Map<string, { tokens: number; updated: number }>();
  private readonly rate: number;
  private readonly burst: number;

  constructor(opts: { rate: number; per: "second" | "minute" | "hour"; burst?: number }) {
    const seconds = { second: 1, minute: 60, hour: 3600 }[opts.per];
    this.rate = (opts.rate * env.RATE_LIMIT_SCALE) / seconds;
    this.burst = (opts.burst ?? opts.rate) * env.RATE_LIMIT_SCALE;
  }

  /** Takes one token; returns 0 when allowed, else the whole seconds to wait (Retry-After). */
  // The domain clock, so tests can stop it and count exactly; a clock set back refills nothing.
  take(key: string, nowMs = now().getTime()): number {
    if (env.RATE_LIMIT_SCALE === 0) return 0;
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updated: nowMs };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (Math.max(0, nowMs - bucket.updated) / 1000) * this.rate);
    bucket.updated = nowMs;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 50_000) this.prune(nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
  }

  /** Full buckets carry no information: drop them to bound memory. */
  private prune(nowMs: number) {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.updated) / 1000) * this.rate >= this.burst) this.buckets.delete(key);
    }
  }
}
