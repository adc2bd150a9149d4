import type { HeadersArgs } from "@remix-run/node";

/** Signed-in pages and downloads are never stored: after sign-out, Back shows nothing. */
export const NO_STORE = { "Cache-Control": "no-store" };

/** Pages whose URL carries a token: no Referer to anything they link, no caching, no indexing. */
export const TOKEN_PAGE_HEADERS = { "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex" };

/**
 * A route's `headers`: `base`, then whatever its loader or action answered with (Retry-After on
 * a 429 included), so a plain browser form post gets the same headers as a script would. Call it
 * inside the route's own `headers` function, never at module level: the browser build drops
 * `headers` and this module, but not a call made while the module loads.
 */
export function routeHeaders(base: Record<string, string>, { loaderHeaders, actionHeaders }: Pick<HeadersArgs, "loaderHeaders" | "actionHeaders">) {
  const out = new Headers(base);
  for (const h of [loaderHeaders, actionHeaders]) h.forEach((v, k) => out.set(k, v));
  return out;
}
