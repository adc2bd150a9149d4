import { createHmac, randomBytes } from "node:crypto";

const SECRET_PREFIX = "whsec_";

// An endpoint's whsec_ secret is stored sealed under this purpose (AES-256-GCM,
// app/utils/secret-box.server.ts): opened to sign each delivery, shown once in the create answer.
export const WEBHOOK_SECRET_PURPOSE = "webhook-endpoint-secret";

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, "base64");
  if (key.length === 0) throw new Error("Webhook secret is empty");
  return key;
}

/**
 * The `webhook-signature` value: `v1,` + base64 HMAC-SHA256 over `id.timestamp.body`, keyed with
 * the base64-decoded part of the secret. `body` must be the exact string that is sent.
 */
export function signPayload(opts: { secret: string; id: string; timestamp: number; body: string }): string {
  const mac = createHmac("sha256", secretKey(opts.secret))
    .update(`${opts.id}.${opts.timestamp}.${opts.body}`, "utf8")
    .digest("base64");
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers of one attempt. */
export function signatureHeaders(opts: { secret: string; id: string; timestamp: number; body: string }) {
  return {
    "webhook-id": opts.id,
    "webhook-timestamp": String(opts.timestamp),
    "webhook-signature": signPayload(opts),
  };
}
