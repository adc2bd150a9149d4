import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { importKeyring, parseSigningKeys, type Keyring } from "./portal-tokens.server";

/**
 * Where the signing keys come from: PORTAL_SIGNING_KEYS when set; outside production a key
 * generated once and kept beside the database (so links survive restarts). Production without
 * the variable never reaches this point: env.server.ts refuses to start.
 */
function readConfiguredKeys(): string {
  if (env.PORTAL_SIGNING_KEYS) return env.PORTAL_SIGNING_KEYS;
  if (env.production) throw new Error("Refusing to start in production: PORTAL_SIGNING_KEYS must be set.");
  const dir = env.DATABASE_PATH === ":memory:" ? path.resolve("data") : path.dirname(path.resolve(env.DATABASE_PATH));
  const file = path.join(dir, "portal-signing-keys");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(dir, { recursive: true });
  const value = `dev${randomBytes(3).toString("hex")}:${randomBytes(32).toString("base64url")}`;
  // wx: if two processes race on a fresh checkout, the loser reads the winner's key.
  try {
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: "wx" });
    logger.info({ msg: "generated a development portal signing key", file });
    return value;
  } catch {
    return fs.readFileSync(file, "utf8").trim();
  }
}

// Parsed at import, so a malformed PORTAL_SIGNING_KEYS stops start-up with its message.
const parsedKeys = parseSigningKeys(readConfiguredKeys());
let keyring: Promise<Keyring> | undefined;

/** The keys imported once as CryptoKeys (≈ 50 % faster than raw secrets per sign/verify). */
export function getKeyring(): Promise<Keyring> {
  keyring ??= importKeyring(parsedKeys);
  return keyring;
}

/** The raw secrets, for keys derived from them (the session cookies' HMAC). */
export const signingSecrets = () => parsedKeys.map((k) => k.secret);

/** The configured keys with their ids (the dashboard's sealed secrets name the key that sealed them). */
export const signingKeyConfigs = () => parsedKeys;
