import "dotenv/config";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { parseRetryDelays } from "./retry-schedule";

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : v === "true" || v === "1"));

/**
 * Configuration from the environment (and `.env`). Parsed once; every default is the one of the
 * README's configuration table. Production refuses to start without the settings it cannot guess.
 */
export function parseEnv(raw: NodeJS.ProcessEnv) {
  // An empty variable (`PUBLIC_URL=`) means unset, as in most twelve-factor apps.
  const source = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== "")) as NodeJS.ProcessEnv;
  const production = source.NODE_ENV === "production";
  const base = z
    .object({
      NODE_ENV: z.string().default("development"),
      PORT: z.coerce.number().int().min(0).max(65535).default(3000),
      // Outside production the server listens on loopback only unless HOST says otherwise.
      HOST: z.string().default(production ? "" : "127.0.0.1"),
      PUBLIC_URL: z.string().url().optional(),
      DATABASE_PATH: z.string().min(1).default("data/portico.db"),
      PORTAL_SIGNING_KEYS: z.string().optional(),
      DATA_ENCRYPTION_KEY: z.string().optional(),
      SMTP_URL: z.string().url().optional(),
      MAIL_FROM: z.string().default("Portico <no-reply@localhost>"),
      WEBHOOK_ALLOW_PRIVATE_URLS: bool(!production),
      RATE_LIMIT_SCALE: z.coerce.number().min(0).default(1),
      SEED_DEMO: bool(!production),
      MAIL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
      LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
      // The page thread (docs/decisions/021-page-thread.md): the portal's pages rendered on a second core.
      PAGE_THREAD: bool(true),
      // Lets the test suite move the server's clock (never honoured in production).
      PORTICO_TEST_CLOCK: bool(false),
      // Lets the test suite render every page the page thread may render in it (never honoured in production).
      PORTICO_TEST_PAGE_THREAD: z.enum(["always"]).optional(),
      // Lets the test suite hold invoice renders in their worker thread (never honoured in production).
      PORTICO_TEST_PDF_GATE: z.string().min(1).optional(),
    })
    .parse(source);

  if (production) {
    const missing = (["PUBLIC_URL", "PORTAL_SIGNING_KEYS", "DATA_ENCRYPTION_KEY"] as const).filter((k) => !source[k]);
    if (missing.length > 0) {
      const names = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(", ")} and ${missing.at(-1)}`;
      throw new Error(`Refusing to start in production: ${names} must be set (see README, Configuration).`);
    }
  }
  const publicUrl = new URL(base.PUBLIC_URL ?? `http://localhost:${base.PORT}`);
  const https = publicUrl.protocol === "https:";
  const loopback = isLoopbackHost(publicUrl.hostname);
  if (production && !https && !loopback) {
    throw new Error(
      `Refusing to start in production: PUBLIC_URL must be https (got ${publicUrl.origin}); plain http is allowed only for localhost or a loopback address.`,
    );
  }
  return {
    ...base,
    production,
    HOST: base.HOST || undefined,
    PUBLIC_URL: publicUrl.origin,
    https,
    // /dev/mailbox shows sign-in links: only on a developer's own machine, never in production.
    DEV_MAILBOX: !production && loopback,
    TRUST_PROXY: parseTrustProxy(source.TRUST_PROXY),
    PORTICO_TEST_CLOCK: base.PORTICO_TEST_CLOCK && !production,
    PORTICO_TEST_PDF_GATE: production ? null : (base.PORTICO_TEST_PDF_GATE ?? null),
    PORTICO_TEST_PAGE_THREAD: production ? null : (base.PORTICO_TEST_PAGE_THREAD ?? null),
    // Parsed here, so a bad value stops start-up with a message naming the variable.
    WEBHOOK_RETRY_DELAYS: parseRetryDelays(source.WEBHOOK_RETRY_DELAYS),
    WEBHOOK_TIMEOUT_MS: parseTimeoutMs(source.WEBHOOK_TIMEOUT_MS),
  };
}

/** `localhost`, a `*.localhost` name (RFC 6761), or a loopback address (127.0.0.0/8, ::1). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (!ipaddr.isValid(host)) return false;
  return ipaddr.process(host).range() === "loopback";
}

/**
 * `TRUST_PROXY`: which `X-Forwarded-For` entry is the client. A hop count N ≥ 1 takes the entry
 * N hops from the right (the socket peer is hop 0), so whatever a client writes on the left of
 * the header changes nothing; a list of proxy addresses or CIDRs takes the right-most entry that
 * is not one of them. Unset, `false` or `0` ignore the header. `true` (trust every hop, i.e. the
 * left-most entry, which any client can write) is refused.
 */
export function parseTrustProxy(value: string | undefined): false | number | string[] {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === "" || v === "false" || v === "0") return false;
  if (v === "true") {
    throw new Error(
      "TRUST_PROXY=true would let any client choose its IP with X-Forwarded-For: set TRUST_PROXY to the number of proxies in front of Portico (e.g. 1) or to their addresses (e.g. 10.0.0.0/8,fd00::/8).",
    );
  }
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 32) throw new Error(`TRUST_PROXY must be a hop count from 1 to 32 or a list of proxy addresses, got "${value}"`);
    return hops;
  }
  const entries = v.split(",").map((e) => e.trim()).filter(Boolean);
  const named = new Set(["loopback", "linklocal", "uniquelocal"]);
  for (const entry of entries) {
    const ok = named.has(entry) || ipaddr.isValid(entry) || (entry.includes("/") && isValidCidr(entry));
    if (!ok) throw new Error(`TRUST_PROXY: "${entry}" is neither a hop count nor an IP address or CIDR of a trusted proxy`);
  }
  if (entries.length === 0) return false;
  return entries;
}

function isValidCidr(value: string) {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000;

/** `WEBHOOK_TIMEOUT_MS`: milliseconds allowed for one webhook attempt (1 to 60 000). */
export function parseTimeoutMs(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_WEBHOOK_TIMEOUT_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1 || ms > 60_000) {
    throw new Error(`WEBHOOK_TIMEOUT_MS must be an integer between 1 and 60000, got "${value}"`);
  }
  return ms;
}

export type Env = ReturnType<typeof parseEnv>;

export const env: Env = parseEnv(process.env);
