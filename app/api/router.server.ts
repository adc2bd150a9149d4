import type { IncomingMessage, ServerResponse } from "node:http";
import { answerApiRequest, type ApiRequest, type ApiRoute } from "./route.server";
import type { ApiAnswer } from "./respond.server";

/**
 * The lean router of `/api/v1` (docs/decisions/008-lean-api-router.md, 011-node-http-front.md):
 * the server's front asks it about every request before Express; it answers the API's from the
 * route table, without Express, a Fetch `Request`, Remix's route matching or a `Response`.
 *
 * It claims exactly the requests Remix routed to the API before it: the path as URL parsing
 * normalises it (`..`, `.`, backslashes) and then percent-decoded segment by segment, matched
 * without regard to ASCII case, trailing slashes ignored (`matchRoutes` in @remix-run/router).
 * Its answers are Remix's to the byte: the headers of `ApiAnswer` lower-cased in sorted order
 * (a `Headers` object's order, after the request id and security headers), a JSON body
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
  // Without a "%" there is nothing to decode: decodePath would give the path back as it is.
  const segments = (pathname.includes("%") ? decodePath(pathname) : pathname).split("/");
  if (segments.length < 3 || segments[0] !== "" || !API_PREFIX.every((p, i) => sameText(segments[i + 1], p))) return null;
  let end = segments.length;
  while (end > 3 && segments[end - 1] === "") end--;
  return segments.slice(3, end);
}

const decoder = new TextDecoder();

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

// The headers of a plain JSON answer (`jsonAnswer` without extras), as written: most answers.
const JSON_HEADERS = ["cache-control", "no-store", "content-type", "application/json; charset=utf-8"];

/**
 * How `answerHeaders` writes the headers of one set of names (in their order): each lower-cased
 * name, sorted, with the given names it joins. Answers come in a few shapes (the invoice's, an
 * error's with Retry-After, …), so a shape is worked out once; a set of names met after
 * `MAX_HEADER_PLANS` shapes is worked out each time instead.
 */
type HeaderPlan = { lower: string; names: string[] }[];
const headerPlans = new Map<string, HeaderPlan>();
const MAX_HEADER_PLANS = 64;

function headerPlan(names: string[]): HeaderPlan {
  const key = names.join("\n"); // no header name holds a line break
  let plan = headerPlans.get(key);
  if (plan) return plan;
  const byLower = new Map<string, string[]>();
  for (const name of names) {
    const lower = name.toLowerCase();
    const same = byLower.get(lower);
    if (same) same.push(name);
    else byLower.set(lower, [name]);
  }
  plan = [...byLower.keys()].sort().map((lower) => ({ lower, names: byLower.get(lower)! }));
  if (headerPlans.size < MAX_HEADER_PLANS) headerPlans.set(key, plan);
  return plan;
}

/** `answer.headers` lower-cased, same names joined by ", ", in sorted order (a `Headers` object's). */
export function answerHeaders(answer: ApiAnswer): string[] {
  const given = answer.headers;
  const names = Object.keys(given);
  if (names.length === 2 && given["Content-Type"] === JSON_HEADERS[3] && given["Cache-Control"] === JSON_HEADERS[1]) return JSON_HEADERS;
  const headers: string[] = [];
  for (const { lower, names: same } of headerPlan(names)) {
    headers.push(lower, same.length === 1 ? given[same[0]] : same.map((name) => given[name]).join(", "));
  }
  return headers;
}

/**
 * The answer on the wire, header for header as the Remix adapter wrote a `Response`: `head` (the
 * request id and security headers, as `[name, value, …]`) first, then the answer's own; one of
 * the answer's of a name `head` already has takes its place, under the answer's (lower-case)
 * name, as `setHeader` over an earlier one did.
 */
export function writeAnswer(res: ServerResponse, method: string, answer: ApiAnswer, head: string[]) {
  const own = answerHeaders(answer);
  const headers = head.slice();
  let contentLength = false;
  for (let i = 0; i < own.length; i += 2) {
    const name = own[i];
    if (name === "content-length") contentLength = true;
    let at = -1;
    for (let j = 0; j < headers.length && at < 0; j += 2) if (headers[j].length === name.length && headers[j].toLowerCase() === name) at = j;
    if (at < 0) headers.push(name, own[i + 1]);
    else headers.splice(at, 2, name, own[i + 1]);
  }
  res.writeHead(answer.status, headers);
  if (method === "HEAD") res.end();
  else if (contentLength) res.end(answer.body);
  else {
    // Chunked, as Remix streamed it: without a Content-Length of ours, Node would add one.
    res.write(answer.body);
    res.end();
  }
}

/** A request the router answers: its URL (as the handlers see it) and the route it matched, if any. */
export type ApiClaim = { url: URL; found: ApiMatch };

/**
 * The router of `/api/v1` for the server's front (app/server/front.server.ts): `claim` says
 * whether a request is the API's, `answer` answers a claimed one from the table.
 */
export function createApiRouter(options: { routes: readonly ApiRoute[]; origin: string }) {
  const { match } = compileApiRoutes(options.routes);
  /**
   * `pathname` is the request's path as Express read it (parseurl): a request Express's
   * catch-all route cannot decode is not claimed, so it is answered as before (a 400).
   */
  function claim(method: string, originalUrl: string, pathname: string): ApiClaim | null {
    if (!ROUTED_METHODS.has(method)) return null;
    let url: URL;
    try {
      url = new URL(originalUrl, options.origin);
    } catch {
      return null;
    }
    const rest = apiSegments(url.pathname);
    if (rest === null) return null;
    try {
      decodeURIComponent(pathname);
    } catch {
      return null;
    }
    stripIndexParam(url);
    return { url, found: match(rest) };
  }

  /** `body`: what express.raw() read (a Buffer), or nothing. */
  function answer(claimed: ApiClaim, req: IncomingMessage, body: unknown, requestId: string, clientIp: string): Promise<ApiAnswer> {
    const method = req.method!;
    const request: ApiRequest = {
      method,
      url: claimed.url,
      header: (name) => rawHeader(req.rawHeaders, name),
      text: () => {
        if (method === "GET" || method === "HEAD" || !Buffer.isBuffer(body)) return "";
        return decoder.decode(body);
      },
      requestId,
      clientIp,
    };
    return answerApiRequest(claimed.found?.route ?? null, claimed.found?.params ?? {}, request);
  }
  return { claim, answer };
}
