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

/** Strips query strings and the token segment of portal links from a path before it is logged. */
export function redactPath(url: string): string {
  const pathOnly = url.split("?")[0] ?? "";
  return pathOnly.replace(/^\/portal\/session\/[^/]+/, "/portal/session/[redacted]");
}
