import { TokenBucketLimiter } from "~/utils/rate-limit.server";

// The limits of API.md and PRODUCT.md; every one is scaled by RATE_LIMIT_SCALE.
export const limits = {
  /** Portal token pages (GET and POST of /portal/session/<token>): 30/min per IP. */
  tokenPagePerIp: new TokenBucketLimiter({ rate: 30, per: "minute" }),
  /** Sign-in and "email me a new link" mails: 3/hour per address, 10/hour per IP. */
  signInPerAddress: new TokenBucketLimiter({ rate: 3, per: "hour" }),
  signInPerIp: new TokenBucketLimiter({ rate: 10, per: "hour" }),
  /** Typed codes per IP, on top of the 5 tries each code allows. */
  codeTriesPerIp: new TokenBucketLimiter({ rate: 20, per: "hour" }),
};

export class RateLimited extends Error {
  constructor(readonly retryAfter: number) {
    super("rate limited");
  }
}

/** Takes one token from each (key, limiter) pair; throws with the longest wait if any is empty. */
export function takeAll(pairs: [TokenBucketLimiter, string][]) {
  const waits = pairs.map(([limiter, key]) => limiter.take(key));
  const wait = Math.max(0, ...waits);
  if (wait > 0) throw new RateLimited(wait);
}
