import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import etag from "etag";
import fresh from "fresh";
import parseurl from "parseurl";
import proxyaddr from "proxy-addr";
import type { ApiRoute } from "~/api/route.server";
import { createApiRouter, writeAnswer } from "~/api/router.server";
import { fairQueue } from "~/server/fair-queue.server";
import type { RemixServe } from "~/server/remix-adapter.server";
import { cspNonce } from "~/server/csp-nonce.server";
import { refusedAsCrossSite } from "~/utils/csrf.server";
import { requestsBegin } from "~/utils/commit-cache.server";
import { logRequest, logger } from "~/utils/logger.server";

/**
 * The server's front (docs/decisions/011-node-http-front.md): the `http.Server` callback. It
 * answers `/api/v1` and `/healthz` itself, on plain node:http; pages read with GET or HEAD go
 * straight to Remix (docs/decisions/019-pages-off-express.md); every other request goes to the
 * Express app unchanged. What Express's middlewares did for those paths is done here once per
 * request and no more: the request id, the request log line, the security headers (captured
 * from helmet and the policies at start; a page's with its nonce), the body under the 1 MB limit,
 * the JSON or text errors, and `Connection: close` while shutting down. Requests Express answered
 * in its own way before the API router or Remix saw them (a cross-site form post, a path its
 * router cannot decode, static files, test-only routes) are left to Express, which still answers
 * them. Pages and Express's requests start in arrival order, one per event-loop turn
 * (`fairQueue`, docs/decisions/010-fair-queue.md); the API's requests are short enough to start
 * at once.
 */

// A connect-style middleware (helmet's, express.raw()).
type Middleware = (req: any, res: any, next: (error?: unknown) => void) => void;
type Trust = (address: string, hop: number) => boolean;

/**
 * The headers a chain of middlewares sets on a response that does not depend on the request
 * (helmet's and a CSP without a nonce), as `[name, value, …]` in the order Node writes them: a
 * header set again keeps its place and takes the new name and value.
 */
export function captureHeaders(middlewares: Middleware[], locals: Record<string, unknown> = {}): string[] {
  const headers = new Map<string, [string, string]>();
  const res = {
    locals,
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), [name, String(value)]),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase())?.[1],
  };
  for (const middleware of middlewares) {
    let done = false;
    middleware({ method: "GET", url: "/", headers: {} }, res, (error) => {
      if (error) throw error;
      done = true;
    });
    if (!done) throw new Error("captureHeaders: a middleware did not pass the request on at once");
  }
  return [...headers.values()].flat();
}

/**
 * `captureHeaders` for a chain whose headers depend only on the request's CSP nonce
 * (`res.locals.cspNonce`), captured once: each call puts the nonce where the capture had a
 * placeholder. The same headers as capturing anew for that nonce, without running the chain
 * (helmet's middlewares) for every page.
 */
export function captureHeadersWithNonce(middlewares: Middleware[]): (nonce: string) => string[] {
  const slot = `nonce${randomBytes(12).toString("hex")}`;
  const template = captureHeaders(middlewares, { cspNonce: slot });
  const at = template.flatMap((value, i) => (i % 2 === 1 && value.includes(slot) ? [i] : []));
  if (at.length === 0) throw new Error("captureHeadersWithNonce: no header carries the nonce");
  return (nonce) => {
    const headers = template.slice();
    for (const i of at) headers[i] = headers[i].split(slot).join(nonce);
    return headers;
  };
}

/**
 * Whether an error is Express's router failing to percent-decode the path (its `decode_param`: the
 * `URIError` of `decodeURIComponent`, given status 400), e.g. `/api/v1/customers/cus%ZZ`.
 */
const isUndecodablePath = (error: unknown) => error instanceof URIError && (error as { status?: number }).status === 400;

const UNDECODABLE_PATH = "The request path is not valid percent-encoding: each % must start a %XX escape of UTF-8 bytes.";

/**
 * The JSON error (API paths) or text of a request that failed outside the API's own conventions;
 * `error`, when given, names what failed where that can be told (a body too large, a path that
 * cannot be decoded).
 */
