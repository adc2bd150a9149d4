import { rateLimiter } from "~/utils/rate-limit.server";

/**
 * The dashboard's sign-in limits, as entries of the one registry (app/utils/rate-limit.server.ts):
 * `dashboard.sign_in.account`, a lockout after 5 failures in 15 minutes that RATE_LIMIT_SCALE
 * does not scale, keyed by the typed address (known or not, so a locked unknown address answers
 * exactly like a locked account); and `dashboard.sign_in.ip`, 30 tries per 15 minutes, scaled.
 * Each returns whole seconds to wait, or 0.
 */
const accountKey = (email: string) => email.trim().toLowerCase();
const wait = (d: { allowed: true } | { allowed: false; retryAfterS: number }) => (d.allowed ? 0 : d.retryAfterS);

export const signInLimits = {
  /** Takes one try from the IP's budget. */
  takeIpTry: (ip: string) => wait(rateLimiter.take("dashboard.sign_in.ip", ip)),
  /** Whether the account is locked out now (counts nothing). */
  lockedFor: (email: string) => wait(rateLimiter.check("dashboard.sign_in.account", accountKey(email))),
  recordFailure: (email: string) => void rateLimiter.take("dashboard.sign_in.account", accountKey(email)),
  clearFailures: (email: string) => rateLimiter.reset("dashboard.sign_in.account", accountKey(email)),
};
