/**
 * `redirect_to` values that must never leave a surface (issue 12, item 8): other origins,
 * protocol-relative and backslash spellings, dot segments plain and percent-encoded, another
 * surface's pages. Each is written for `surface` (`/portal`, `/dashboard`).
 */
export function hostileRedirects(surface: string): string[] {
  const s = surface;
  const S = surface.toUpperCase();
  return [
    `//evil.example${s}`,
    `${s}/../\\evil.example`,
    `${s}/..\\..\\\\evil.example`,
    "/\\evil.example",
    `\\\\evil.example${s}`,
    `https://evil.example${s}`,
    `http://127.0.0.1:1${s}`,
    `${s}/%2e%2e/%2e%2e//evil.example`,
    `${s}/.%2e/\\evil.example`,
    `${S}/../\\evil.example`,
    `${s}/%5C%5Cevil.example`,
    `${s}/%2F%2Fevil.example`,
    `${s}/..%2F..%2F%2Fevil.example`,
    " //evil.example",
    `${s.slice(0, 3)}\t${s.slice(3)}/../\\evil.example`,
    `javascript:alert(1)//${s}`,
    `${s}evil`,
    "/dev/mailbox",
    s === "/portal" ? "/dashboard" : "/portal",
  ];
}

/** A `Location` that stays under `surface` on `origin`, however a browser resolves it. */
export function isUnder(surface: string, location: string | null, origin: string): boolean {
  if (!location) return false;
  if (!location.startsWith(`${surface}/`) && !location.startsWith(`${surface}?`) && location !== surface) return false;
  if (/\\|%5c|%2f%2f|\/\/|(^|\/)\.\.?(\/|$)/i.test(location)) return false;
  const resolved = new URL(location, origin);
  return resolved.origin === origin && (resolved.pathname === surface || resolved.pathname.startsWith(`${surface}/`));
}
