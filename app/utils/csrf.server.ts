import { env } from "./env.server";

/**
 * Cross-site protection for every portal POST. Browsers send Sec-Fetch-Site on every request;
 * anything but same-origin (or "none": typed or bookmarked) is refused. Older browsers without
 * it still send Origin on a POST, which must then be PUBLIC_URL's origin. SameSite=Lax cookies
 * already stop most cross-site posts; this closes the rest (sibling subdomains, top-level POST).
 */
export function isSameOriginPost(request: Request): boolean {
  return isSameOrigin(request.headers.get("sec-fetch-site"), request.headers.get("origin"));
}

function isSameOrigin(site: string | null, origin: string | null): boolean {
  if (site !== null) return site === "same-origin" || site === "none";
  if (origin === null) return true; // not a browser form post (curl, server-to-server)
  return origin === env.PUBLIC_URL;
}

export function assertSameOrigin(request: Request) {
  if (!isSameOriginPost(request)) {
    throw new Response("Cross-site request refused.", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
}

type HeaderMap = Record<string, string | string[] | undefined>;
type Req = { method: string; path: string; headers: HeaderMap; rawHeaders: string[] };

const firstValue = (headers: HeaderMap, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : (v ?? null);
};

/**
 * Whether the guard below refuses a request (`path` as Express reads it): the server's front
 * leaves such a request to Express, whose guard answers it.
 */
export function refusedAsCrossSite(method: string, path: string, headers: HeaderMap): boolean {
  return isChecked(method, path) && !isSameOrigin(firstValue(headers, "sec-fetch-site"), firstValue(headers, "origin"));
}

const isChecked = (method: string, path: string) => !(method === "GET" || method === "HEAD" || method === "OPTIONS" || path.startsWith("/api/"));

type Res = { status(code: number): Res; set(name: string, value: string): Res; type(t: string): Res; send(body: string): void };

/**
 * The same check as Express middleware, ahead of Remix: Remix's own origin check on document
 * POSTs throws (a 500) before any action runs, so a cross-site post must be answered 403 here.
 * The merchant API (Bearer keys, no cookies) is not a browser form target and is left alone.
 */
export function crossSiteGuard(req: Req, res: Res, next: () => void) {
  if (!isChecked(req.method, req.path)) return next();
  if (refusedAsCrossSite(req.method, req.path, req.headers)) {
    res.status(403).set("Cache-Control", "no-store").type("text/plain").send("Cross-site request refused.");
    return;
  }
  // Token pages send Referrer-Policy: no-referrer, so Chromium posts their forms with
  // `Origin: null`, which Remix's check refuses. Sec-Fetch-Site (which no page can forge)
  // already proved the post same-origin here, so the opaque Origin is dropped.
  if (firstValue(req.headers, "origin") === "null" && firstValue(req.headers, "sec-fetch-site") === "same-origin") {
    dropHeader(req, "origin");
  }
  // Remix compares Origin with Host (or X-Forwarded-Host). Behind a proxy that rewrites Host to its
  // upstream's address (nginx's proxy_pass does by default) every form post of the app's own pages
  // failed that check. A post whose Origin is PUBLIC_URL's is same-origin whatever Host says (no
  // page can forge Origin), so Remix is shown PUBLIC_URL's host.
  if (firstValue(req.headers, "origin") === env.PUBLIC_URL) {
    dropHeader(req, "x-forwarded-host");
    dropHeader(req, "host");
    const host = new URL(env.PUBLIC_URL).host;
    req.headers.host = host;
    req.rawHeaders.push("Host", host);
  }
  next();
}

/** A request header removed from both of Node's views of it (Remix is handed `rawHeaders`). */
function dropHeader(req: Req, name: string) {
  delete req.headers[name];
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i].toLowerCase() === name) req.rawHeaders.splice(i, 2);
  }
}
