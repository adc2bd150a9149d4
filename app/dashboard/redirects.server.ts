import { pathUnder } from "~/utils/redirects.server";

/**
 * Where to go after sign-in, a language switch or a merchant switch: a same-origin path under
 * `/dashboard` only (never `//host`, `/\host`, a scheme or another surface; see pathUnder), so
 * `redirect_to` can never send a signed-in person to another site. Remix's `_data` is dropped.
 */
export function safeRedirectPath(value: unknown, fallback = "/dashboard"): string {
  const url = new URL(pathUnder("/dashboard", value, fallback), "http://dashboard.invalid");
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
