import { sha256Hex } from "~/utils/ids.server";
import { TokenBucketLimiter } from "~/utils/rate-limit.server";
import { ApiError } from "./errors.server";

// 120 requests a minute per IP and 60 per license key, shared by activate, deactivate and validate.
const perIp = new TokenBucketLimiter({ rate: 120, per: "minute" });
const perKey = new TokenBucketLimiter({ rate: 60, per: "minute" });

function tooMany(retryAfter: number, what: string) {
  return new ApiError({
    status: 429,
    type: "rate_limit_error",
    code: "rate_limited",
    message: `Too many license requests ${what}. Retry later.`,
    headers: { "Retry-After": String(retryAfter) },
  });
}

export function limitLicenseRequestByIp(ip: string) {
  const wait = perIp.take(ip);
  if (wait > 0) throw tooMany(wait, "from this address");
}

/** The key is hashed so the limiter's memory never holds a usable secret. */
export function limitLicenseRequestByKey(key: string) {
  const wait = perKey.take(sha256Hex(key));
  if (wait > 0) throw tooMany(wait, "for this license key");
}

