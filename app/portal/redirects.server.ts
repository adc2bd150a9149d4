// Every redirect the portal builds from input goes through here.
const BASE = "http://portal.invalid";

/**
 * A redirect target taken from input (`redirect_to`), as a same-origin path under `/portal`, or
 * `fallback`. The check runs on the URL as a browser would resolve it — dot segments applied,
 * backslashes read as slashes, `%2e%2e` read as `..` — and again on its percent-decoded form, so
 * `//host`, `/\host`, `/portal/../\host` and another origin never become a `Location`.
 */
export function portalPath(value: unknown, fallback = "/portal"): string {
  if (typeof value !== "string" || value.length > 2048) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || url.username || url.password) return fallback;
  const path = url.pathname;
  if (path !== "/portal" && !path.startsWith("/portal/")) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return fallback;
  }
  if (decoded.includes("\\") || decoded.includes("//") || /(^|\/)\.\.?(\/|$)/.test(decoded)) return fallback;
  return `${path}${url.search}`;
}
