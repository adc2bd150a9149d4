import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";

/**
 * Portal link tokens: a compact JWS, HS256 only, `typ` portal-link+jwt, a `kid` naming one of
 * the configured keys. The token carries ids only (no PII). This module is pure (no database,
 * no environment): the database checks live in app/models/portal-sessions.server.ts.
 */
export const PORTAL_TOKEN_TYPE = "portal-link+jwt";
export const PORTAL_AUDIENCE = "portico:portal";
export const CLOCK_TOLERANCE_S = 30;
// Real tokens are ~330 characters; anything far longer is refused before any parsing.
export const MAX_TOKEN_LENGTH = 1024;
const MIN_SECRET_LENGTH = 32;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type SigningKeyConfig = { kid: string; secret: string };
export type Keyring = { signing: { kid: string; key: KeyObject }; verify: Map<string, CryptoKey> };

export type PortalClaims = {
  sub: string; // customer id
  mid: string; // merchant id
  jti: string; // portal session id
  iat: number;
  nbf: number;
  exp: number;
};

/**
 * `kid:secret,kid2:secret2` → keys; the first signs (or encrypts), all verify (or decrypt).
 * Throws a clear message naming `variable` (the data encryption keys use the same format).
 */
export function parseSigningKeys(value: string, variable = "PORTAL_SIGNING_KEYS"): SigningKeyConfig[] {
  const keys = value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf(":");
      const kid = at > 0 ? part.slice(0, at) : "";
      const secret = at > 0 ? part.slice(at + 1) : "";
      if (!KID_PATTERN.test(kid)) {
        throw new Error(`${variable}: each entry must be kid:secret, kid of 1-32 letters, digits, - or _.`);
      }
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new Error(`${variable}: the secret of key '${kid}' must be at least ${MIN_SECRET_LENGTH} characters.`);
      }
      return { kid, secret };
    });
  if (keys.length === 0) throw new Error(`${variable}: at least one kid:secret pair is required.`);
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new Error(`${variable}: key ids must be unique.`);
  return keys;
}

export async function importKeyring(keys: SigningKeyConfig[]): Promise<Keyring> {
  const imported = await Promise.all(
    keys.map(async ({ kid, secret }) => {
      // A secret is used as its UTF-8 bytes (as PORTAL_SIGNING_KEYS documents), never base64-decoded.
      const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]);
      return [kid, key] as const;
    }),
  );
  // Signing uses node:crypto's HMAC, which is synchronous (signPortalToken says why).
  return { signing: { kid: keys[0].kid, key: createSecretKey(Buffer.from(keys[0].secret, "utf8")) }, verify: new Map(imported) };
}

const base64urlJson = (value: object) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

/**
 * Signs a link: the same compact JWS, byte for byte, as jose's `SignJWT` (header and claims in
 * its order), but synchronous. WebCrypto's HMAC (what jose signs with) runs as a thread-pool job
 * that resolves in a later turn of the event loop: it cost half a millisecond of CPU per mint,
 * and the request waited behind every other connection's work before it could be stored.
 */
export function signPortalToken(opts: {
  keyring: Keyring;
  issuer: string;
  customerId: string;
  merchantId: string;
  portalSessionId: string;
  issuedAt: Date;
  expiresAt: Date;
}): string {
  const iat = Math.floor(opts.issuedAt.getTime() / 1000);
  const header = base64urlJson({ alg: "HS256", typ: PORTAL_TOKEN_TYPE, kid: opts.keyring.signing.kid });
  const payload = base64urlJson({
    mid: opts.merchantId,
    iss: opts.issuer,
    aud: PORTAL_AUDIENCE,
    sub: opts.customerId,
    jti: opts.portalSessionId,
    iat,
    nbf: iat,
    exp: Math.floor(opts.expiresAt.getTime() / 1000),
  });
  const signature = createHmac("sha256", opts.keyring.signing.key).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export type TokenFailure =
  | "malformed"
  | "unknown_key"
  | "invalid_signature"
  | "invalid_header"
  | "invalid_claims"
  | "expired"
  | "not_yet_valid";

export type VerifyResult =
  | { ok: true; claims: PortalClaims }
  // `claims` is present only when the signature verified (an expired link): enough to offer
  // "email me a new link" without trusting anything an attacker could have written.
  | { ok: false; reason: TokenFailure; claims?: PortalClaims };

const ID = (prefix: string) => new RegExp(`^${prefix}_[0-9A-Za-z]{8,64}$`);

function asPortalClaims(payload: JWTPayload): PortalClaims | null {
  const { sub, mid, jti, iat, nbf, exp } = payload as Record<string, unknown>;
  const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
  if (typeof sub !== "string" || !ID("cus").test(sub)) return null;
  if (typeof mid !== "string" || !ID("mer").test(mid)) return null;
  if (typeof jti !== "string" || !ID("ps").test(jti)) return null;
  if (!isInt(iat) || !isInt(nbf) || !isInt(exp)) return null;
  return { sub, mid, jti, iat, nbf, exp };
}

/**
 * Verifies a portal token's signature and claims. Never throws: every failure is a reason,
 * and callers show the same page for all of them.
 */
export async function verifyPortalToken(
  token: string,
  opts: { keyring: Keyring; issuer: string; currentDate?: Date },
): Promise<VerifyResult> {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    return { ok: false, reason: "malformed" };
  }
  const getKey: JWTVerifyGetKey = (header) => {
    const key = typeof header.kid === "string" ? opts.keyring.verify.get(header.kid) : undefined;
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  };
  try {
    const { payload } = await jwtVerify(token, getKey, {
      algorithms: ["HS256"],
      typ: PORTAL_TOKEN_TYPE,
      issuer: opts.issuer,
      audience: PORTAL_AUDIENCE,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ["sub", "mid", "jti", "iat", "nbf", "exp"],
      currentDate: opts.currentDate,
    });
    const claims = asPortalClaims(payload);
    return claims ? { ok: true, claims } : { ok: false, reason: "invalid_claims" };
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      // jose verifies the signature before it validates claims, so this payload is authentic.
      const claims = asPortalClaims(error.payload);
      return claims ? { ok: false, reason: "expired", claims } : { ok: false, reason: "invalid_claims" };
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      return { ok: false, reason: error.claim === "nbf" ? "not_yet_valid" : "invalid_claims" };
    }
    if (error instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: "unknown_key" };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: "invalid_signature" };
    if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported || error instanceof errors.JWSInvalid) {
      return { ok: false, reason: "invalid_header" };
    }
    return { ok: false, reason: "malformed" };
  }
}
