import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { configuredSecret } from "./dev-secrets.server";
import { env } from "./env.server";
import { parseSigningKeys, type SigningKeyConfig } from "./portal-tokens.server";
import { signingKeyConfigs } from "./signing-keys.server";

/**
 * Encryption at rest for the secrets the server must read back (webhook endpoint secrets, stored
 * idempotent responses that carry portal links or `whsec_` secrets, staff TOTP secrets):
 * AES-256-GCM.
 *
 * The key: `DATA_ENCRYPTION_KEY` is a list of `kid:secret` pairs (secret ≥ 32 characters, the
 * format of PORTAL_SIGNING_KEYS); the first encrypts, every listed key decrypts. Each purpose
 * gets its own 256-bit key, HKDF-SHA256(ikm = the secret's UTF-8 bytes, salt = "portico",
 * info = "portico:<purpose>"), and the purpose is also the GCM additional data, so a value
 * sealed for one column never opens as another's. Outside production an unset variable means a
 * key generated once into data/ (like the signing keys); production refuses to start without it.
 *
 * A sealed value is `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url): it names its key, so a value
 * survives a rotation, and start-up re-seals values under older keys with the first one
 * (app/server/secrets-at-rest.server.ts). Values sealed by earlier versions under a
 * PORTAL_SIGNING_KEYS entry (the dashboard's first TOTP secrets) still open, and are re-sealed
 * under DATA_ENCRYPTION_KEY at start-up.
 */
const VERSION = "v1";

const configs = parseSigningKeys(
  configuredSecret({
    name: "DATA_ENCRYPTION_KEY",
    value: env.DATA_ENCRYPTION_KEY,
    file: "data-encryption-key",
    generate: () => `dev${randomBytes(3).toString("hex")}:${randomBytes(32).toString("base64url")}`,
  }),
  "DATA_ENCRYPTION_KEY",
);

const derived = new Map<string, Buffer>();
function derive(config: SigningKeyConfig, source: string, purpose: string): Buffer {
  const cacheKey = `${source}:${config.kid}:${purpose}`;
  let key = derived.get(cacheKey);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", Buffer.from(config.secret, "utf8"), "portico", `portico:${purpose}`, 32));
    derived.set(cacheKey, key);
  }
  return key;
}

/** The keys that may have sealed a value naming `kid`: the data key first, then a legacy signing key. */
function keysFor(kid: string, purpose: string): Buffer[] {
  const out: Buffer[] = [];
  const data = configs.find((k) => k.kid === kid);
  if (data) out.push(derive(data, "data", purpose));
  const legacy = signingKeyConfigs().find((k) => k.kid === kid);
  if (legacy) out.push(derive(legacy, "signing", purpose));
  return out;
}

/** The key id new values are sealed under. */
export const currentKeyId = () => configs[0].kid;

export function sealSecret(plain: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derive(configs[0], "data", purpose), iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, currentKeyId(), iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

/** The plain value, or null when it cannot be read (unknown key, tampered, malformed). */
export function openSecret(sealed: string, purpose: string): string | null {
  const [version, kid, iv, body, tag, extra] = sealed.split(".");
  if (version !== VERSION || !kid || !iv || body === undefined || !tag || extra !== undefined) return null;
  for (const key of keysFor(kid, purpose)) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      // The next candidate (a legacy key of the same id), or unreadable.
    }
  }
  return null;
}

/** Whether a stored value is sealed at all, and under which key id. */
export function sealedKeyId(value: string): string | null {
  const parts = value.split(".");
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : null;
}