export function unhandledErrorBody(status: number, requestId: string, path: string, error?: unknown): { json: boolean; body: string } {
  const tooLarge = status === 413;
  const undecodable = !tooLarge && isUndecodablePath(error);
  const message = tooLarge ? "Request body exceeds 1 MB." : undecodable ? UNDECODABLE_PATH : "Something went wrong.";
  if (!path.startsWith("/api/")) return { json: false, body: `${message} Request id: ${requestId}` };
  const errorObject = {
    type: tooLarge ? "invalid_request_error" : status < 500 ? "invalid_request_error" : "api_error",
    code: tooLarge ? "body_too_large" : undecodable ? "invalid_path" : status < 500 ? "bad_request" : "internal_error",
    message: status < 500 ? message : `${message} Request id: ${requestId}`,
  };
  return { json: true, body: JSON.stringify({ error: errorObject }) };
}

const JSON_TYPE = "application/json; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";

/**
 * What Express's `res.send` wrote for a string: its Content-Type, Content-Length and weak ETag
 * after `head`, a 304 without them when the request's validators still match (2xx only), and
 * no body for HEAD.
 */
function sendLikeExpress(req: IncomingMessage, res: ServerResponse, status: number, head: string[], type: string, body: Buffer, tag: string) {
  const isFresh = status >= 200 && status < 300 && (req.method === "GET" || req.method === "HEAD") && fresh(req.headers, { etag: tag });
  const headers = isFresh ? head.concat("ETag", tag) : head.concat("Content-Type", type, "Content-Length", String(body.length), "ETag", tag);
  res.writeHead(isFresh ? 304 : status, headers);
  if (req.method === "HEAD" || isFresh) res.end();
  else res.end(body);
}

function sendString(req: IncomingMessage, res: ServerResponse, status: number, head: string[], type: string, text: string) {
  const body = Buffer.from(text);
  sendLikeExpress(req, res, status, head, type, body, etag(body, { weak: true }));
}

/**
 * Whether a request is answered as the API answers (JSON, an invoice's PDF, the health check), and
 * so gets the API's headers rather than a browser document's (docs/decisions/023-api-headers.md).
 */
export const isApiAnswerPath = (path: string) => path.startsWith("/api/") || path === "/healthz";

/** Whether a request may be answered with an HTML page (and so gets a CSP nonce): not the API's, not a built asset. */
export const mayRenderPage = (path: string) => !(isApiAnswerPath(path) || path.startsWith("/build/"));

/** Express's route `/healthz`: any letter case, one trailing slash allowed. */
const HEALTH_PATH = /^\/healthz\/?$/i;

