import type { IncomingMessage, ServerResponse } from "node:http";
import { answerApiRequest, type ApiRequest, type ApiRoute } from "./route.server";
import type { ApiAnswer } from "./respond.server";

/**
 * The lean router of `/api/v1` (docs/decisions/008-lean-api-router.md): Express hands it every
 * request before Remix; it answers the API's from the route table, without a Fetch `Request`,
 * Remix's route matching or a `Response`, and passes everything else on.
 *
 * It claims exactly the requests Remix routed to the API before it: the path as URL parsing
 * normalises it (`..`, `.`, backslashes) and then percent-decoded segment by segment, matched
 * without regard to ASCII case, trailing slashes ignored (`matchRoutes` in @remix-run/router).
 * Its answers are Remix's to the byte: the headers of `ApiAnswer` lower-cased in sorted order
 * (a `Headers` object's order, set after the security headers Express already put), a JSON body
 * as one chunk of a chunked response, and no body for HEAD.
 */

const API_PREFIX = ["api", "v1"];
// Methods Remix gave the API's loader or action. Any other (TRACE, PROPFIND, …) still goes to
// Remix, which refuses it as it always did.
const ROUTED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

type Segment = { param: string } | { text: string };
type Pattern = { route: ApiRoute; segments: Segment[] };
export type ApiMatch = { route: ApiRoute; params: Record<string, string> } | null;

// Only ASCII letters compare without case (a RegExp's `i` flag without `u`, as Remix matches):
// a non-ASCII character whose lower case is ASCII (the Kelvin sign) must not match.
const NON_ASCII = /[^\x00-\x7f]/;
const sameText = (segment: string, text: string) =>
  segment.length === text.length && (segment === text || (segment.toLowerCase() === text && !NON_ASCII.test(segment)));

/** `@remix-run/router`'s decodePath: each segment decoded, a decoded "/" kept as %2F; all or nothing. */
function decodePath(pathname: string): string {
  try {
    return pathname
      .split("/")
      .map((v) => decodeURIComponent(v).replace(/\//g, "%2F"))
      .join("/");
  } catch {
    return pathname;
  }
}

/**
 * The table compiled once: static paths in a map, the others as a short list of patterns by
 * segment count, the more literal segments first (Remix ranks a static segment over a parameter).
 */
export function compileApiRoutes(routes: readonly ApiRoute[]) {
  const statics = new Map<string, ApiRoute>();
  const patterns = new Map<number, Pattern[]>();
  for (const route of routes) {
    const parts = route.path.split("/").slice(1);
    if (!route.path.startsWith("/") || parts.some((p) => p === "" || p !== p.toLowerCase() || NON_ASCII.test(p))) {
      throw new Error(`API route path "${route.path}": lower-case ASCII segments after a leading "/"`);
    }
    if (parts.every((p) => !p.startsWith(":"))) {
      if (statics.has(route.path)) throw new Error(`API route path "${route.path}" is listed twice`);
      statics.set(route.path, route);
      continue;
    }
    const segments: Segment[] = parts.map((p) => (p.startsWith(":") ? { param: p.slice(1) } : { text: p }));
    const list = patterns.get(segments.length) ?? [];
    if (list.some((other) => other.route.path.replace(/:\w+/g, ":") === route.path.replace(/:\w+/g, ":"))) {
      throw new Error(`API route path "${route.path}" is listed twice`);
    }
    list.push({ route, segments });
    patterns.set(segments.length, list);
  }
  const literals = (p: Pattern) => p.segments.filter((s) => "text" in s).length;
  for (const list of patterns.values()) list.sort((a, b) => literals(b) - literals(a));

  /** The route for the segments after `/api/v1` (decoded, trailing empty ones dropped), or null. */
  function match(rest: string[]): ApiMatch {
    const key = `/${rest.join("/")}`;
    const exact = statics.get(key) ?? statics.get(key.toLowerCase());
    if (exact && (key === exact.path || !NON_ASCII.test(key))) return { route: exact, params: {} };
    for (const pattern of patterns.get(rest.length) ?? []) {
      let params: Record<string, string> | null = {};
      for (let i = 0; i < rest.length && params; i++) {
        const segment = pattern.segments[i];
        if ("param" in segment) {
          if (rest[i] === "") params = null;
          else params[segment.param] = rest[i].replace(/%2F/g, "/");
        } else if (!sameText(rest[i], segment.text)) params = null;
      }
      if (params) return { route: pattern.route, params };
    }
    return null;
  }
  return { match };
}

/**
 * The segments after `/api/v1` when a path is the API's, else null. An empty segment inside the
 * path matches nothing (no route has one): it stays, so the path is answered as unknown.
 */
export function apiSegments(pathname: string): string[] | null {
  const segments = decodePath(pathname).split("/");
  if (segments.length < 3 || segments[0] !== "" || !API_PREFIX.every((p, i) => sameText(segments[i + 1], p))) return null;
  let end = segments.length;
  while (end > 3 && segments[end - 1] === "") end--;
  return segments.slice(3, end);
}

const decoder = new TextDecoder();
type Req = IncomingMessage & { originalUrl: string; path: string; body?: unknown; ip?: string };
type Res = ServerResponse & { locals: Record<string, unknown> };

/** A header as Fetch's `Headers.get` reads it from the raw list: every value of the name, joined by ", ". */
function rawHeader(raw: string[], name: string): string | null {
  let value: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === name.length && raw[i].toLowerCase() === name) value = value === null ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
  }
  return value;
}

