import { env } from "./env.server";

/**
 * Cross-site protection for every portal POST. Browsers send Sec-Fetch-Site on every request;
 * anything but same-origin (or "none": typed or bookmarked) is refused. Older browsers without
 * it still send Origin on a POST, which must then be PUBLIC_URL's origin. SameSite=Lax cookies
 * already stop most cross-site posts; this closes the rest (sibling subdomains, top-level POST).
 */
export function isSameOriginPost(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const origin = request.headers.get("origin");
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

type Req = { method: string; path: string; headers: Record<string, string | string[] | undefined>; rawHeaders: string[] };
type Res = { status(code: number): Res; set(name: string, value: string): Res; type(t: string): Res; send(body: string): void };

/**
 * The same check as Express middleware, ahead of Remix: Remix's own origin check on document
 * POSTs throws (a 500) before any action runs, so a cross-site post must be answered 403 here.
 * The merchant API (Bearer keys, no cookies) is not a browser form target and is left alone.
 */
export function crossSiteGuard(req: Req, res: Res, next: () => void) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || req.path.startsWith("/api/")) return next();
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : (v ?? null);
  };
  const headers = new Headers();
  for (const name of ["sec-fetch-site", "origin"]) {
    const v = header(name);
    if (v !== null) headers.set(name, v);
  }
  if (isSameOriginPost(new Request(env.PUBLIC_URL, { headers }))) {
    // Token pages send Referrer-Policy: no-referrer, so Chromium posts their forms with
    // `Origin: null`, which Remix's check refuses. Sec-Fetch-Site (which no page can forge)
    // already proved the post same-origin here, so the opaque Origin is dropped.
    if (header("origin") === "null" && header("sec-fetch-site") === "same-origin") {
      delete req.headers.origin;
      for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
        if (req.rawHeaders[i].toLowerCase() === "origin") req.rawHeaders.splice(i, 2);
      }
    }
    return next();
  }
  res.status(403).set("Cache-Control", "no-store").type("text/plain").send("Cross-site request refused.");
}
