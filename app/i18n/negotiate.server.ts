import { fallbackLocale, matchLocale, type Locale } from "./index";

/** Accept-Language entries by quality, best first (`ko-KR,ko;q=0.9,en;q=0.8`). */
export function parseAcceptLanguage(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(",")
    .slice(0, 20)
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((e) => e.tag && e.tag !== "*" && e.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((e) => e.tag);
}

/** The page language: the session's locale, else the browser's, else the merchant's default. */
export function negotiateLocale(opts: {
  sessionLocale?: string | null;
  request?: Request;
  merchantDefault?: string | null;
}): Locale {
  const fromSession = matchLocale(opts.sessionLocale);
  if (fromSession) return fromSession;
  for (const tag of parseAcceptLanguage(opts.request?.headers.get("accept-language") ?? null)) {
    const match = matchLocale(tag);
    if (match) return match;
  }
  return matchLocale(opts.merchantDefault) ?? fallbackLocale;
}
