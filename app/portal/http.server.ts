/** Signed-in pages and downloads are never stored: after sign-out, Back shows nothing. */
export const NO_STORE = { "Cache-Control": "no-store" };

/** Pages whose URL carries a token: no Referer to anything they link, no caching, no indexing. */
export const TOKEN_PAGE_HEADERS = { "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex" };
