/**
 * Where to go after sign-in: a same-origin path only (never `//host`, `/\host` or a scheme), so
 * `redirect_to` can never send a signed-in person to another site.
 */
export function safeRedirectPath(value: unknown, fallback = "/dashboard"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f]/.test(value)) return fallback;
  const url = new URL(value, "http://dashboard.invalid");
  if (url.origin !== "http://dashboard.invalid") return fallback;
  url.searchParams.delete("_data");
  return `${url.pathname}${url.search}`;
}

/** The path and query a page was asked for (without Remix's `_data`), for `redirect_to`. */
export function requestedPath(request: Request): string {
  const url = new URL(request.url);
  url.searchParams.delete("_data");
  url.searchParams.delete("index");
  return `${url.pathname}${url.search}`;
}

export function signInUrl(redirectTo: string | null): string {
  return redirectTo ? `/dashboard/sign-in?redirect_to=${encodeURIComponent(redirectTo)}` : "/dashboard/sign-in";
}
