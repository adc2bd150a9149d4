// Every redirect built from input (`redirect_to`, a page's own path) goes through here, for the
// portal and the dashboard alike (issue 12, item 8).
const BASE = "http://surface.invalid";

/**
 * A redirect target taken from input, as a same-origin path under `surface` (`/portal`,
 * `/dashboard`), or `fallback`. The check runs on the URL as a browser would resolve it — dot
 * segments applied, backslashes read as slashes, `%2e%2e` read as `..` — and again on its
 * percent-decoded form, so `//host`, `/\host`, `/portal/../\host` and another origin never become
 * a `Location`, and neither does a path of another surface.
 */
export function pathUnder(surface: string, value: unknown, fallback = surface): string {
  if (typeof value !== "string" || value.length > 2048) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || url.username || url.password) return fallback;
  const path = url.pathname;
  if (path !== surface && !path.startsWith(`${surface}/`)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return fallback;
  }
  if (decoded.includes("\\") || decoded.includes("//") || /(^|\/)\.\.?(\/|$)/.test(decoded)) return fallback;
  return `${path}${url.search}`;
}
