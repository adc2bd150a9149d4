import { env } from "~/utils/env.server";

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
