import fs from "node:fs";
import { isMainThread } from "node:worker_threads";
import pino, { type DestinationStream } from "pino";
import { env } from "./env.server";
import { TurnBufferedStdout } from "./turn-buffered-stdout.server";

/**
 * One JSON line per event on stdout. Tokens and secrets never reach it: request paths are
 * redacted on their normalised form (see redactPath), no handler logs bodies or headers, and an
 * error from the database layer is logged without its bound parameters (see safeError).
 */
export function createLogger(destination?: DestinationStream) {
  return pino(
    {
      level: env.LOG_LEVEL,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: ["authorization", "*.authorization", "token", "*.token", "secret", "*.secret"],
      serializers: { err: (e: unknown) => pino.stdSerializers.err(safeError(e) as Error), error: (e: unknown) => pino.stdSerializers.err(safeError(e) as Error) },
    },
    destination,
  );
}

/**
 * stdout, one write per event-loop turn on the main thread (TurnBufferedStdout): a synchronous
 * write per line cost about a third of a cached PDF download's CPU (README, "Issue 13 changes,
 * measured"). Worker threads keep pino's synchronous stdout.
 */
const turnStdout = isMainThread ? new TurnBufferedStdout(1) : undefined;
export const logger = createLogger(turnStdout);

/** The request line's fields, in the order the line shows them. */
export type RequestLine = {
  request_id: string;
  method: string;
  /** The URL as asked; the line holds its redacted path (redactPath). */
  url: string;
  status: number;
  duration_ms: number;
  ip: string | undefined;
};

/**
 * One request's log line, written when its response has finished (the front and Express).
 * The same line pino writes for `logger.info({ msg: "request", … })` — level, ISO time, then the
 * fields in order, an undefined `ip` left out — put together here rather than by pino, whose
 * generic object walk, `redactPath`'s decoding and the turn's write together were ≈ 11 % of a
 * cached PDF download's CPU (README, "Issue 13 changes, measured"). Its fields hold no secret: the path is
 * redacted, the rest are ids, numbers, the method and the client IP.
 */
export function logRequest(line: RequestLine): void {
  if (!logger.isLevelEnabled("info")) return;
  const text = requestLineText(line, new Date());
  // A worker thread has no turn buffer: a synchronous write, as pino's own stdout there.
  if (turnStdout) turnStdout.write(text);
  else fs.writeSync(1, text);
}

/** The text of a request line logged at `time`, newline included. */
export function requestLineText(line: RequestLine, time: Date): string {
  const ip = line.ip === undefined ? "" : `,"ip":${JSON.stringify(line.ip)}`;
  const duration = Number.isFinite(line.duration_ms) ? line.duration_ms : null;
  return (
    `{"level":30,"time":"${time.toISOString()}","msg":"request","request_id":${JSON.stringify(line.request_id)},` +
    `"method":${JSON.stringify(line.method)},"path":${JSON.stringify(redactPath(line.url))},"status":${line.status},` +
    `"duration_ms":${duration}${ip}}\n`
  );
}

/** A failed query as the log shows it: the SQL with its placeholders, never the values bound to them. */
export class DatabaseQueryError extends Error {
  constructor(
    readonly query: string,
    message: string,
    stack: string | undefined,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = "DatabaseQueryError";
    this.stack = stack;
  }
}

/**
 * Drizzle wraps a driver error as "Failed query: <sql>\nparams: <values>" and keeps the values
 * in `params`: emails, token hashes, whatever the query bound. The copy logged keeps the SQL and
 * the driver's own message (SQLite's messages name columns, never values) and drops the rest,
 * throughout the cause chain.
 */
export function safeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 8) return error;
  const cause = "cause" in error ? safeError(error.cause, depth + 1) : undefined;
  if ("query" in error && "params" in error && typeof error.query === "string") {
    const message = `Failed query: ${error.query}`;
    const stack = error.stack?.replace(error.message, message);
    return new DatabaseQueryError(error.query, message, stack, cause);
  }
  if (cause !== undefined && cause !== (error as { cause?: unknown }).cause) {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as Error, error, { cause });
    copy.message = error.message;
    copy.stack = error.stack;
    return copy;
  }
  return error;
}

// Paths whose next segment is a bearer secret: portal links, email-change confirmations, and the
// dashboard's one-time setup and team-invite links.
const TOKEN_ROUTES = [
  ["portal", "session"],
  ["portal", "profile", "confirm-email"],
  ["dashboard", "setup"],
  ["dashboard", "invite"],
];

/** Non-empty segments, none `.` or `..`, without escapes or backslashes; or `/` alone. */
const PLAIN_PATH = /^(?:\/(?!\.\.?(?:\/|$))[^/\\%]+)+$|^\/$/;
/** The last name of every token route (a path without one cannot match it), anywhere, any case. */
const TOKEN_ROUTE_WORD = new RegExp(TOKEN_ROUTES.map((route) => route[route.length - 1]).join("|"), "i");

/** Percent-decodes until stable (a token may be encoded twice); a malformed escape stays as it is. */
function decode(segment: string): string {
  let current = segment;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

/**
 * The path as the router sees it, for the log: no query string or fragment, percent-decoded,
 * backslashes as slashes (as URL parsing treats them), empty and `.` segments dropped, `..`
 * applied. Anything from a token segment on is `[redacted]`, matched without regard to case,
 * so `/Portal/./Session//%65yJ…` is caught like `/portal/session/eyJ…`.
 */
export function redactPath(url: string): string {
  const raw = url.split(/[?#]/)[0] ?? "";
  // Most paths are already in that form and name no token route: returned as they are.
  if (PLAIN_PATH.test(raw) && !TOKEN_ROUTE_WORD.test(raw)) return raw;
  const segments: string[] = [];
  for (const part of decode(raw).split(/[/\\]+/)) {
    if (part === "" || part === ".") continue;
    if (part === "..") segments.pop();
    else segments.push(part);
  }
  const lower = segments.map((s) => s.toLowerCase());
  for (const route of TOKEN_ROUTES) {
    for (let start = 0; start + route.length < segments.length; start++) {
      if (route.every((name, i) => lower[start + i] === name)) {
        return `/${[...segments.slice(0, start + route.length), "[redacted]"].join("/")}`;
      }
    }
  }
  return `/${segments.join("/")}`;
}