/** Remix hands a route's loader its URL without an empty `index` parameter (`stripIndexParam`). */
function stripIndexParam(url: URL) {
  if (!url.searchParams.has("index")) return;
  const kept = url.searchParams.getAll("index").filter(Boolean);
  url.searchParams.delete("index");
  for (const value of kept) url.searchParams.append("index", value);
}

/** The answer on the wire, header for header as the Remix adapter wrote a `Response`. */
export function writeAnswer(res: ServerResponse, method: string, answer: ApiAnswer) {
  res.statusCode = answer.status;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    const lower = name.toLowerCase();
    headers[lower] = lower in headers ? `${headers[lower]}, ${value}` : value;
  }
  for (const name of Object.keys(headers).sort()) res.setHeader(name, headers[name]);
  if (method === "HEAD") res.end();
  else if ("content-length" in headers) res.end(answer.body);
  else {
    // Chunked, as Remix streamed it: without a Content-Length of ours, Node would add one.
    res.write(answer.body);
    res.end();
  }
}

/** Express middleware: the API's requests answered from the table, every other one passed on. */
export function leanApiRouter(options: { routes: readonly ApiRoute[]; origin: string }) {
  const { match } = compileApiRoutes(options.routes);
  return (req: Req, res: Res, next: (error?: unknown) => void) => {
    if (!ROUTED_METHODS.has(req.method!)) return next();
    let url: URL;
    try {
      url = new URL(req.originalUrl, options.origin);
    } catch {
      return next();
    }
    const rest = apiSegments(url.pathname);
    if (rest === null) return next();
    try {
      // Express's catch-all route decodes the whole path first and answers 400 when it cannot.
      decodeURIComponent(req.path);
    } catch {
      return next();
    }
    stripIndexParam(url);
    const found = match(rest);
    const method = req.method!;
    const body = req.body;
    const request: ApiRequest = {
      method,
      url,
      header: (name) => rawHeader(req.rawHeaders, name),
      text: () => {
        if (method === "GET" || method === "HEAD" || !Buffer.isBuffer(body)) return "";
        return decoder.decode(body);
      },
      requestId: res.locals.requestId as string,
      clientIp: req.ip ?? "unknown",
    };
    answerApiRequest(found?.route ?? null, found?.params ?? {}, request)
      .then((answer) => writeAnswer(res, method, answer))
      .catch(next);
  };
}
