import pino from "pino";
import { env } from "./env.server";

// One JSON line per event on stdout. Tokens and secrets never reach it: request paths are
// redacted before logging (see redactPath) and no handler logs bodies or headers.
export const logger = pino({
  level: env.LOG_LEVEL,
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: ["authorization", "*.authorization", "token", "*.token", "secret", "*.secret"],
});

// Paths whose next segment is a bearer secret: portal links, email-change confirmations, and the
// dashboard's one-time setup and team-invite links.
const TOKEN_PATHS = /^(\/portal\/session|\/portal\/profile\/confirm-email|\/dashboard\/setup|\/dashboard\/invite)\/[^/]+/;

/** Strips query strings and the token segment of secret-bearing links before a path is logged. */
export function redactPath(url: string): string {
  const pathOnly = url.split("?")[0] ?? "";
  return pathOnly.replace(TOKEN_PATHS, "$1/[redacted]");
}
