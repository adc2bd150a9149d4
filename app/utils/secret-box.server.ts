import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { signingKeyConfigs } from "./signing-keys.server";

/**
 * Encryption at rest for the few secrets the server must read back (two-factor TOTP secrets):
 * AES-256-GCM under a key derived (HKDF-SHA256) from the server's signing keys, which live in the
 * environment, never in the database. The first configured key encrypts; a value names its key
 * id, so every configured key still decrypts after a rotation. A value whose key was removed can
 * no longer be read (its owner signs in with a backup code and enrols again).
 */
const VERSION = "v1";

const keys = new Map<string, Buffer>();
function keyFor(kid: string, purpose: string): Buffer | null {
  const cacheKey = `${kid}:${purpose}`;
  let key = keys.get(cacheKey);
  if (!key) {
    const config = signingKeyConfigs().find((k) => k.kid === kid);
    if (!config) return null;
    key = Buffer.from(hkdfSync("sha256", Buffer.from(config.secret, "utf8"), "portico", `portico:${purpose}`, 32));
    keys.set(cacheKey, key);
  }
  return key;
}

export function sealSecret(plain: string, purpose: string): string {
  const kid = signingKeyConfigs()[0].kid;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(kid, purpose)!, iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, kid, iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

/** The plain value, or null when it cannot be read (unknown key, tampered, malformed). */
export function openSecret(sealed: string, purpose: string): string | null {
  const [version, kid, iv, body, tag] = sealed.split(".");
  if (version !== VERSION || !kid || !iv || !body || !tag) return null;
  const key = keyFor(kid, purpose);
  if (!key) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
