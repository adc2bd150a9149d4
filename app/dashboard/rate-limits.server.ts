import { now } from "~/utils/clock.server";
import { sha256Hex } from "~/utils/ids.server";
import { TokenBucketLimiter } from "~/utils/rate-limit.server";

/**
 * The dashboard's sign-in limits (DASHBOARD.md):
 * - per account: after 5 failures within 15 minutes, further tries are refused until the window
 *   passes. A lockout, not a rate: not scaled by RATE_LIMIT_SCALE. Keyed by the typed address
 *   (hashed), known or not, so a locked unknown address answers exactly like a locked account.
 * - per IP: 30 tries per 15 minutes, scaled like every rate limit.
 * Both run on the domain clock, so tests move time instead of waiting.
 */
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;

class FailureWindow {
  private failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  private recent(key: string, at: number) {
    const kept = (this.failures.get(key) ?? []).filter((t) => t > at - this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  /** Whole seconds until a try is allowed again, or 0. */
  retryAfter(key: string, at = now().getTime()): number {
    const kept = this.recent(key, at);
    if (kept.length < this.max) return 0;
    return Math.max(1, Math.ceil((kept[kept.length - this.max] + this.windowMs - at) / 1000));
  }

  fail(key: string, at = now().getTime()) {
    this.failures.set(key, [...this.recent(key, at), at]);
    if (this.failures.size > 50_000) for (const k of [...this.failures.keys()].slice(0, 10_000)) this.recent(k, at);
  }

  clear(key: string) {
    this.failures.delete(key);
  }
}

const accountFailures = new FailureWindow(LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS);
// 30 per 15 minutes = 2 a minute with a burst of 30.
const triesPerIp = new TokenBucketLimiter({ rate: 2, per: "minute", burst: 30 });

const accountKey = (email: string) => sha256Hex(email.trim().toLowerCase());

export const signInLimits = {
  /** Takes one try from the IP's budget; whole seconds to wait, or 0. */
  takeIpTry: (ip: string) => triesPerIp.take(ip, now().getTime()),
  lockedFor: (email: string) => accountFailures.retryAfter(accountKey(email)),
  recordFailure: (email: string) => accountFailures.fail(accountKey(email)),
  clearFailures: (email: string) => accountFailures.clear(accountKey(email)),
};
