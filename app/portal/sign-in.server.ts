import { findLiveLink, redeemSignInCode, sendSignInLink } from "~/models/portal-sessions.server";

export { sendSignInLink };

/** A typed code → the live link it belongs to (exchanged by the caller), or null. */
export function redeemCodeForLink(opts: { merchantId: string; email: string; code: string }) {
  const ps = redeemSignInCode(opts);
  return ps ? findLiveLink({ jti: ps.id, mid: ps.merchantId, sub: ps.customerId, iat: 0, nbf: 0, exp: 0 }) : null;
}
