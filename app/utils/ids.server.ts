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

// Ids draw from a pool of random bytes refilled 4 KB at a time (as crypto.randomUUID does): one
// randomBytes call per id cost a system call and OpenSSL's fork check each time, 8 % of a mint.
// Ids are not secrets; keys, tokens and passwords keep randomBase62, which pools nothing.
const ID_POOL_BYTES = 4096;
let idPool = Buffer.alloc(0);
let idPoolOffset = 0;

function pooledBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    if (idPoolOffset >= idPool.length) {
      idPool = randomBytes(ID_POOL_BYTES);
      idPoolOffset = 0;
    }
    const byte = idPool[idPoolOffset++]!;
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

/** The creation time in milliseconds as 8 base62 digits, which sort as the times do (62⁸ ms ≈ 6,900 years). */
function timeBase62(ms: number): string {
  let out = "";
  for (let i = 0, rest = ms; i < 8; i++, rest = Math.floor(rest / 62)) out = ALPHABET[rest % 62]! + out;
  return out;
}

/**
 * A prefixed id such as `cus_0VcifiCf…`: 22 base62 characters, the first 8 the creation time in
 * milliseconds and 14 random (≈ 83 bits: not guessable, even knowing the millisecond). Ids
 * created together sort together, so a unique index on ids takes its new entries on its last
 * pages instead of one random page each (ADR 015).
 */
export function newId(kind: keyof typeof idPrefixes): string {
  return `${idPrefixes[kind]}_${timeBase62(Date.now())}${pooledBase62(14)}`;
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** A 256-bit random token for a one-time link (setup, invite); only its SHA-256 is ever stored. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}
