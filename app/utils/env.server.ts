import "dotenv/config";
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
      HOST: z.string().optional(),
      PUBLIC_URL: z.string().url().optional(),
      DATABASE_PATH: z.string().min(1).default("data/portico.db"),
      PORTAL_SIGNING_KEYS: z.string().optional(),
      SMTP_URL: z.string().url().optional(),
      MAIL_FROM: z.string().default("Portico <no-reply@localhost>"),
      WEBHOOK_ALLOW_PRIVATE_URLS: bool(!production),
      RATE_LIMIT_SCALE: z.coerce.number().min(0).default(1),
      TRUST_PROXY: bool(false),
      SEED_DEMO: bool(!production),
      LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
      // Lets the test suite move the server's clock (never honoured in production).
      PORTICO_TEST_CLOCK: bool(false),
    })
    .parse(source);

  if (production) {
    const missing = (["PUBLIC_URL", "PORTAL_SIGNING_KEYS"] as const).filter((k) => !source[k]);
    if (missing.length > 0) {
      throw new Error(
        `Refusing to start in production: ${missing.join(" and ")} must be set (see README, Configuration).`,
      );
    }
  }
  const publicUrl = new URL(base.PUBLIC_URL ?? `http://localhost:${base.PORT}`);
  return {
    ...base,
    production,
    PUBLIC_URL: publicUrl.origin,
    https: publicUrl.protocol === "https:",
    PORTICO_TEST_CLOCK: base.PORTICO_TEST_CLOCK && !production,
    // Parsed here, so a bad value stops start-up with a message naming the variable.
    WEBHOOK_RETRY_DELAYS: parseRetryDelays(source.WEBHOOK_RETRY_DELAYS),
    WEBHOOK_TIMEOUT_MS: parseTimeoutMs(source.WEBHOOK_TIMEOUT_MS),
  };
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
