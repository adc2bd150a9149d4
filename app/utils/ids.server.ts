import { hash, randomBytes, randomFillSync } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `length` base62 characters from a source of uniform random bytes (rejection sampling: no modulo bias). */
function base62From(nextByte: () => number, length: number): string {
  let out = "";
  while (out.length < length) {
    const byte = nextByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

/**
 * Uniform random bytes handed out from a buffer refilled from the CSPRNG `poolBytes` at a time
 * (as crypto.randomUUID does): one `randomBytes` call per value would cost a system call and
 * OpenSSL's fork check each time. For ids and seeded data, never for secrets.
 */
export function randomPool(poolBytes: number) {
  const pool = Buffer.alloc(poolBytes);
  let offset = pool.length;
  const byte = () => {
    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    return pool[offset++]!;
  };
  return { byte, base62: (length: number) => base62From(byte, length) };
}

/** Uniform random base62 string straight from the CSPRNG, nothing pooled: for secrets. */
export function randomBase62(length: number): string {
  let bytes = randomBytes(length * 2);
  let at = 0;
  return base62From(() => {
    if (at === bytes.length) [bytes, at] = [randomBytes(length * 2), 0];
    return bytes[at++]!;
  }, length);
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

// Ids are not secrets: they draw from a pool (a randomBytes call an id was 8 % of a mint).
// Keys, tokens and passwords keep randomBase62, which pools nothing.
const idRandom = randomPool(4096);

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
  return `${idPrefixes[kind]}_${timeBase62(Date.now())}${idRandom.base62(14)}`;
}

export function sha256Hex(value: string): string {
  // The one-shot hash (Node ≥ 20.12): no Hash object a call, ≈ 0.4 µs against createHash's 1.8 µs
  // here — every API request hashes its key with it.
  return hash("sha256", value, "hex");
}

/** A 256-bit random token for a one-time link (setup, invite); only its SHA-256 is ever stored. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}