export function createFront(options: {
  routes: readonly ApiRoute[];
  origin: string;
  /** Express's compiled `trust proxy fn`, so the client IP is Express's `req.ip`. */
  trust: Trust;
  /** The headers of every API answer and health check (captureHeaders of the API's helmet). */
  apiHeaders: string[];
  /**
   * The headers with a page's policy and this nonce: Express gave them to every path that might
   * be a page, which includes `/API/v1/…` and `/Healthz` (rare: computed per request).
   */
  pageHeaders: (nonce: string) => string[];
  /** express.raw() with the body limit: the body read as Express read it, with its errors. */
  readBody: Middleware;
  /** Throws when the database does not answer. */
  checkHealth: () => void;
  isShuttingDown: () => boolean;
  /**
   * Pages read with GET or HEAD: Remix, without Express. `expressOnly` names the paths that must
   * still reach Express's own handlers (static files, test-only routes). Without it, Express
   * serves every page.
   */
  pages?: { serve: RemixServe; expressOnly: (pathname: string) => boolean };
  /** The Express app: every request the front does not answer. */
  fallback: RequestListener;
}): RequestListener {
  const router = createApiRouter({ routes: options.routes, origin: options.origin });
  const { trust, apiHeaders, readBody, pages } = options;
  const healthHead = ["Cache-Control", "no-store"];
  const healthy = Buffer.from(JSON.stringify({ status: "ok", database: "ok" }));
  const unhealthy = Buffer.from(JSON.stringify({ status: "error", database: "unavailable" }));
  const healthyTag = etag(healthy, { weak: true });
  const unhealthyTag = etag(unhealthy, { weak: true });

  /**
   * Express's first middlewares, once: the request id, the client IP, the headers every answer
   * starts with, the log line on `finish`, and the error handler's answer (`fail`).
   */
  function begin(req: IncomingMessage, res: ServerResponse, method: string, url: string, pathname: string) {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const ip = proxyaddr(req, trust);
    // The front begins only the API's requests and pages: whatever cannot be a page is the API's.
    const nonce = mayRenderPage(pathname) ? cspNonce() : "";
    const security = nonce ? options.pageHeaders(nonce) : apiHeaders;
    const head = ["X-Request-Id", requestId].concat(options.isShuttingDown() ? ["Connection", "close"] : [], security);
    res.on("finish", () => {
      logRequest({
        request_id: requestId,
        method,
        url,
        status: res.statusCode,
        duration_ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ip,
      });
    });

    const fail = (error: unknown) => {
      const status = (error as { status?: number }).status ?? 500;
      if (status >= 500) logger.error({ err: error, request_id: requestId }, "unhandled error");
      if (res.headersSent) return void res.end();
      // What Remix set before it failed is not Express's error answer.
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      const { json, body } = unhandledErrorBody(status, requestId, pathname, error);
      sendString(req, res, status, head, json ? JSON_TYPE : TEXT_TYPE, body);
    };
    return { requestId, ip, nonce, head, fail };
  }

  /**
   * A page read through Remix as Express's last route served it: the same head set first (Remix's
   * headers of the same name take their place), the body parser's errors, the error handler.
   */
  function servePage(req: IncomingMessage, res: ServerResponse, method: string, url: string, pathname: string) {
    const { requestId, ip, nonce, head, fail } = begin(req, res, method, url, pathname);
    for (let i = 0; i < head.length; i += 2) res.setHeader(head[i], head[i + 1]);
    try {
      readBody(req, res, (error) => {
        if (error) return fail(error);
        pages!.serve(req, res, undefined, { requestId, cspNonce: nonce, clientIp: ip ?? "unknown" }).catch(fail);
      });
    } catch (error) {
      fail(error);
    }
  }

  /** Whether Express's router would hand this request to Remix: GET or HEAD, a decodable path of no handler of its own. */
  const isPage = (method: string, pathname: string) => {
    if (!pages || (method !== "GET" && method !== "HEAD") || pages.expressOnly(pathname)) return false;
    try {
      decodeURIComponent(pathname);
      return true;
    } catch {
      return false;
    }
  };

  const queued = fairQueue((req, res) => {
    const method = req.method!;
    const pathname = parseurl(req)?.pathname ?? "";
    if (isPage(method, pathname)) servePage(req, res, method, req.url!, pathname);
    else options.fallback(req, res);
  });

  return (req, res) => {
    // A commit cache answers this request from a data_version read after it arrived (ADR 020).
    requestsBegin();
    const method = req.method!;
    const url = req.url!;
    const pathname = parseurl(req)?.pathname ?? "";
    const health = (method === "GET" || method === "HEAD") && HEALTH_PATH.test(pathname);
    const claim = health ? null : router.claim(method, url, pathname);
    if (!health && (claim === null || refusedAsCrossSite(method, pathname, req.headers))) return queued(req, res);

    const { requestId, ip, head, fail } = begin(req, res, method, url, pathname);

    if (health) {
      let ok = true;
      try {
        options.checkHealth();
      } catch (error) {
        logger.error({ err: error }, "health check failed");
        ok = false;
      }
      return sendLikeExpress(req, res, ok ? 200 : 503, head.concat(healthHead), JSON_TYPE, ok ? healthy : unhealthy, ok ? healthyTag : unhealthyTag);
    }
    try {
      readBody(req, res, (error) => {
        if (error) return fail(error);
        router
          .answer(claim!, req, (req as IncomingMessage & { body?: unknown }).body, requestId, ip ?? "unknown")
          .then((answer) => writeAnswer(res, method, answer, head))
          .catch(fail);
      });
    } catch (error) {
      fail(error);
    }
  };
}
