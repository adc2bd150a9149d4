import { createHash, randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniform random base62 string (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export const idPrefixes = {
  merchant: "mer",
  apiKey: "key",
  customer: "cus",
  product: "prod",
  subscription: "sub",
  payment: "pay",
  refund: "re",
  licenseKey: "lk",
  licenseKeyInstance: "lki",
  walletLedgerEntry: "wle",
  portalSession: "ps",
  webhookEndpoint: "we",
  webhookEvent: "evt",
  webhookAttempt: "wha",
  mail: "mail",
  audit: "aud",
  staffUser: "stf",
  staffMembership: "mem",
  staffSession: "sess",
  staffInvite: "inv",
  usageRecord: "usg",
  savedView: "view",
} as const;

/** A prefixed id such as `cus_3xk…`: 22 base62 characters ≈ 131 bits, never guessable. */
export function newId(kind: keyof typeof idPrefixes): string {
  return `${idPrefixes[kind]}_${randomBase62(22)}`;
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** A 256-bit random token for a one-time link (setup, invite); only its SHA-256 is ever stored. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}
