import { randomFillSync } from "node:crypto";

/** 128 bits a nonce, as CSP asks (https://www.w3.org/TR/CSP3/#security-nonces). */
const NONCE_BYTES = 16;
/** Random bytes drawn at once: 256 nonces. */
const POOL_BYTES = NONCE_BYTES * 256;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * A page's CSP nonce: 16 bytes from the CSPRNG, base64. The bytes are drawn 4 KB at a time and
 * each is used once (a nonce never shares a byte with another): one `randomBytes(16)` a page was
 * ≈ 1 % of the main thread's CPU under page load (issue 13), most of it the call, not the bytes.
 */
export function cspNonce(): string {
  if (offset + NONCE_BYTES > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    offset = 0;
  }
  const nonce = pool.toString("base64", offset, offset + NONCE_BYTES);
  offset += NONCE_BYTES;
  return nonce;
}
